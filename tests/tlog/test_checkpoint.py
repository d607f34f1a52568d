"""C2SP tlog-checkpoint text: formatting, strict parsing, round trips."""

import base64
import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from judicial_verify.tlog.checkpoint import (
    Checkpoint,
    format_checkpoint,
    origin_hash,
    parse_checkpoint,
)
from judicial_verify.tlog.errors import MalformedError

# The example in C2SP tlog-checkpoint.md.
SPEC_TEXT = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
ROOT = base64.b64decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")


def test_it_parses_the_spec_example() -> None:
    assert parse_checkpoint(SPEC_TEXT) == Checkpoint("example.com/behind-the-sofa", 20852163, ROOT)


def test_it_formats_the_spec_example() -> None:
    assert format_checkpoint(Checkpoint("example.com/behind-the-sofa", 20852163, ROOT)) == SPEC_TEXT


def test_it_keeps_extension_lines() -> None:
    text = SPEC_TEXT + "ext one\next two\n"
    cp = parse_checkpoint(text)
    assert cp.extensions == ("ext one", "ext two")
    assert format_checkpoint(cp) == text


def test_it_accepts_the_empty_tree_and_the_largest_size() -> None:
    assert parse_checkpoint(f"o\n0\n{base64.b64encode(ROOT).decode()}\n").size == 0
    assert (
        parse_checkpoint(f"o\n{2**64 - 1}\n{base64.b64encode(ROOT).decode()}\n").size == 2**64 - 1
    )


# Printable, and below the surrogates, which no note can hold.
line = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xD7FF), min_size=1, max_size=30)


@given(
    origin=line,
    size=st.integers(min_value=0, max_value=2**64 - 1),
    root_hash=st.binary(min_size=32, max_size=32),
    extensions=st.lists(line, max_size=3).map(tuple),
)
def test_it_parses_what_it_formats(
    origin: str, size: int, root_hash: bytes, extensions: tuple[str, ...]
) -> None:
    cp = Checkpoint(origin, size, root_hash, extensions)
    assert parse_checkpoint(format_checkpoint(cp)) == cp


R = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="

MALFORMED = {
    "no final newline": f"o\n1\n{R}",
    "two lines": "o\n1\n",
    "empty origin": f"\n1\n{R}\n",
    "control character in origin": f"o\tx\n1\n{R}\n",
    "carriage returns": f"o\r\n1\r\n{R}\r\n",
    "leading zero": f"o\n01\n{R}\n",
    "negative size": f"o\n-1\n{R}\n",
    "plus sign": f"o\n+1\n{R}\n",
    "space in size": f"o\n 1\n{R}\n",
    "non-ASCII digit": f"o\n\uff11\n{R}\n",
    "hex size": f"o\n0x1\n{R}\n",
    "size above 2**64-1": f"o\n{2**64}\n{R}\n",
    "empty size": f"o\n\n{R}\n",
    "root not base64": "o\n1\nnot base64!\n",
    "root 31 bytes": f"o\n1\n{base64.b64encode(bytes(31)).decode()}\n",
    "root 33 bytes": f"o\n1\n{base64.b64encode(bytes(33)).decode()}\n",
    "root unpadded": f"o\n1\n{R.rstrip('=')}\n",
    "root non-canonical": f"o\n1\n{R[:-2]}J=\n",
    "empty extension line": f"o\n1\n{R}\n\n",
    "control character in extension": f"o\n1\n{R}\nx\x7f\x01\n",
}


@pytest.mark.parametrize("text", MALFORMED.values(), ids=MALFORMED.keys())
def test_it_rejects_malformed_checkpoints(text: str) -> None:
    with pytest.raises(MalformedError):
        parse_checkpoint(text)


@pytest.mark.parametrize(
    "args",
    [("", 1, ROOT), ("o\n", 1, ROOT), ("o", -1, ROOT), ("o", 2**64, ROOT), ("o", 1, ROOT[:31])],
    ids=["empty origin", "newline in origin", "negative size", "size too large", "short root"],
)
def test_it_refuses_to_build_an_invalid_checkpoint(args: tuple[str, int, bytes]) -> None:
    with pytest.raises(MalformedError):
        Checkpoint(*args)


def test_it_refuses_to_build_a_checkpoint_with_an_empty_extension_line() -> None:
    with pytest.raises(MalformedError):
        Checkpoint("o", 1, ROOT, ("",))


@given(st.text(max_size=200))
def test_it_raises_only_malformed_errors_on_arbitrary_text(text: str) -> None:
    with contextlib.suppress(MalformedError):
        parse_checkpoint(text)


def test_it_names_a_log_by_the_hex_sha256_of_its_origin_s_utf8() -> None:
    # The C2SP tlog-witness monitoring URL's form: lower-case hex of SHA-256(origin).
    assert origin_hash("example.com/log") == (
        "4d3203c8f35cdf600e475f55fede6081a703d3d322f208865fca2ec4f0e030f8"
    )
    assert origin_hash("法院.example/log") == (
        "3d8b2a80c18702ef0bc776bd2e606d636b68e4a0e305cfde2b39053365776684"
    )
