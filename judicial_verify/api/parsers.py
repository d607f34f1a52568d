"""The API's JSON parser: JSON bodies, bounded in size and depth, one value to a key.

A body past settings.DATA_UPLOAD_MAX_MEMORY_SIZE is refused with 413, saying the limit, and
is never read whole. Nesting deeper than MAX_DEPTH is refused with 400 (nothing the API
takes is deeper than 4, and the standard parser recurses once a level). An object with a
key twice is refused with 400: parsers differ on which value counts, and what a node
anchors must mean one thing.
"""

import json
from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import BaseParser

from judicial_verify.records.kinds import MAX_METADATA_BYTES
from judicial_verify.records.services import MAX_BATCH

MAX_DEPTH = 32


class _DuplicateKey(ValueError):
    pass


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise _DuplicateKey(f"the key {json.dumps(key)} appears twice in one object")
        obj[key] = value
    return obj


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _depth_at_most(value: object, limit: int) -> bool:
    """Whether `value` nests arrays and objects at most `limit` deep."""
    level = [value] if isinstance(value, list | dict) else []
    for _ in range(limit):
        level = [
            child
            for container in level
            for child in (container.values() if isinstance(container, dict) else container)
            if isinstance(child, list | dict)
        ]
        if not level:
            return True
    return False


def too_large(limit: int) -> APIException:
    """The 413 for a body past `limit` bytes, saying the limit and what fits under it."""
    # Imported here: errors imports DRF's views, which import this module (the parser setting).
    from .errors import ApiError

    return ApiError(
        f"the request body is larger than the limit of {limit:,} bytes; a batch of"
        f" {MAX_BATCH:,} records, each with metadata of up to {MAX_METADATA_BYTES:,} bytes,"
        " fits under it",
        code="too_large",
        status_code=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    )


class JsonParser(BaseParser):
    media_type = "application/json"

    def parse(
        self,
        stream: IO[bytes],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        body = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(body) > limit:
            raise too_large(limit)
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        too_deep = ParseError(f"the body nests arrays and objects more than {MAX_DEPTH} deep")
        try:
            data = json.loads(
                body.decode(encoding), object_pairs_hook=_unique_keys, parse_constant=_no_constant
            )
        except RecursionError:
            raise too_deep from None
        except ValueError as e:  # not JSON, not text, or a key twice
            raise ParseError(f"the body is not valid JSON: {e}") from None
        if not _depth_at_most(data, MAX_DEPTH):
            raise too_deep
        return data
