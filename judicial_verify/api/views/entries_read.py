"""/api/v1/entries/INDEX: one entry, its inclusion proof, and its receipt (.tlog-proof) file."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from judicial_verify.ledger import read
from judicial_verify.records.selectors import entry_view

from ..entry_output import (
    CheckpointOut,
    EntryOut,
    checkpoint_data,
    entry_data,
    leaf_hash_b64,
    proof_data,
)
from ..errors import ErrorOutput, not_found
from ..negotiation import FirstRenderer
from ..params import COUNT_SCHEMA, count_parse, query_count
from ..viewers import for_viewer, viewer_from_request

INDEX = OpenApiParameter(
    "index",
    COUNT_SCHEMA,
    OpenApiParameter.PATH,
    description="the entry's index in the log, from 0",
)
NOT_FOUND = OpenApiResponse(ErrorOutput, description="no such entry or tree size in the log (yet)")


class EntryProofOut(serializers.Serializer):
    index = serializers.IntegerField(min_value=0)
    leaf_hash = serializers.CharField(help_text="SHA-256(0x00 || entry bytes), base64")
    tree_size = serializers.IntegerField(min_value=0)
    hashes = serializers.ListField(
        child=serializers.CharField(), help_text="base64, the leaf's sibling first"
    )
    checkpoint = CheckpointOut(help_text="the signed checkpoint of that tree size")


class EntryReadView(APIView):
    @extend_schema(
        operation_id="entries_read",
        parameters=[INDEX],
        responses={200: EntryOut, 404: NOT_FOUND},
        summary="One entry: its public fields, and its metadata for whom may see it",
    )
    def get(self, request: Request, index: str) -> Response:
        try:
            view = entry_view(count_parse("index", index))
        except read.NotFound as e:
            raise not_found(str(e)) from None
        answer = EntryOut(entry_data(view, viewer_from_request(request))).data
        return for_viewer(Response(answer), shows_metadata=answer["metadata"] is not None)


class EntryProofView(APIView):
    @extend_schema(
        operation_id="entries_proof",
        parameters=[
            INDEX,
            OpenApiParameter(
                "size",
                COUNT_SCHEMA,
                description="a tree size a checkpoint was published for; default the newest",
            ),
        ],
        responses={200: EntryProofOut, 404: NOT_FOUND},
        summary="The inclusion proof of an entry in a published checkpoint",
    )
    def get(self, request: Request, index: str) -> Response:
        position = count_parse("index", index)
        size = query_count(request, "size")
        try:
            entry = read.entry_get(position)
            proof = read.inclusion_proof_published(position, size)
        except read.NotFound as e:
            raise not_found(str(e)) from None
        answer = {
            "index": position,
            "leaf_hash": leaf_hash_b64(bytes(entry.data)),
            **proof_data(proof),
            "checkpoint": checkpoint_data(proof.checkpoint),
        }
        return Response(EntryProofOut(answer).data)


class EntryReceiptView(APIView):
    content_negotiation_class = FirstRenderer

    @extend_schema(
        operation_id="entries_receipt",
        parameters=[INDEX],
        responses={
            (200, "text/plain"): OpenApiResponse(
                OpenApiTypes.STR,
                description="a C2SP tlog-proof@v1 receipt carrying the entry, against the "
                "newest checkpoint: verify it offline with "
                "`python -m judicial_verify.tlog verify --receipt FILE --key KEY`",
            ),
            (404, "application/json"): NOT_FOUND,
        },
        summary="The entry's receipt, a .tlog-proof file",
    )
    def get(self, request: Request, index: str) -> HttpResponse:
        position = count_parse("index", index)
        try:
            receipt = read.receipt_get(position)
        except read.NotFound as e:
            raise not_found(str(e)) from None
        response = HttpResponse(receipt.data, content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="entry-{position}.tlog-proof"'
        return response
