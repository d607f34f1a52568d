"""Path and query parameters, parsed strictly: a bad one is a 400 that names it.

Indices and tree sizes are bounded by the database's BIGINT, so a huge number
is refused here rather than overflowing a query.
"""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request

from judicial_verify.ledger.positions import MAX_POSITION, position_parse
from judicial_verify.tlog.entry import CONTENT, SHA256_HEX

from .errors import ApiError

# The OpenAPI schema of an index or tree size.
COUNT_SCHEMA = {"type": "integer", "format": "int64", "minimum": 0, "maximum": MAX_POSITION}
# The OpenAPI pattern of a SHA-256: the log's lower-case spelling, the one to send, though
# upper case is accepted too.
SHA256_PATTERN = f"^{SHA256_HEX.pattern}$"
SHA256_MESSAGE = "must be a SHA-256: 64 hex digits"


def invalid(field: str, message: str) -> ApiError:
    """A 400 in the error shape naming one field."""
    return ApiError(
        f"{field}: {message}", code="invalid", fields=[{"field": field, "message": message}]
    )


def count_parse(field: str, raw: str) -> int:
    """An index or tree size: a decimal integer from 0 to 2**63-1."""
    try:
        return position_parse(raw)
    except ValueError:
        raise invalid(field, f"must be an integer from 0 to {MAX_POSITION}") from None


def query_count(request: Request, field: str) -> int | None:
    """The optional query parameter `field` as an index or tree size, or None if absent."""
    raw = request.query_params.get(field)
    return None if raw is None else count_parse(field, raw)


def query_count_required(request: Request, field: str) -> int:
    """The query parameter `field` as an index or tree size."""
    raw = request.query_params.get(field)
    if raw is None:
        raise invalid(field, "is required")
    return count_parse(field, raw)


def sha256_parse(field: str, raw: str | None) -> str:
    """A SHA-256 in hex (either case), returned in lower case as the log holds it."""
    if raw is None:
        raise invalid(field, "is required")
    sha256 = raw.lower()
    if not SHA256_HEX.fullmatch(sha256):
        raise invalid(field, SHA256_MESSAGE)
    return sha256


@extend_schema_field({"type": "string", "pattern": SHA256_PATTERN})
class Sha256Field(serializers.CharField):
    """A SHA-256 in hex (either case) in a request body, given in lower case as the log holds
    it."""

    default_error_messages = {"invalid": SHA256_MESSAGE}

    def to_internal_value(self, data: Any) -> str:
        sha256 = super().to_internal_value(data).lower()
        if not SHA256_HEX.fullmatch(sha256):
            self.fail("invalid")
        return sha256


CONTENT_PATTERN = f"^{CONTENT.pattern}$"
CONTENT_MESSAGE = "must be a content fingerprint: pdf-text/v1: and 64 lowercase hex digits"


def content_parse(field: str, raw: str | None) -> str | None:
    """An optional content fingerprint (docs/pdf-text-v1.md), exactly as written in entries."""
    if raw is not None and not CONTENT.fullmatch(raw):
        raise invalid(field, CONTENT_MESSAGE)
    return raw


@extend_schema_field({"type": "string", "pattern": CONTENT_PATTERN})
class ContentField(serializers.CharField):
    """A content fingerprint in a request body, exactly as written in entries."""

    default_error_messages = {"invalid": CONTENT_MESSAGE}

    def to_internal_value(self, data: Any) -> str:
        content = super().to_internal_value(data)
        if not CONTENT.fullmatch(content):
            self.fail("invalid")
        return content
