"""One error shape for the whole API: {"error": {"code", "message", "fields"?}}.

`code` is stable (clients switch on it), `message` is for people, and
`fields` lists each invalid input as {"item"?, "field", "message"} so a
node learns which record of its batch and which field to fix.
"""

from typing import Any

from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler


class ApiError(exceptions.APIException):
    """An error with a stable code, a message and optionally the fields at fault."""

    def __init__(
        self,
        message: str,
        *,
        code: str,
        status_code: int = status.HTTP_400_BAD_REQUEST,
        fields: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message, code)
        self.status_code = status_code
        self.error_code = code
        self.fields = fields


CODES = {
    exceptions.ParseError: "malformed_request",
    exceptions.AuthenticationFailed: "not_authenticated",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
    exceptions.ValidationError: "invalid",
}


def error_body(
    code: str, message: str, fields: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    return {"error": error}


def _validation_fields(detail: Any, prefix: str = "") -> list[dict[str, Any]]:
    # DRF nests messages by field; flatten them to field paths.
    if isinstance(detail, dict):
        return [f for k, v in detail.items() for f in _validation_fields(v, f"{prefix}{k}.")]
    if isinstance(detail, list) and detail and all(isinstance(d, str) for d in detail):
        return [{"field": prefix.rstrip(".") or "body", "message": " ".join(detail)}]
    if isinstance(detail, list):
        return [f for i, v in enumerate(detail) for f in _validation_fields(v, f"{prefix}{i}.")]
    return [{"field": prefix.rstrip(".") or "body", "message": str(detail)}]


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, ApiError):
        body = error_body(exc.error_code, str(exc.detail), exc.fields)
    elif isinstance(exc, exceptions.ValidationError):
        body = error_body("invalid", "the request is not valid", _validation_fields(exc.detail))
    else:
        code = next((c for t, c in CODES.items() if isinstance(exc, t)), "error")
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        body = error_body(code, str(detail))
    response.data = body
    return response


def json_not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    """404 for any /api/ path no view claims."""
    return JsonResponse(error_body("not_found", "there is no such API endpoint"), status=404)
