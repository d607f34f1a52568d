"""The judicial-verify entry: canonical JSON, strict decoding, time and metadata commitment."""

import contextlib
import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from judicial_verify.tlog.entry import (
    MAX_ENTRY_SIZE,
    SHA256_HEX,
    Entry,
    decode_entry,
    encode_entry,
    file_sha256,
    format_entry_time,
    metadata_commitment,
)
from judicial_verify.tlog.errors import EntryError

DOC = hashlib.sha256(b"served document").hexdigest()
META = hashlib.sha256(b"metadata commitment").hexdigest()
ENTRY = Entry(
    kind="served_document",
    sha256=DOC,
    node="bj-hd-court",
    time="2026-11-27T09:08:36.123Z",
    meta=META,
)
FIELDS: dict[str, Any] = {
    "v": 1,
    "kind": "served_document",
    "sha256": DOC,
    "node": "bj-hd-court",
    "time": "2026-11-27T09:08:36.123Z",
    "meta": META,
}


def entry_json(**changes: Any) -> bytes:
    """Canonical JSON of FIELDS with `changes` applied; a change to None removes the field."""
    fields = {k: v for k, v in {**FIELDS, **changes}.items() if v is not None}
    # Sorted keys and no spaces: canonical for ASCII, and unlike rfc8785 it
    # will also write the out-of-range values these tests need.
    return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()


def test_it_encodes_an_entry_as_canonical_json_with_sorted_keys() -> None:
    assert encode_entry(ENTRY) == (
        b'{"kind":"served_document","meta":"' + META.encode() + b'","node":"bj-hd-court",'
        b'"sha256":"' + DOC.encode() + b'","time":"2026-11-27T09:08:36.123Z","v":1}'
    )


def test_it_omits_ref_when_there_is_none() -> None:
    assert b"ref" not in encode_entry(ENTRY)


def test_it_encodes_ref_when_there_is_one() -> None:
    entry = Entry(**{**vars(ENTRY), "ref": 41})
    assert b'"ref":41,' in encode_entry(entry)


CONTENT = "pdf-text/v1:" + hashlib.sha256(b"text").hexdigest()


def test_it_omits_content_when_there_is_none() -> None:
    assert b"content" not in encode_entry(ENTRY)


def test_it_encodes_content_first_in_canonical_order() -> None:
    entry = Entry(**{**vars(ENTRY), "content": CONTENT})
    assert encode_entry(entry).startswith(b'{"content":"' + CONTENT.encode() + b'","kind"')
    assert decode_entry(encode_entry(entry)) == entry


def test_it_decodes_an_entry_without_content_as_before() -> None:
    assert decode_entry(entry_json()).content is None


def test_it_rejects_a_null_content() -> None:
    data = entry_json().replace(b'{"kind"', b'{"content":null,"kind"')
    with pytest.raises(EntryError, match="'content'"):
        decode_entry(data)


@pytest.mark.parametrize("ref", [None, 0, 41, 2**53 - 1])
def test_it_decodes_what_it_encodes(ref: int | None) -> None:
    entry = Entry(**{**vars(ENTRY), "ref": ref})
    assert decode_entry(encode_entry(entry)) == entry


hex64 = st.text("0123456789abcdef", min_size=64, max_size=64)
entries = st.builds(
    Entry,
    kind=st.from_regex(r"[a-z][a-z0-9_]{0,39}", fullmatch=True),
    sha256=hex64,
    node=st.from_regex(r"[a-z0-9][a-z0-9._-]{0,63}", fullmatch=True),
    time=st.datetimes(timezones=st.just(UTC)).map(format_entry_time),
    meta=hex64,
    ref=st.none() | st.integers(min_value=0, max_value=2**53 - 1),
    content=st.none() | hex64.map(lambda h: "pdf-text/v1:" + h),
)


