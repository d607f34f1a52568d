"""One error shape for the whole API: {"error": {"code", "message", "fields"?}}.

`code` is stable (clients switch on it), `message` is for people, and
`fields` lists each invalid input as {"item"?, "field", "message"} so a
node learns which record of its batch and which field to fix.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from judicial_verify.ledger.integrate import LogBlocked
from judicial_verify.ledger.read import IntegrityAlarm


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


def not_found(message: str) -> ApiError:
    """A 404 for something that does not exist (yet), saying what."""
    return ApiError(message, code="not_found", status_code=status.HTTP_404_NOT_FOUND)


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


class ErrorField(serializers.Serializer):
    item = serializers.IntegerField(required=False, help_text="position in a batch")
    field = serializers.CharField()
    message = serializers.CharField()


class ErrorOutput(serializers.Serializer):
    """The body of every error answer, for the OpenAPI description."""

    # Inline: a serializer cannot declare a field named `fields` as a class attribute.
    error = inline_serializer(
        "ErrorDetail",
        {
            "code": serializers.CharField(help_text="stable: clients switch on it"),
            "message": serializers.CharField(help_text="for people"),
            "fields": ErrorField(many=True, required=False, help_text="the inputs at fault"),
        },
    )


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


INTEGRITY_ALARM_MESSAGE = (
    "stored data failed its own integrity checks, so nothing is answered from it; "
    "the operators are alerted, try again later"
)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, IntegrityAlarm):  # logged as critical where it was found
        body = error_body("integrity_alarm", INTEGRITY_ALARM_MESSAGE)
        return Response(body, status=status.HTTP_503_SERVICE_UNAVAILABLE)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, LogBlocked):
        message = f"the log is blocked ({exc}); the entries are stored and stay pending"
        exc = ApiError(message, code="log_blocked", status_code=status.HTTP_503_SERVICE_UNAVAILABLE)
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


@csrf_exempt  # a POST to an unknown path is a 404, not a CSRF failure
def json_not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    """404 for any /api/ path no view claims."""
    return JsonResponse(error_body("not_found", "there is no such API endpoint"), status=404)


# Django's error views (handler400 and the rest in judicial_verify.urls): what fails outside
# DRF's exception handling, from a too-large body to an unexpected exception, still answers
# the API's error shape under /api/, and the portal's pages elsewhere.


def _in_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not _in_api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        body = error_body("too_large", "the request body is too large")
        return JsonResponse(body, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    return JsonResponse(error_body("malformed_request", "the request is malformed"), status=400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not _in_api(request):
        return defaults.permission_denied(request, exception)
    return JsonResponse(error_body("permission_denied", "not allowed"), status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not _in_api(request):
        return defaults.page_not_found(request, exception)
    return json_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """500 for an unexpected exception. Django has logged it, traceback and all."""
    if not _in_api(request):
        return defaults.server_error(request)
    body = error_body("internal_error", "the server failed to answer; the failure is logged")
    return JsonResponse(body, status=500)


class IntegrityAlarmMiddleware:
    """Answers an IntegrityAlarm that escapes a view outside DRF (the portal's pages, the
    tiles; api_exception_handler answers the API's) with the 503 page: stored data that
    fails its checks is the operators' emergency, logged as such where it was found, not an
    unexpected bug, and the visitor should hear that the service is unavailable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, IntegrityAlarm):
            return None
        return render(request, "503.html", status=status.HTTP_503_SERVICE_UNAVAILABLE)
