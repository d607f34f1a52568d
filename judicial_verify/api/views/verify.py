"""/api/v1/verify: is this document anchored? By its SHA-256, or by the file itself.

Each entry anchoring the document comes with its inclusion proof and the
signed checkpoint it leads to, and the answer carries the log's verifier
keys, so a client can check it all without trusting this server. An empty
list means "not anchored". Each entry names the absolute URLs of its receipt
and of its verification report, so a client need not build them.
"""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from judicial_verify.records.selectors import verification_by_sha256

from ..entry_output import LinkedEntryOut, entry_links_add, proven_entry_data
from ..errors import ErrorOutput
from ..params import SHA256_PATTERN, invalid, sha256_parse
from ..uploads import FIELD, HashedUpload, Sha256MultiPartParser
from ..viewers import for_viewer, viewer_from_request


class VerifyOut(serializers.Serializer):
    sha256 = serializers.CharField(help_text="the document's SHA-256, hex")
    anchored = serializers.BooleanField(help_text="whether any entry anchors it")
    entries = LinkedEntryOut(many=True, help_text="every entry anchoring it, oldest first")
    verifier_keys = serializers.ListField(
        child=serializers.CharField(), help_text="every key that signed a checkpoint, newest first"
    )


class VerifyUploadOut(VerifyOut):
    file_size = serializers.IntegerField(min_value=0, help_text="bytes received and hashed")


@extend_schema_field(OpenApiTypes.BINARY)
class DocumentField(serializers.FileField):
    """The document's bytes (OpenAPI: binary, not the URI a stored file would have)."""


class VerifyUploadIn(serializers.Serializer):
    file = DocumentField(help_text="the document; hashed as it arrives, never stored")


def _answer(request: Request, sha256: str) -> dict[str, Any]:
    viewer = viewer_from_request(request)
    verification = verification_by_sha256(sha256)
    entries = [proven_entry_data(p, viewer) for p in verification.entries]
    entry_links_add(request, entries, sha256=sha256)
    return {
        "sha256": sha256,
        "anchored": bool(entries),
        "entries": entries,
        "verifier_keys": list(verification.verifier_keys),
    }


def _response(answer: dict[str, Any]) -> Response:
    # The answer is built as plain data already (entry_output); VerifyOut documents it.
    shows_metadata = any(e["metadata"] is not None for e in answer["entries"])
    return for_viewer(Response(answer), shows_metadata=shows_metadata)


class VerifyView(APIView):
    parser_classes = [Sha256MultiPartParser]

    @extend_schema(
        operation_id="verify_by_hash",
        parameters=[
            OpenApiParameter(
                "sha256",
                OpenApiTypes.STR,
                required=True,
                pattern=SHA256_PATTERN,
                description="the document's SHA-256, 64 hex digits",
            )
        ],
        responses=VerifyOut,
        summary="Verify a document by its SHA-256",
    )
    def get(self, request: Request) -> Response:
        sha256 = sha256_parse("sha256", request.query_params.get("sha256"))
        return _response(_answer(request, sha256))

    @extend_schema(
        operation_id="verify_by_upload",
        request={"multipart/form-data": VerifyUploadIn},
        responses={
            200: VerifyUploadOut,
            413: OpenApiResponse(ErrorOutput, description="the file is over the upload limit"),
        },
        summary="Verify a document by uploading it (hashed on arrival, not kept)",
    )
    def post(self, request: Request) -> Response:
        uploads = request.FILES.getlist(FIELD)
        if len(uploads) != 1 or not isinstance(uploads[0], HashedUpload):
            raise invalid(FIELD, f"send the document as the multipart file field '{FIELD}'")
        upload = uploads[0]
        answer = _answer(request, upload.sha256) | {"file_size": upload.size}
        return _response(answer)
