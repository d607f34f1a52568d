"""/api/v1/log: the log's state and keys, and consistency proofs between tree sizes."""

from typing import Any

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from judicial_verify.ledger import read
from judicial_verify.tlog.strict_decoding import encode_base64

from ..entry_output import CheckpointOut, checkpoint_data
from ..errors import ErrorOutput, not_found
from ..params import COUNT_SCHEMA, query_count_required


class LogOut(serializers.Serializer):
    origin = serializers.CharField(help_text="the log's name, the first line of its checkpoints")
    size = serializers.IntegerField(min_value=0, help_text="entries in the newest checkpoint")
    checkpoint = CheckpointOut(allow_null=True, help_text="the newest; null before the first")
    verifier_key = serializers.CharField(
        allow_null=True, help_text="the key that signed the newest checkpoint"
    )
    verifier_keys = serializers.ListField(
        child=serializers.CharField(), help_text="every key that signed a checkpoint, newest first"
    )


class ConsistencyOut(serializers.Serializer):
    from_size = serializers.IntegerField(min_value=0, help_text="the smaller tree size")
    to_size = serializers.IntegerField(min_value=0, help_text="the larger tree size")
    from_root = serializers.CharField(help_text="root hash of the smaller tree, base64")
    to_root = serializers.CharField(help_text="root hash of the larger tree, base64")
    hashes = serializers.ListField(child=serializers.CharField(), help_text="base64, RFC 9162")


def _size(name: str) -> OpenApiParameter:
    description = "a tree size, at most the newest checkpoint's"
    return OpenApiParameter(name, COUNT_SCHEMA, required=True, description=description)


class LogView(APIView):
    @extend_schema(
        operation_id="log_read",
        responses=LogOut,
        summary="The log: origin, size, newest checkpoint, verifier keys",
    )
    def get(self, request: Request) -> Response:
        try:
            checkpoint = read.checkpoint_latest()
        except read.NotFound:
            checkpoint = None
        answer: dict[str, Any] = {
            "origin": checkpoint.key.name if checkpoint else settings.LOG_ORIGIN,
            "size": checkpoint.size if checkpoint else 0,
            "checkpoint": checkpoint_data(checkpoint) if checkpoint else None,
            "verifier_key": checkpoint.key.vkey if checkpoint else None,
            "verifier_keys": read.verifier_keys_as_of(checkpoint) if checkpoint else [],
        }
        return Response(LogOut(answer).data)


class LogConsistencyView(APIView):
    @extend_schema(
        operation_id="log_consistency",
        parameters=[_size("from"), _size("to")],
        responses={
            200: ConsistencyOut,
            404: OpenApiResponse(
                ErrorOutput, description="`to` beyond the newest checkpoint, or `from` beyond `to`"
            ),
        },
        summary="A consistency proof: the tree of size `from` is a prefix of that of `to`",
    )
    def get(self, request: Request) -> Response:
        size1 = query_count_required(request, "from")
        size2 = query_count_required(request, "to")
        try:
            proof = read.consistency_proof_roots(size1, size2)
        except read.NotFound as e:
            raise not_found(str(e)) from None
        answer = {
            "from_size": proof.size1,
            "to_size": proof.size2,
            "from_root": encode_base64(proof.root1),
            "to_root": encode_base64(proof.root2),
            "hashes": [encode_base64(h) for h in proof.hashes],
        }
        return Response(ConsistencyOut(answer).data)
