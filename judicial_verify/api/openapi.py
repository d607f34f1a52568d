"""The OpenAPI description beyond what drf-spectacular infers: the token scheme, and the
error answers (in the one error shape) that every operation can give."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework.permissions import AllowAny

from .errors import ErrorOutput


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "judicial_verify.api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: AutoSchema) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "`Token jvn_...` with a node's token (`manage.py create_node`), or "
                "`Token jvp_...` with a person's personal token."
            ),
        }


class ApiAutoSchema(AutoSchema):
    """Adds the error answers an operation can give to those its view declares, and says
    that a request body is required: no operation of this API takes an empty one, and
    drf-spectacular leaves a body optional when a raw schema or a form describes it."""

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation: dict[str, Any] | None = super().get_operation(*args, **kwargs)
        if operation is not None and "requestBody" in operation:
            operation["requestBody"]["required"] = True
        return operation

    def _error_statuses(self) -> dict[int, str]:
        unsafe = self.method not in ("GET", "HEAD", "OPTIONS")
        protected = any(not isinstance(p, AllowAny) for p in self.view.get_permissions())
        authenticates = bool(self.view.get_authenticators())
        throttled = bool(self.view.get_throttles())
        candidates = {
            400: ("the request is malformed or not valid", unsafe or bool(self._get_parameters())),
            401: ("the token is not valid, or the operation needs one", authenticates),
            403: ("not allowed to this caller", protected or unsafe),
            404: ("no such resource", "{" in self.path),
            406: ("cannot answer in a media type the Accept header allows", True),
            413: ("the request body is too large", unsafe),
            415: ("the request body's media type is not accepted", unsafe),
            429: ("too many requests: retry after Retry-After seconds", throttled),
            # Stored data that fails its own checks (integrity_alarm), or a blocked log that
            # a waiting submission learns of (log_blocked): any operation may meet either.
            503: ("the log cannot answer now: integrity_alarm or log_blocked", True),
        }
        return {status: text for status, (text, applies) in candidates.items() if applies}

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        for status, description in self._error_statuses().items():
            responses.setdefault(
                str(status),
                self._get_response_for_code(
                    OpenApiResponse(ErrorOutput, description=description),
                    str(status),
                    media_types=("application/json",),
                ),
            )
        return responses
