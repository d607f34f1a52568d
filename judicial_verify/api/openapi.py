"""The OpenAPI description beyond what drf-spectacular infers: the quick start it opens with,
the token scheme, which operations need no token, and the error answers (in the one error
shape) that every operation can give."""

from pathlib import Path
from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework.permissions import AllowAny
from rest_framework.request import Request

from .errors import ErrorOutput

QUICK_START = Path(__file__).with_name("quick_start.md")
# Where the quick start's commands point when the schema is written without a request
# (manage.py spectacular): the address scripts/serve serves at.
DEFAULT_SITE = "http://127.0.0.1:8000"


def quick_start_description(
    result: dict[str, Any], generator: Any, request: Request | None, public: bool
) -> dict[str, Any]:
    """drf-spectacular's postprocessing hook: the API's description is the quick start
    (quick_start.md, in Chinese and English), its commands aimed at the site that serves it."""
    site = request.build_absolute_uri("/").rstrip("/") if request is not None else DEFAULT_SITE
    text = QUICK_START.read_text(encoding="utf-8")
    result["info"]["description"] = text.replace("{site}", site)
    return result


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

    def _protected(self) -> bool:
        return any(not isinstance(p, AllowAny) for p in self.view.get_permissions())

    def get_auth(self) -> list[dict[str, list[str]]]:
        """A public operation is shown as needing no credential (`security: [{}]`, no lock
        in Swagger UI), though a token still raises the caller's rate limit. One that needs a
        credential needs a token: no operation takes a signed-in session instead."""
        if not self._protected():
            return [{}]
        return [scheme for scheme in super().get_auth() if scheme and "cookieAuth" not in scheme]

    def _error_statuses(self) -> dict[int, str]:
        unsafe = self.method not in ("GET", "HEAD", "OPTIONS")
        protected = self._protected()
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