@given(entries)
def test_it_round_trips_any_valid_entry(entry: Entry) -> None:
    data = encode_entry(entry)
    assert decode_entry(data) == entry
    assert rfc8785.dumps(json.loads(data)) == data
    assert len(data) <= MAX_ENTRY_SIZE


def test_it_formats_time_in_utc_with_milliseconds() -> None:
    beijing = timezone(timedelta(hours=8))
    dt = datetime(2026, 11, 27, 17, 8, 36, 123456, tzinfo=beijing)
    assert format_entry_time(dt) == "2026-11-27T09:08:36.123Z"


def test_it_truncates_time_to_the_millisecond() -> None:
    assert format_entry_time(datetime(2026, 1, 1, 0, 0, 0, 999999, tzinfo=UTC)).endswith("00.999Z")


def test_it_pads_early_years_to_four_digits() -> None:
    assert format_entry_time(datetime(999, 1, 2, tzinfo=UTC)) == "0999-01-02T00:00:00.000Z"


def test_it_refuses_a_naive_time() -> None:
    with pytest.raises(EntryError, match="timezone"):
        format_entry_time(datetime(2026, 11, 27, 9, 8, 36))


def test_it_commits_to_salt_and_canonical_metadata() -> None:
    salt = bytes(range(32))
    expected = hashlib.sha256(salt + b'{"case":"(2026)Jing0108Min1","parties":["A","B"]}')
    metadata = {"parties": ["A", "B"], "case": "(2026)Jing0108Min1"}
    assert metadata_commitment(salt, metadata) == expected.hexdigest()


def test_it_commits_to_any_mapping_of_metadata() -> None:
    salt = bytes(32)
    assert metadata_commitment(salt, MappingProxyType({"a": 1})) == metadata_commitment(
        salt, {"a": 1}
    )


def test_it_gives_a_different_commitment_for_a_different_salt() -> None:
    assert metadata_commitment(bytes(32), {"a": 1}) != metadata_commitment(b"\x01" * 32, {"a": 1})


@pytest.mark.parametrize("size", [0, 16, 31, 33])
def test_it_refuses_a_salt_that_is_not_32_bytes(size: int) -> None:
    with pytest.raises(EntryError, match="salt"):
        metadata_commitment(bytes(size), {"a": 1})


@pytest.mark.parametrize(
    "metadata",
    [
        {"a": float("nan")},
        {"a": 2**53},
        {"a": object()},
        {1: "x"},
        {"\ud800": "x"},
        {"a": "\ud800"},
    ],
    ids=["nan", "huge integer", "object", "integer key", "surrogate key", "surrogate text"],
)
def test_it_refuses_metadata_without_a_canonical_form(metadata: dict[Any, Any]) -> None:
    with pytest.raises(EntryError, match="metadata"):
        metadata_commitment(bytes(32), metadata)


