"""/api/v1/codes/CODE: what the holder of a served document's verification code may ask.

The service record, a check of a file against the served document, and the code's QR
code. Any code that names no served document (malformed, mistyped, unknown) gets the same
404, and every request counts against CodeLookupThrottle, found or not.
"""

import io
from typing import Any

import segno
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from judicial_verify.records.codes import code_format
from judicial_verify.records.served_documents import (
    Outcome,
    ServiceRecord,
    served_document_check,
    served_document_code,
    service_record_by_code,
)

from ..copies import PAGES_MISMATCH, CopyIn, OutcomeMessage, page_bytes
from ..errors import ApiError, ErrorOutput
from ..negotiation import FirstRenderer
from ..params import Sha256Field
from ..throttles import CodeLookupThrottle, RoleRateThrottle

QR_MAX_AGE = 24 * 3600
# The caller's role rate, as on every view, and the stricter per-address limit on codes.
THROTTLES = [RoleRateThrottle, CodeLookupThrottle]


def _not_found() -> ApiError:
    # One body for every code that names nothing: it must not tell a typo from a guess.
    return ApiError(
        "no served document has this verification code; check the code and try again",
        code="not_found",
        status_code=404,
    )


class CodeCourt(serializers.Serializer):
    code = serializers.CharField(help_text="the node's code")
    name = serializers.CharField()


class CodeReceipt(serializers.Serializer):
    status = serializers.ChoiceField(choices=["received", "not_received"])
    received_at = serializers.DateTimeField(
        allow_null=True, help_text="as recorded, else when the receipt was anchored"
    )
    method = serializers.CharField(allow_null=True, help_text="how the recipient received it")
    index = serializers.IntegerField(allow_null=True, help_text="the receipt's entry")
    anchored_at = serializers.DateTimeField(allow_null=True)


class CodeServiceRecord(serializers.Serializer):
    code = serializers.CharField(help_text="the verification code, in groups")
    court = CodeCourt(help_text="the court (node) that served the document")
    document_type = serializers.CharField(allow_null=True)
    served_at = serializers.DateTimeField(help_text="as recorded, else when it was anchored")
    method = serializers.CharField(allow_null=True, help_text="how it was served")
    index = serializers.IntegerField(help_text="the served document's entry in the log")
    anchored_at = serializers.DateTimeField()
    receipt = CodeReceipt()


class CodeCheckInput(CopyIn):
    sha256 = Sha256Field(help_text="SHA-256 of the file, 64 hex digits")


CHECK_OUTCOMES = [o.value for o in Outcome]


class CodeCheckOutput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=CHECK_OUTCOMES)
    message = OutcomeMessage(help_text="what the outcome means, for people")
    pages_differing = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        help_text="content_differs, when the file's pages were sent and the served "
        "document's were anchored: the numbers of the pages whose text differs",
    )
    index = serializers.IntegerField(
        required=False, help_text="unless content_differs: the served document's entry"
    )
    anchored_at = serializers.DateTimeField(required=False)
    court = CodeCourt(required=False)
    proof_url = serializers.URLField(
        required=False, help_text="unless content_differs: its inclusion proof"
    )
    receipt_url = serializers.URLField(
        required=False, help_text="unless content_differs: its .tlog-proof file"
    )


CODE_PARAMETER = OpenApiParameter(
    "code",
    str,
    OpenApiParameter.PATH,
    description="the verification code, any case, with or without hyphens",
)
RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    int,
    OpenApiParameter.HEADER,
    description="seconds until a code request is allowed again",
    response=[429],
)
NOT_FOUND = OpenApiResponse(ErrorOutput, description="no served document has this code")
THROTTLED = OpenApiResponse(ErrorOutput, description="too many code requests; Retry-After")


def _court(record: ServiceRecord) -> dict[str, str]:
    return {"code": record.court.code, "name": record.court.name}


