"""POST /api/v1/entries: a node anchors one record or a batch of up to 1,000."""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from judicial_verify.ledger import read
from judicial_verify.ledger.publication import PublicationTimeout, entries_await
from judicial_verify.ledger.witnessing import witnessing_state
from judicial_verify.records.codes import code_format
from judicial_verify.records.kinds import (
    KINDS,
    MAX_LIST_ITEMS,
    MAX_METADATA_BYTES,
    NOT_TEXT,
    Field,
    FieldType,
    RecordKind,
    field_name,
)
from judicial_verify.records.services import (
    MAX_BATCH,
    Anchored,
    AnchorError,
    AnchorItem,
    IdempotencyConflict,
    PagesMismatch,
    RefForbidden,
    RefNotFound,
    RefWrongKind,
    record_code,
    records_anchor,
    records_anchor_once,
)
from judicial_verify.tlog.entry import MAX_REF
from judicial_verify.tlog.fingerprint import MAX_PAGES

from ..copies import pages_mismatch
from ..errors import ApiError, ErrorOutput
from ..params import SHA256_PATTERN
from ..permissions import IsNode, request_node

MAX_WAIT_SECONDS = 30.0
ITEM_KEYS = {"kind", "sha256", "metadata", "ref", "content", "pages"}
# A ref that is well formed but names no entry, another node's, or one of the wrong kind.
REF_ERRORS: dict[type[AnchorError], tuple[int, str]] = {
    RefNotFound: (status.HTTP_404_NOT_FOUND, "ref_not_found"),
    RefForbidden: (status.HTTP_403_FORBIDDEN, "forbidden_ref"),
    RefWrongKind: (status.HTTP_409_CONFLICT, "ref_wrong_kind"),
}


# Metadata is single-line text (records.kinds.NOT_TEXT; a lone surrogate is not a character
# a schema can name).
TEXT_PATTERN = r"^[^\u0000-\u001f\u007f-\u009f\u2028\u2029]*$"
FORMATS = {FieldType.DATE: "date", FieldType.DATETIME: "date-time"}


def _field_schema(field: Field) -> dict[str, Any]:
    text: dict[str, Any] = {"type": "string", "maxLength": field.max_length}
    if field.choices:
        text["enum"] = [c.value for c in field.choices] + [""]
    elif field.type in FORMATS:
        text["format"] = FORMATS[field.type]
    else:
        text["pattern"] = TEXT_PATTERN
    if field.type is FieldType.TEXT_LIST:
        text = {"type": "array", "maxItems": MAX_LIST_ITEMS, "items": text}
    # An empty or null field is left out, as if not given; an empty string is one of the
    # choices for that reason too.
    return {**text, "nullable": True, "description": field.label_en}


CONTENT_PATTERN = r"^pdf-text/v1:[0-9a-f]{64}$"
# null is as if left out, as for ref.
CONTENT_SCHEMA: dict[str, Any] = {
    "type": "string",
    "nullable": True,
    "pattern": CONTENT_PATTERN,
    "description": (
        "a PDF's content fingerprint (docs/pdf-text-v1.md), as `python -m "
        "judicial_verify.tlog fingerprint FILE` prints it; omitted for a document without "
        "text or that is not a PDF. It becomes part of the entry."
    ),
}
PAGES_SCHEMA: dict[str, Any] = {
    "type": "array",
    "nullable": True,
    "items": {"type": "string", "pattern": SHA256_PATTERN},
    "minItems": 1,
    "maxItems": MAX_PAGES,
    "description": (
        "the page fingerprints behind `content`, in page order, kept with the record to "
        "tell which pages of a copy differ; refused unless they hash to `content`"
    ),
}


def _item_schema(kind: RecordKind) -> dict[str, Any]:
    ref: dict[str, Any] = {"type": "integer", "minimum": 0, "maximum": MAX_REF}
    if kind.needs_ref:
        ref["description"] = f"the index of the {kind.ref_kind} it refers to, this node's own"
    else:
        ref.update(nullable=True, description="the index of a related entry, this node's own")
    return {
        "type": "object",
        "title": kind.code,
        "properties": {
            "kind": {"type": "string", "enum": [kind.code]},
            "sha256": {
                "type": "string",
                "pattern": SHA256_PATTERN,
                "description": "SHA-256 of the document, hex",
            },
            "metadata": {
                "type": "object",
                "properties": {f.name: _field_schema(f) for f in kind.fields},
                "additionalProperties": False,
                "description": (
                    f"at most {MAX_METADATA_BYTES:,} bytes as compact JSON, non-ASCII"
                    " characters \\u-escaped"
                ),
            },
            "ref": ref,
            "content": CONTENT_SCHEMA,
            "pages": PAGES_SCHEMA,
        },
        "required": ["kind", "sha256", *(["ref"] if kind.needs_ref else [])],
        "additionalProperties": False,
    }


