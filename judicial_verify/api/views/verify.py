"""/api/v1/verify: is this document anchored? By its SHA-256, or by the file itself.

Each entry anchoring the document comes with its inclusion proof and the
signed checkpoint it leads to, and the answer carries the log's verifier
keys, so a client can check it all without trusting this server. An empty
list means "not anchored". Each entry names the absolute URLs of its receipt
and of its verification report, so a client need not build them. Beside the
SHA-256 a client may send what it computed from a PDF: its content
fingerprint and its earlier revisions' SHA-256, so that an incremental update
of an anchored document, or a copy of its text, is recognised as such
(records/copies.py); `outcome` says which.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from judicial_verify.ledger import read
from judicial_verify.ledger.positions import MAX_POSITION
from judicial_verify.records import outcomes
from judicial_verify.records.copies import (
    MAX_REVISIONS,
    CopyVerification,
    copy_verification,
    named_copy_verification,
)
from judicial_verify.records.outcomes import english_and_chinese

from ..copies import PAGES_MISMATCH, CopyIn, OutcomeMessage, page_bytes
from ..entry_output import LinkedEntryOut, entry_links_add, proven_entry_data
from ..errors import ErrorOutput, not_found
from ..params import (
    CONTENT_PATTERN,
    COUNT_SCHEMA,
    SHA256_PATTERN,
    Sha256Field,
    content_parse,
    invalid,
    query_count,
    sha256_parse,
)
from ..uploads import FIELD, HashedUpload, Sha256MultiPartParser
from ..viewers import for_viewer, viewer_from_request

OUTCOMES = [
    outcomes.VERIFIED,
    outcomes.EARLIER_REVISION,
    outcomes.SAME_TEXT,
    outcomes.CONTENT_DIFFERS,
    outcomes.NOT_ANCHORED,
]


class VerifyOut(serializers.Serializer):
    sha256 = serializers.CharField(help_text="the document's SHA-256, hex")
    anchored = serializers.BooleanField(help_text="whether any entry anchors these bytes")
    outcome = serializers.ChoiceField(
        choices=OUTCOMES,
        help_text="verified: these bytes are anchored (by the record named, if one is); "
        "earlier_revision: the file is an incremental update of an anchored document; "
        "same_text: other bytes, but the content fingerprint of an anchored document; "
        "content_differs: a record was named by its index and none of these holds for it; "
        "not_anchored: none of these holds for any record",
    )
    entries = LinkedEntryOut(
        many=True, help_text="every entry anchoring it (the one named, if any), oldest first"
    )
    matching_entries = LinkedEntryOut(
        many=True,
        help_text="earlier_revision: the entries anchoring the revision; same_text: the "
        "entries whose content fingerprint the file's is; content_differs: the record "
        "named; oldest first; else empty",
    )
    pages_differing = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        help_text="content_differs, when the file's pages were sent and the named record's "
        "were anchored: the numbers of the pages whose text differs",
    )
    revision_sha256 = serializers.CharField(
        required=False, help_text="earlier_revision: the anchored revision's SHA-256"
    )
    message = OutcomeMessage(
        required=False,
        help_text="earlier_revision, same_text and content_differs: what the outcome means",
    )
    verifier_keys = serializers.ListField(
        child=serializers.CharField(), help_text="every key that signed a checkpoint, newest first"
    )


class VerifyUploadOut(VerifyOut):
    file_size = serializers.IntegerField(
        min_value=0, required=False, help_text="an upload's bytes received and hashed"
    )


class VerifyCopyIn(CopyIn):
    sha256 = Sha256Field(help_text="SHA-256 of the file, 64 hex digits")
    index = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_POSITION,
        help_text="the record the file should be, named by its number (entry index)",
    )


@extend_schema_field(OpenApiTypes.BINARY)
class DocumentField(serializers.FileField):
    """The document's bytes (OpenAPI: binary, not the URI a stored file would have)."""


class VerifyUploadIn(serializers.Serializer):
    file = DocumentField(help_text="the document; hashed as it arrives, never stored")


@dataclass(frozen=True)
class _Asked:
    """What the client sent about its file (records/copies.py)."""

    sha256: str
    content: str | None = None
    revisions: Sequence[str] = ()
    index: int | None = None  # the record the person named by its number
    pages: Sequence[bytes] | None = None


def _check(asked: _Asked) -> CopyVerification:
    if asked.index is None:
        return copy_verification(
            sha256=asked.sha256, content=asked.content, revisions=asked.revisions
        )
    try:
        return named_copy_verification(
            index=asked.index,
            sha256=asked.sha256,
            content=asked.content,
            revisions=asked.revisions,
            pages=asked.pages,
        )
    except read.NotFound as e:
        raise not_found(str(e)) from None


def _message(check: CopyVerification, index: int | None) -> dict[str, str] | None:
    if check.outcome == outcomes.SAME_TEXT:
        en, zh = english_and_chinese(outcomes.SAME_TEXT_MEANS)
    elif check.outcome == outcomes.EARLIER_REVISION:
        # The server sees hashes, not the appended bytes: it cannot name what they hold.
        appended_en, appended_zh = outcomes.appended_words(())
        en, zh = english_and_chinese(outcomes.EARLIER_REVISION_MEANS)
        en, zh = en % {"appended": appended_en}, zh % {"appended": appended_zh}
    elif check.outcome == outcomes.CONTENT_DIFFERS and index is not None:
        en, zh = outcomes.named_differs_words(index, check.text_compared, check.pages_differing)
    else:
        return None
    return {"en": en, "zh": zh}


