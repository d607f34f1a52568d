"""Fingerprints and verification codes as people paste and type them: white space, capitals
and full-width characters forgiven; anything else refused with what is wrong in it."""

import hashlib

import pytest

from judicial_verify.records.codes import CodeError, code_format, code_from_secret, code_normalize
from judicial_verify.records.fingerprints import FingerprintError, sha256_normalize

SHA256 = hashlib.sha256(b"judgment").hexdigest()
CODE = code_from_secret(hashlib.sha256(b"a secret").digest())


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@pytest.mark.parametrize(
    "pasted",
    [
        f" {SHA256}\n",
        f"{SHA256[:32]}\r\n{SHA256[32:]}",
        f"{SHA256[:16]} {SHA256[16:32]}\t{SHA256[32:48]}\u3000{SHA256[48:]}",
        SHA256.upper(),
        _full_width(SHA256),
    ],
    ids=["spaces-and-newline", "wrapped", "grouped", "capitals", "full-width"],
)
def test_a_pasted_fingerprint_is_read_as_the_log_holds_it(pasted: str) -> None:
    assert sha256_normalize(pasted) == SHA256


def test_a_fingerprint_of_the_wrong_length_says_its_length() -> None:
    with pytest.raises(FingerprintError) as refused:
        sha256_normalize(f" {SHA256[:63]}\n")
    assert (refused.value.length, refused.value.bad_char) == (63, None)


def test_a_fingerprint_with_a_character_not_hex_names_the_first() -> None:
    with pytest.raises(FingerprintError) as refused:
        sha256_normalize(SHA256[:10] + "g" + SHA256[11:20] + "z" + SHA256[21:])
    assert (refused.value.length, refused.value.bad_char) == (64, "g")


@pytest.mark.parametrize(
    "typed",
    [
        f" {code_format(CODE).lower()}\r\n",
        code_format(CODE).replace("-", "\n"),
        _full_width(code_format(CODE)),
    ],
    ids=["lower-case-with-spaces", "line-breaks", "full-width"],
)
def test_a_typed_code_is_read_whole(typed: str) -> None:
    assert code_normalize(typed) == CODE


def test_a_code_of_the_wrong_length_says_its_length() -> None:
    with pytest.raises(CodeError) as refused:
        code_normalize(code_format(CODE)[:-2])
    assert (refused.value.length, refused.value.bad_char) == (18, "")


def test_a_code_with_a_character_no_code_has_names_it() -> None:
    with pytest.raises(CodeError) as refused:
        code_normalize("U" + CODE[1:])
    assert (refused.value.length, refused.value.bad_char) == (None, "U")