MALFORMED_FIELDS: dict[str, tuple[str, Any]] = {
    "v 2": ("v", 2),
    "v true": ("v", True),
    "v 1.0": ("v", 1.0),
    "v string": ("v", "1"),
    "kind uppercase": ("kind", "Served_document"),
    "kind starts with digit": ("kind", "1kind"),
    "kind with hyphen": ("kind", "served-document"),
    "kind too long": ("kind", "k" * 41),
    "kind empty": ("kind", ""),
    "kind number": ("kind", 7),
    "sha256 uppercase": ("sha256", DOC.upper()),
    "sha256 short": ("sha256", DOC[:63]),
    "sha256 long": ("sha256", DOC + "0"),
    "sha256 not hex": ("sha256", "g" * 64),
    "node uppercase": ("node", "BJ-court"),
    "node leading dot": ("node", ".court"),
    "node too long": ("node", "n" * 65),
    "node with space": ("node", "bj court"),
    "node list": ("node", ["bj"]),
    "time without milliseconds": ("time", "2026-11-27T09:08:36Z"),
    "time with microseconds": ("time", "2026-11-27T09:08:36.123456Z"),
    "time with offset": ("time", "2026-11-27T17:08:36.123+08:00"),
    "time lowercase z": ("time", "2026-11-27T09:08:36.123z"),
    "time with space": ("time", "2026-11-27 09:08:36.123Z"),
    "time february 30": ("time", "2026-02-30T09:08:36.123Z"),
    "time hour 24": ("time", "2026-11-27T24:00:00.000Z"),
    "time leap second": ("time", "2026-12-31T23:59:60.000Z"),
    "time non-ASCII digit": ("time", "2026-11-27T09:08:3\uff16.123Z"),
    "meta short": ("meta", META[:32]),
    "meta uppercase": ("meta", META.upper()),
    "ref negative": ("ref", -1),
    "ref true": ("ref", True),
    "ref fraction": ("ref", 1.5),
    "ref beyond 2**53-1": ("ref", 2**53),
    "ref string": ("ref", "41"),
    "content without format": ("content", CONTENT.removeprefix("pdf-text/v1:")),
    "content of another version": ("content", CONTENT.replace("v1", "v2")),
    "content uppercase": ("content", CONTENT.upper()),
    "content short": ("content", CONTENT[:-1]),
    "content number": ("content", 1),
}


@pytest.mark.parametrize(("field", "value"), MALFORMED_FIELDS.values(), ids=MALFORMED_FIELDS.keys())
def test_it_rejects_a_malformed_field_naming_it(field: str, value: Any) -> None:
    with pytest.raises(EntryError, match=f"'{field}'"):
        decode_entry(entry_json(**{field: value}))


@pytest.mark.parametrize("field", sorted(FIELDS))
def test_it_rejects_an_entry_missing_a_field_naming_it(field: str) -> None:
    with pytest.raises(EntryError, match=f"'{field}'"):
        decode_entry(entry_json(**{field: None}))


def test_it_rejects_an_unknown_field_naming_it() -> None:
    with pytest.raises(EntryError, match="'court'"):
        decode_entry(entry_json(court="x"))


def test_it_rejects_a_null_ref() -> None:
    data = entry_json().replace(b'"v":1', b'"ref":null,"v":1')
    with pytest.raises(EntryError, match="'ref'"):
        decode_entry(data)


NOT_CANONICAL = {
    "spaces": entry_json().replace(b",", b", "),
    "unsorted keys": entry_json().replace(b'{"kind"', b'{"v":1,"kind"').replace(b',"v":1}', b"}"),
    "escaped letter": entry_json().replace(b'"bj-hd-court"', b'"\\u0062j-hd-court"'),
    "trailing newline": entry_json() + b"\n",
    "exponent": entry_json().replace(b'"v":1', b'"v":1e0'),
}


@pytest.mark.parametrize("data", NOT_CANONICAL.values(), ids=NOT_CANONICAL.keys())
def test_it_rejects_an_entry_not_in_canonical_form(data: bytes) -> None:
    with pytest.raises(EntryError):
        decode_entry(data)


NOT_AN_ENTRY = {
    "too large": b" " * (MAX_ENTRY_SIZE + 1),
    "not UTF-8": entry_json().replace(b"bj-hd", b"bj\xff"),
    "not JSON": b"kind=evidence",
    "empty": b"",
    "array": b"[1]",
    "string": b'"entry"',
    "repeated key": entry_json().replace(b'"v":1', b'"v":1,"v":1'),
    "NaN": entry_json().replace(b'"v":1', b'"v":NaN'),
    "deep nesting": b"[" * 60000 + b"]" * 60000,
    "huge integer literal": entry_json().replace(b'"v":1', b'"v":' + b"1" * 5000),
}


@pytest.mark.parametrize("data", NOT_AN_ENTRY.values(), ids=NOT_AN_ENTRY.keys())
def test_it_rejects_bytes_that_are_not_an_entry_object(data: bytes) -> None:
    with pytest.raises(EntryError):
        decode_entry(data)