def _report_urls_complete(
    entries: list[dict[str, Any]], asked: _Asked, check: CopyVerification
) -> None:
    # A report of a copy needs what tells it apart (portal/views/report.py): the file's
    # content fingerprint, and the revision that matched.
    extra = {"content": asked.content, "revision": check.revision_sha256}
    query = urlencode({name: value for name, value in extra.items() if value is not None})
    if query:
        for entry in entries:
            entry["report_url"] += f"&{query}"


def _answer(request: Request, asked: _Asked) -> dict[str, Any]:
    viewer = viewer_from_request(request)
    check = _check(asked)
    found = [proven_entry_data(p, viewer) for p in check.verification.entries]
    entry_links_add(request, found, sha256=asked.sha256)
    _report_urls_complete(found, asked, check)
    verified = check.outcome == outcomes.VERIFIED
    answer: dict[str, Any] = {
        "sha256": asked.sha256,
        "anchored": verified,
        "outcome": check.outcome,
        "entries": found if verified else [],
        "matching_entries": [] if verified else found,
        "verifier_keys": list(check.verification.verifier_keys),
    }
    if check.revision_sha256 is not None:
        answer["revision_sha256"] = check.revision_sha256
    if check.pages_differing is not None:
        answer["pages_differing"] = check.pages_differing
    if (message := _message(check, asked.index)) is not None:
        answer["message"] = message
    return answer


def _revisions(request: Request) -> list[str]:
    raw = request.query_params.getlist("revision")
    if len(raw) > MAX_REVISIONS:
        raise invalid("revision", f"at most {MAX_REVISIONS} earlier revisions")
    return [sha256_parse("revision", value) for value in raw]


def _response(answer: dict[str, Any]) -> Response:
    # The answer is built as plain data already (entry_output); VerifyOut documents it.
    shows_metadata = any(
        e["metadata"] is not None for e in answer["entries"] + answer["matching_entries"]
    )
    return for_viewer(Response(answer), shows_metadata=shows_metadata)


class VerifyView(APIView):
    parser_classes = [Sha256MultiPartParser, JSONParser]

    @extend_schema(
        operation_id="verify_by_hash",
        parameters=[
            OpenApiParameter(
                "sha256",
                OpenApiTypes.STR,
                required=True,
                pattern=SHA256_PATTERN,
                description="the document's SHA-256, 64 hex digits",
            ),
            OpenApiParameter(
                "index",
                COUNT_SCHEMA,
                description="the record the file should be, named by its number (entry "
                "index): the answer is then about that record only, content_differs if the "
                "file is not it; 404 if no published entry has it",
            ),
            OpenApiParameter(
                "content",
                OpenApiTypes.STR,
                pattern=CONTENT_PATTERN,
                description="a PDF's content fingerprint (docs/pdf-text-v1.md): a copy of an "
                "anchored document's text is then answered same_text",
            ),
            OpenApiParameter(
                "revision",
                OpenApiTypes.STR,
                many=True,
                pattern=SHA256_PATTERN,
                description=f"at most {MAX_REVISIONS}, in file order: the SHA-256 of each "
                "earlier revision of a PDF (docs/pdf-text-v1.md, section 4); an anchored one "
                "is answered earlier_revision",
            ),
        ],
        responses={
            200: VerifyOut,
            400: OpenApiResponse(ErrorOutput, description="a malformed parameter"),
            404: OpenApiResponse(ErrorOutput, description="no published entry has the index"),
        },
        summary="Verify a document by its SHA-256 (and a PDF's text and revisions)",
    )
    def get(self, request: Request) -> Response:
        asked = _Asked(
            sha256=sha256_parse("sha256", request.query_params.get("sha256")),
            content=content_parse("content", request.query_params.get("content")),
            revisions=_revisions(request),
            index=query_count(request, "index"),
        )
        return _response(_answer(request, asked))

    @extend_schema(
        operation_id="verify_by_upload",
        request={"multipart/form-data": VerifyUploadIn, "application/json": VerifyCopyIn},
        responses={
            200: VerifyUploadOut,
            400: OpenApiResponse(ErrorOutput, description="a malformed field"),
            404: OpenApiResponse(ErrorOutput, description="no published entry has the index"),
            413: OpenApiResponse(ErrorOutput, description="the file is over the upload limit"),
            422: PAGES_MISMATCH,
        },
        summary="Verify a document by uploading it (hashed on arrival, not kept), or by "
        "what was computed from it (JSON: SHA-256, content fingerprint, revisions)",
        description="A JSON body is answered like GET, with no file_size; it has room for "
        "page fingerprints, which a GET has not (they say which pages of a named record "
        "differ, see /api/v1/codes/{code}/check).",
    )
    def post(self, request: Request) -> Response:
        if request.content_type.startswith("application/json"):
            body = VerifyCopyIn(data=request.data)
            body.is_valid(raise_exception=True)
            data = body.validated_data
            asked = _Asked(
                sha256=data["sha256"],
                content=data.get("content"),
                revisions=data.get("revisions", ()),
                index=data.get("index"),
                pages=page_bytes(data),
            )
            return _response(_answer(request, asked))
        uploads = request.FILES.getlist(FIELD)
        if len(uploads) != 1 or not isinstance(uploads[0], HashedUpload):
            raise invalid(FIELD, f"send the document as the multipart file field '{FIELD}'")
        upload = uploads[0]
        answer = _answer(request, _Asked(sha256=upload.sha256)) | {"file_size": upload.size}
        return _response(answer)