def _request_schema() -> dict[str, Any]:
    item = {"oneOf": [_item_schema(kind) for kind in KINDS.values()]}
    batch = {"type": "array", "items": item, "minItems": 1, "maxItems": MAX_BATCH}
    return {"oneOf": [item, batch]}


class EntryOutput(serializers.Serializer):
    id = serializers.IntegerField(help_text="submission id")
    kind = serializers.CharField()
    sha256 = serializers.CharField()
    created = serializers.BooleanField(help_text="false when this node had anchored it before")
    status = serializers.ChoiceField(choices=["pending", "integrated"])
    index = serializers.IntegerField(allow_null=True)
    code = serializers.CharField(required=False, help_text="served documents: verification code")
    verify_url = serializers.CharField(required=False)
    qr_url = serializers.CharField(required=False)
    receipt = serializers.CharField(required=False, help_text="tlog-proof, once integrated")


class SubmitOutput(serializers.Serializer):
    entries = EntryOutput(many=True)


def _where(message: str, item: int | None, field: str) -> dict[str, Any]:
    where: dict[str, Any] = {"field": field, "message": message}
    if item is not None:
        where["item"] = item
    return where


def _invalid(message: str, item: int | None, field: str) -> ApiError:
    return ApiError(f"{field}: {message}", code="invalid", fields=[_where(message, item, field)])


def _item(position: int | None, raw: object) -> AnchorItem:
    # Hand-checked rather than through a serializer: a batch of 1,000 must stay cheap.
    if not isinstance(raw, Mapping):
        raise _invalid("a record is a JSON object", position, "body")
    for key in raw:
        if key not in ITEM_KEYS:
            raise _invalid(
                f"unknown field; fields are {', '.join(sorted(ITEM_KEYS))}",
                position,
                field_name(key),
            )
    for key in ("kind", "sha256"):
        if not isinstance(raw.get(key), str):
            raise _invalid("is required, a string", position, key)
    metadata = raw.get("metadata", {})
    if not isinstance(metadata, Mapping):
        raise _invalid("must be a JSON object", position, "metadata")
    ref = raw.get("ref")
    if ref is not None and (isinstance(ref, bool) or not isinstance(ref, int) or ref < 0):
        raise _invalid("must be a non-negative integer", position, "ref")
    if ref is not None and ref > MAX_REF:
        raise _invalid("is past the largest index a log can have, 2**53-1", position, "ref")
    content = raw.get("content")
    if content is not None and not isinstance(content, str):
        raise _invalid("must be a string, pdf-text/v1:<64 hex digits>", position, "content")
    pages = raw.get("pages")
    if pages is not None and (
        not isinstance(pages, list) or not all(isinstance(p, str) for p in pages)
    ):
        raise _invalid("must be a list of hex strings", position, "pages")
    return AnchorItem(
        kind=raw["kind"],
        sha256=raw["sha256"],
        metadata=metadata,
        ref=ref,
        content=content,
        pages=pages,
    )


def _items(data: object) -> list[AnchorItem]:
    if isinstance(data, list):
        if not 1 <= len(data) <= MAX_BATCH:
            raise _invalid(f"a batch holds 1 to {MAX_BATCH} records", None, "body")
        return [_item(i, raw) for i, raw in enumerate(data)]
    return [_item(None, data)]


def _item_position(request: Request, item: int | None) -> int | None:
    # A single record sent as an object has no position to name.
    return item if isinstance(request.data, list) else None


def _wait_seconds(request: Request) -> float:
    raw = request.query_params.get("wait")
    if raw is None:
        return 0.0
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= MAX_WAIT_SECONDS:
        raise _invalid(f"must be a number of seconds from 0 to {MAX_WAIT_SECONDS:g}", None, "wait")
    return seconds


def _quorum_unmet(wait: float) -> ApiError | None:
    """The error a waiting node gets when nothing can be published because the witnesses
    that answer cannot make the policy's quorum; None when that is not why it timed out."""
    try:
        state = witnessing_state()
    except ImproperlyConfigured:  # an unfit policy: /status and the log's errors say so
        return None
    if state is None or state.state != "failing":
        return None
    reasons = "; ".join(f"{f.name}: {f.error}" for f in state.failing)
    return ApiError(
        f"not published within {wait:g} s: the witnesses that answer cannot make the "
        f"quorum of cosignatures the log's policy needs ({reasons}); the entries are stored "
        "and will be published once enough witnesses cosign",
        code="witness_quorum_unmet",
        status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
    )