def test_it_refuses_to_build_an_invalid_entry() -> None:
    with pytest.raises(EntryError, match="'sha256'"):
        Entry(**{**vars(ENTRY), "sha256": "not a hash"})


@given(st.binary(max_size=300) | entries.map(encode_entry).map(lambda d: d[:-1] + b" }"))
def test_it_raises_only_entry_errors_on_arbitrary_bytes(data: bytes) -> None:
    with contextlib.suppress(EntryError):
        decode_entry(data)


def outcome(decode: Any, data: bytes) -> tuple[str, object]:
    try:
        return ("entry", decode(data))
    except EntryError as e:
        return ("error", str(e))


def mutated(data: bytes, at: int, byte: int, how: str) -> bytes:
    at %= len(data) + 1
    if how == "replace":
        return data[:at] + bytes([byte]) + data[at + 1 :]
    if how == "insert":
        return data[:at] + bytes([byte]) + data[at:]
    return data[:at] + data[at + 1 :]


@given(
    entries.map(encode_entry),
    st.integers(min_value=0),
    st.integers(0, 255) | st.sampled_from(b'{}":,0123456789-.TZ '),
    st.sampled_from(["replace", "insert", "delete"]),
)
def test_it_accepts_a_changed_entry_only_when_the_change_is_its_canonical_encoding(
    data: bytes, at: int, byte: int, how: str
) -> None:
    changed = mutated(data, at, byte, how)
    decided = outcome(decode_entry, changed)
    if decided[0] == "entry":
        assert isinstance(decided[1], Entry)
        assert encode_entry(decided[1]) == changed


@given(
    st.tuples(
        st.integers(0, 9999),
        st.integers(0, 19),
        st.integers(0, 39),
        st.integers(0, 29),
        st.integers(0, 69),
        st.integers(0, 69),
        st.integers(0, 999),
    )
)
def test_a_time_of_the_pattern_is_accepted_exactly_when_it_is_a_real_canonical_time(
    fields: tuple[int, ...],
) -> None:
    year, month, day, hour, minute, second, milli = fields
    text = f"{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.{milli:03}Z"
    try:
        real = datetime(year, month, day, hour, minute, second, milli * 1000, tzinfo=UTC)
    except ValueError:
        real = None
    decided = outcome(decode_entry, entry_json(time=text))
    if real is None:
        assert decided[0] == "error"
    else:
        assert format_entry_time(real) == text
        assert decided == ("entry", Entry(**{**vars(ENTRY), "time": text}))


def test_it_commits_to_text_as_rfc8785_writes_it() -> None:
    # Control characters escaped, the rest as UTF-8, keys in UTF-16 order.
    metadata = {"\U0001f600": "", "\uff5e": "", "b": "京\n\x1f\u2028/", "a": 1}
    canonical = '{"a":1,"b":"京\\n\\u001f\u2028/","\U0001f600":"","\uff5e":""}'
    expected = hashlib.sha256(bytes(32) + canonical.encode()).hexdigest()
    assert metadata_commitment(bytes(32), metadata) == expected


def test_it_names_a_sha256_by_its_64_lowercase_hex_digits() -> None:
    assert SHA256_HEX.fullmatch(DOC)
    for other in (DOC.upper(), DOC[:63], DOC + "0", "g" * 64):
        assert not SHA256_HEX.fullmatch(other)


def test_it_hashes_a_file_larger_than_any_read_buffer(tmp_path: Path) -> None:
    document = bytes(range(256)) * 20_000 + b"end"
    path = tmp_path / "document.pdf"
    path.write_bytes(document)
    assert file_sha256(path) == hashlib.sha256(document).digest()


def test_it_raises_os_error_for_a_file_it_cannot_read(tmp_path: Path) -> None:
    with pytest.raises(OSError, match="missing.pdf"):
        file_sha256(tmp_path / "missing.pdf")