def _service_record(record: ServiceRecord) -> dict[str, Any]:
    receipt = record.receipt
    return {
        "code": code_format(record.code),
        "court": _court(record),
        "document_type": record.document_type,
        "served_at": record.served_at,
        "method": record.method,
        "index": record.document.index,
        "anchored_at": record.document.entry.time,
        "receipt": {
            "status": "received" if receipt else "not_received",
            "received_at": receipt.received_at if receipt else None,
            "method": receipt.method if receipt else None,
            "index": receipt.index if receipt else None,
            "anchored_at": receipt.anchored_at if receipt else None,
        },
    }


class CodeView(APIView):
    throttle_classes = THROTTLES

    @extend_schema(
        operation_id="codes_service_record",
        parameters=[CODE_PARAMETER, RETRY_AFTER],
        responses={200: CodeServiceRecord, 404: NOT_FOUND, 429: THROTTLED},
        summary="The service record of a served document, for the holder of its code",
    )
    def get(self, request: Request, code: str) -> Response:
        record = service_record_by_code(code)
        if record is None:
            raise _not_found()
        # Receipt status changes, and the record is the holder's business only.
        return Response(_service_record(record), headers={"Cache-Control": "private, no-store"})


class CodeCheckView(APIView):
    throttle_classes = THROTTLES

    @extend_schema(
        operation_id="codes_check",
        parameters=[CODE_PARAMETER, RETRY_AFTER],
        request=CodeCheckInput,
        responses={
            200: CodeCheckOutput,
            400: OpenApiResponse(
                ErrorOutput, description="sha256, content, revisions or pages malformed"
            ),
            404: NOT_FOUND,
            422: PAGES_MISMATCH,
            429: THROTTLED,
        },
        summary="Is this file (by its SHA-256, or its text) the served document?",
    )
    def post(self, request: Request, code: str) -> Response:
        body = CodeCheckInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        result = served_document_check(
            code=code,
            sha256=data["sha256"],
            content=data.get("content"),
            revisions=data.get("revisions", ()),
            pages=page_bytes(data),
        )
        if result is None:
            raise _not_found()
        answer: dict[str, Any] = {
            "outcome": result.outcome.value,
            "message": {"en": result.message_en, "zh": result.message_zh},
        }
        if result.pages_differing is not None:
            answer["pages_differing"] = result.pages_differing
        if result.outcome is not Outcome.CONTENT_DIFFERS:
            index = result.record.document.index
            answer |= {
                "index": index,
                "anchored_at": result.record.document.entry.time,
                "court": _court(result.record),
                "proof_url": request.build_absolute_uri(f"/api/v1/entries/{index}/proof"),
                "receipt_url": request.build_absolute_uri(f"/api/v1/entries/{index}/receipt"),
            }
        return Response(answer, headers={"Cache-Control": "private, no-store"})


class CodeQrView(APIView):
    throttle_classes = THROTTLES
    content_negotiation_class = FirstRenderer

    @extend_schema(
        operation_id="codes_qr",
        parameters=[CODE_PARAMETER, RETRY_AFTER],
        responses={
            (200, "image/svg+xml"): OpenApiResponse(
                OpenApiTypes.STR, description="a QR code of the portal's /v/CODE page"
            ),
            (404, "application/json"): NOT_FOUND,
            (429, "application/json"): THROTTLED,
        },
        summary="The QR code of a verification code (SVG)",
    )
    def get(self, request: Request, code: str) -> HttpResponse:
        canonical = served_document_code(code)
        if canonical is None:
            raise _not_found()
        svg = io.BytesIO()
        segno.make(request.build_absolute_uri(f"/v/{canonical}"), error="m").save(
            svg, kind="svg", scale=4, xmldecl=False, title=code_format(canonical)
        )
        response = HttpResponse(svg.getvalue(), content_type="image/svg+xml")
        # Private: the URL carries the code, which shared caches and their logs should not keep.
        response["Cache-Control"] = f"private, max-age={QR_MAX_AGE}"
        return response
