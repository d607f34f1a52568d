"""The judicial-verify entry: the bytes of one leaf of the log.

An entry is a JSON object in RFC 8785 canonical form, for example

    {"kind":"served_document","meta":"<64 hex>","node":"bj-hd-court",
     "ref":41,"sha256":"<64 hex>","time":"2026-11-27T09:08:36.123Z","v":1}

`sha256` is the document's SHA-256 and `meta` a salted commitment to its
metadata, so the public log holds no personal information yet binds it.
`content`, where there is one, is the content fingerprint of a PDF's text
(`pdf-text/v1:<64 hex>`, docs/pdf-text-v1.md); entries without it, those of
documents with no text and those anchored before it existed, are as valid.
Canonical form makes the leaf hash a function of the facts alone: decoding
accepts only bytes that re-encode to themselves.
"""

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import rfc8785

from .errors import EntryError

ENTRY_VERSION = 1
MAX_ENTRY_SIZE = 65535
METADATA_SALT_SIZE = 32
# RFC 8785 numbers are IEEE 754 doubles: larger integers are not exact.
MAX_REF = 2**53 - 1

SHA256_HEX = re.compile(r"[0-9a-f]{64}")
"""A SHA-256 in its one spelling here: 64 lowercase hex digits (use with fullmatch)."""

CONTENT = re.compile(r"pdf-text/v1:[0-9a-f]{64}")
"""An entry's `content`: a content fingerprint's format, a colon, its 64 lowercase hex digits."""

_KIND = re.compile(r"[a-z][a-z0-9_]{0,39}")
_NODE = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z")

_REQUIRED_FIELDS = frozenset({"v", "kind", "sha256", "node", "time", "meta"})
_FIELDS = _REQUIRED_FIELDS | {"ref", "content"}


def format_entry_time(dt: datetime) -> str:
    """Returns an aware datetime in RFC 3339 UTC to the millisecond: 2026-11-27T09:08:36.123Z."""
    if dt.utcoffset() is None:
        raise EntryError("entry time must be a timezone-aware datetime")
    # isoformat truncates to milliseconds, so a time is never stated later
    # than it happened; it also zero-pads years before 1000, unlike strftime.
    return dt.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


def _shown(value: object) -> str:
    # Keeps error messages to one readable line, whatever the entry holds.
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _check_pattern(field: str, value: object, pattern: re.Pattern[str], rule: str) -> None:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise EntryError(f"entry field {field!r} must be {rule}, not {_shown(value)}")


def _check_time(value: str) -> None:
    """Checks that a time of _TIME's pattern is a real one. Written back, any real time of
    that pattern gives the same digits (format_entry_time pads each field to the pattern's
    width), so the pattern and this make a time canonical."""
    try:
        datetime.fromisoformat(value[:-1])
    except ValueError:
        raise EntryError(
            f"entry field 'time' is not a real date and time: {_shown(value)}"
        ) from None


@dataclass(frozen=True, kw_only=True)
class Entry:
    """One anchored record: what kind, which document, who, when, and its metadata commitment."""

    kind: str
    sha256: str
    node: str
    time: str
    meta: str
    ref: int | None = None
    content: str | None = None

    def __post_init__(self) -> None:
        _check_pattern("kind", self.kind, _KIND, "a lowercase name of at most 40 characters")
        _check_pattern("sha256", self.sha256, SHA256_HEX, "64 lowercase hex digits")
        _check_pattern("node", self.node, _NODE, "a lowercase node code of at most 64 characters")
        _check_pattern("time", self.time, _TIME, "RFC 3339 UTC with milliseconds and Z")
        _check_time(self.time)
        _check_pattern("meta", self.meta, SHA256_HEX, "64 lowercase hex digits")
        if self.ref is not None and (
            type(self.ref) is not int or not 0 <= self.ref <= MAX_REF  # bool is an int: refused
        ):
            raise EntryError(
                f"entry field 'ref' must be an integer from 0 to 2**53-1, not {_shown(self.ref)}"
            )
        if self.content is not None:
            _check_pattern(
                "content", self.content, CONTENT, "pdf-text/v1: and 64 lowercase hex digits"
            )


def encode_entry(entry: Entry) -> bytes:
    """Returns the entry's RFC 8785 canonical JSON bytes, the leaf data of the log."""
    fields: dict[str, str | int] = {
        "v": ENTRY_VERSION,
        "kind": entry.kind,
        "sha256": entry.sha256,
        "node": entry.node,
        "time": entry.time,
        "meta": entry.meta,
    }
    if entry.ref is not None:
        fields["ref"] = entry.ref
    if entry.content is not None:
        fields["content"] = entry.content
    return rfc8785.dumps(fields)


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise ValueError("an object has a repeated key")
    return obj


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _parse_json(data: bytes) -> dict[str, Any]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise EntryError("entry is not valid UTF-8") from None
    try:
        obj = json.loads(
            text,
            object_pairs_hook=_object_without_duplicates,
            parse_constant=_reject_constant,
        )
    except (ValueError, RecursionError) as e:
        # ValueError covers JSONDecodeError, the hooks above and oversized
        # integer literals; RecursionError deep nesting.
        raise EntryError(f"entry is not valid JSON: {e}") from None
    if not isinstance(obj, dict):
        raise EntryError("entry is not a JSON object")
    return cast(dict[str, Any], obj)


def decode_entry(data: bytes) -> Entry:
    """Parses entry bytes; raises EntryError, naming the field, unless they are canonical."""
    if len(data) > MAX_ENTRY_SIZE:
        raise EntryError(f"entry is {len(data)} bytes, more than {MAX_ENTRY_SIZE}")
    obj = _parse_json(data)
    if missing := sorted(_REQUIRED_FIELDS - obj.keys()):
        raise EntryError(f"entry lacks the field(s) {missing}")
    if unknown := sorted(obj.keys() - _FIELDS):
        raise EntryError(f"entry has unknown field(s) {_shown(unknown)}")
    if type(obj["v"]) is not int or obj["v"] != ENTRY_VERSION:
        raise EntryError(f"entry field 'v' must be {ENTRY_VERSION}, not {_shown(obj['v'])}")
    for optional in ("ref", "content"):
        if optional in obj and obj[optional] is None:
            raise EntryError(
                f"entry field {optional!r} must be omitted, not null, when there is none"
            )
    entry = Entry(
        kind=obj["kind"],
        sha256=obj["sha256"],
        node=obj["node"],
        time=obj["time"],
        meta=obj["meta"],
        ref=obj.get("ref"),
        content=obj.get("content"),
    )
    if encode_entry(entry) != data:
        raise EntryError("entry is not in RFC 8785 canonical form")
    return entry


def metadata_commitment(salt: bytes, metadata: Mapping[str, object]) -> str:
    """Returns hex SHA-256(salt || RFC 8785 JSON of metadata); salt must be 32 random bytes."""
    if len(salt) != METADATA_SALT_SIZE:
        raise EntryError(f"metadata salt is {len(salt)} bytes, not {METADATA_SALT_SIZE}")
    try:
        # rfc8785 checks value types itself, at run time; it serialises only
        # plain dicts, hence the copy.
        canonical = rfc8785.dumps(cast(Any, dict(metadata)))
    except (ValueError, RecursionError) as e:
        raise EntryError(f"metadata has no RFC 8785 canonical form: {e}") from None
    return hashlib.sha256(salt + canonical).hexdigest()


def file_sha256(path: Path) -> bytes:
    """Returns the SHA-256 of the file at path: a document's, whose hex an entry's `sha256` is.

    Raises OSError when the file cannot be read.
    """
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").digest()