def _output(
    request: Request, anchored: list[Anchored], receipts: bool, indices: dict[int, int] | None
) -> list[dict[str, Any]]:
    """Each record as answered; `indices`, each submission's entry index where the caller
    has them all (it waited), else read here."""
    if indices is None:
        indices = read.submission_indices([a.record.submission for a in anchored])
    files = read.receipts_get(list(indices.values())) if receipts and indices else {}
    out = []
    for a in anchored:
        index = indices.get(a.record.submission)
        item: dict[str, Any] = {
            "id": a.record.submission,
            "kind": a.record.kind,
            "sha256": a.record.sha256,
            "created": a.created,
            "status": "pending" if index is None else "integrated",
            "index": index,
        }
        code = record_code(a.record)
        if code is not None:
            item["code"] = code_format(code)
            item["verify_url"] = request.build_absolute_uri(f"/v/{code}")
            item["qr_url"] = request.build_absolute_uri(f"/api/v1/codes/{code}/qr")
        if index is not None and index in files:
            item["receipt"] = files[index].data.decode()
        out.append(item)
    return out


class EntrySubmitView(APIView):
    permission_classes = [IsNode]
    throttle_scope = "node"

    @extend_schema(
        operation_id="entries_submit",
        request={"application/json": _request_schema()},
        responses={
            200: SubmitOutput,
            202: SubmitOutput,
            404: OpenApiResponse(ErrorOutput, description="an item's ref names no entry"),
            409: OpenApiResponse(
                ErrorOutput, description="an item's ref names an entry of another kind"
            ),
            422: OpenApiResponse(
                ErrorOutput,
                description="the Idempotency-Key was used for a different batch, or an "
                "item's pages do not make up its content (pages_mismatch)",
            ),
            503: OpenApiResponse(
                ErrorOutput,
                description=(
                    "the log cannot answer now: integrity_alarm, log_blocked, or (waiting) "
                    "witness_quorum_unmet: the witnesses cannot make the policy's quorum, so "
                    "the stored entries wait to be published"
                ),
            ),
        },
        parameters=[
            OpenApiParameter(
                "wait",
                {"type": "number", "minimum": 0, "maximum": MAX_WAIT_SECONDS},
                description="seconds to wait for a published checkpoint",
            ),
            OpenApiParameter(
                "Idempotency-Key",
                {"type": "string", "pattern": TEXT_PATTERN},
                OpenApiParameter.HEADER,
                description="text without control characters: a retried batch under the same "
                "key gets the same answer",
            ),
        ],
        summary="Anchor one record or up to 1,000",
        description=(
            f"The body is one record or an array of 1 to {MAX_BATCH:,}, at most"
            f" {settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes: a full batch of records with"
            " the most metadata allowed fits. A larger body gets 413."
        ),
    )
    def post(self, request: Request) -> Response:
        node = request_node(request)
        if node is None:  # IsNode has refused this already; here for the type checker
            raise ApiError(
                "anchoring needs a node's API token", code="not_authenticated", status_code=401
            )
        wait = _wait_seconds(request)
        items = _items(request.data)
        key = request.headers.get("Idempotency-Key")
        if key and NOT_TEXT.search(key):
            raise _invalid("must be text without control characters", None, "Idempotency-Key")
        try:
            if key:
                anchored = records_anchor_once(node=node, items=items, key=key[:200])
            else:
                anchored = records_anchor(node=node, items=items)
        except (RefForbidden, RefNotFound, RefWrongKind) as e:
            answer, code = REF_ERRORS[type(e)]
            raise ApiError(
                str(e),
                code=code,
                status_code=answer,
                fields=[_where(str(e), _item_position(request, e.item), "ref")],
            ) from None
        except PagesMismatch as e:
            raise pages_mismatch(str(e), _item_position(request, e.item)) from None
        except AnchorError as e:
            raise _invalid(str(e), _item_position(request, e.item), e.field or "body") from None
        except IdempotencyConflict as e:
            raise ApiError(str(e), code="idempotency_key_reused", status_code=422) from None
        integrated = True
        indices = None
        if wait:
            submissions = [a.record.submission for a in anchored]
            try:
                found = entries_await(submissions=submissions, timeout=wait)
                indices = dict(zip(submissions, found, strict=True))
            except PublicationTimeout:
                if (unmet := _quorum_unmet(wait)) is not None:
                    raise unmet from None
                integrated = False
        entries = _output(request, anchored, receipts=bool(wait), indices=indices)
        done = integrated and all(e["status"] == "integrated" for e in entries)
        return Response(
            {"entries": entries}, status=status.HTTP_200_OK if done else status.HTTP_202_ACCEPTED
        )
