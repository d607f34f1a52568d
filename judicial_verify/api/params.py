"""Path and query parameters, parsed strictly: a bad one is a 400 that names it.

Indices and tree sizes are bounded by the database's BIGINT, so a huge number
is refused here rather than overflowing a query.
"""

import re

from rest_framework.request import Request

from .errors import ApiError

MAX_INT64 = 2**63 - 1
# The OpenAPI schema of an index or tree size.
COUNT_SCHEMA = {"type": "integer", "format": "int64", "minimum": 0, "maximum": MAX_INT64}
_DECIMAL = re.compile(r"[0-9]{1,19}")
_SHA256_HEX = re.compile(r"[0-9a-fA-F]{64}")


def invalid(field: str, message: str) -> ApiError:
    """A 400 in the error shape naming one field."""
    return ApiError(
        f"{field}: {message}", code="invalid", fields=[{"field": field, "message": message}]
    )


def count_parse(field: str, raw: str) -> int:
    """An index or tree size: a decimal integer from 0 to 2**63-1."""
    if not _DECIMAL.fullmatch(raw) or int(raw) > MAX_INT64:
        raise invalid(field, f"must be an integer from 0 to {MAX_INT64}")
    return int(raw)


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
    if not _SHA256_HEX.fullmatch(raw):
        raise invalid(field, "must be a SHA-256: 64 hex digits")
    return raw.lower()
