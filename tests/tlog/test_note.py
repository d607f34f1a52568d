"""C2SP signed notes: keys, signing, opening, and every way a note is refused."""

import base64
import contextlib
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from judicial_verify.tlog.errors import (
    MalformedKeyError,
    NoteError,
    SignatureError,
    UnknownKeyError,
)
from judicial_verify.tlog.note import (
    MAX_SIGNATURES,
    Signer,
    Verifier,
    ed25519_key_id,
    generate_signer_key,
    is_valid_key_name,
    open_note,
    sign_note,
)

from .conftest import load_vectors, new_key

NOTES: list[dict[str, Any]] = load_vectors("signed_notes.json")["notes"]
PETER = next(v for v in NOTES if "skey" in v)
TEXT = "court.example/log\n7\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"


@pytest.mark.parametrize("vector", NOTES, ids=lambda v: v["vkey"].split("+")[0])
def test_it_opens_every_vector_note(vector: dict[str, Any]) -> None:
    verifier = Verifier(vector["vkey"])
    note = open_note(vector["note"].encode(), [verifier])
    assert note.text == vector["text"]
    assert [(s.name, s.key_id) for s in note.sigs] == [(verifier.name, verifier.key_id)]
    assert note.unverified_sigs == ()


def test_it_signs_the_vector_text_to_the_vector_bytes() -> None:
    assert sign_note(PETER["text"], [Signer(PETER["skey"])]) == PETER["note"].encode()


def test_it_derives_the_vector_verifier_key_from_the_signer_key() -> None:
    assert Signer(PETER["skey"]).verifier_key == PETER["vkey"]


@pytest.mark.parametrize("vector", NOTES, ids=lambda v: v["vkey"].split("+")[0])
def test_it_computes_the_key_id_from_name_and_public_key(vector: dict[str, Any]) -> None:
    name, key_id_hex, key_b64 = vector["vkey"].split("+", 2)
    public_key = base64.b64decode(key_b64)[1:]
    assert ed25519_key_id(name, public_key) == int(key_id_hex, 16)


def test_it_generates_a_key_pair_that_signs_and_verifies() -> None:
    signer, verifier = new_key("court.example/log")
    note = open_note(sign_note(TEXT, [signer]), [verifier])
    assert (verifier.name, verifier.key_id) == (signer.name, signer.key_id)
    assert note.text == TEXT


def test_it_generates_verifier_keys_in_go_format() -> None:
    skey, vkey = generate_signer_key("court.example/log")
    name, key_id_hex, key_b64 = vkey.split("+", 2)
    assert skey.startswith(f"PRIVATE+KEY+{name}+{key_id_hex}+")
    assert len(key_id_hex) == 8
    assert key_id_hex == key_id_hex.lower()
    assert base64.b64decode(key_b64)[0] == 0x01


@pytest.mark.parametrize(
    "name", ["", "a b", "a+b", "a\tb", "a\nb", "a\u3000b", "a\u00a0b", "a\x00b", "a\ud800b"]
)
def test_it_refuses_invalid_key_names(name: str) -> None:
    assert not is_valid_key_name(name)
    with pytest.raises(MalformedKeyError):
        generate_signer_key(name)


@pytest.mark.parametrize("name", ["example.com/foo", "PeterNeumann", "法院.example/日志", "a"])
def test_it_accepts_valid_key_names(name: str) -> None:
    assert is_valid_key_name(name)


def _swap_key_id(vkey: str) -> str:
    name, key_id_hex, key_b64 = vkey.split("+", 2)
    return f"{name}+{int(key_id_hex, 16) ^ 1:08x}+{key_b64}"


MALFORMED_VERIFIER_KEYS = {
    "no parts": "example.com/foo",
    "no key": "example.com/foo+530d903a",
    "empty name": "+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
    "short key id": "example.com/foo+530d903+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
    "key id with prefix": "example.com/foo+0x530d90+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
    "bad base64": "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2",
    "unknown algorithm": "example.com/foo+530d903a+AukyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
    "short key": "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv",
    "wrong key id": _swap_key_id(NOTES[0]["vkey"]),
    "signer key": PETER["skey"],
}


@pytest.mark.parametrize(
    "vkey", MALFORMED_VERIFIER_KEYS.values(), ids=MALFORMED_VERIFIER_KEYS.keys()
)
def test_it_rejects_malformed_verifier_keys(vkey: str) -> None:
    with pytest.raises(MalformedKeyError):
        Verifier(vkey)


SEED = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
MALFORMED_SIGNER_KEYS = {
    "verifier key": PETER["vkey"],
    "not private": f"PUBLIC+KEY+PeterNeumann+c74f20a3+{SEED}",
    "wrong key id": f"PRIVATE+KEY+PeterNeumann+c74f20a4+{SEED}",
    "wrong name": f"PRIVATE+KEY+PeterNeuman+c74f20a3+{SEED}",
    "short seed": f"PRIVATE+KEY+PeterNeumann+c74f20a3+{SEED[:-8]}",
}


@pytest.mark.parametrize("skey", MALFORMED_SIGNER_KEYS.values(), ids=MALFORMED_SIGNER_KEYS.keys())
def test_it_rejects_malformed_signer_keys(skey: str) -> None:
    with pytest.raises(MalformedKeyError):
        Signer(skey)


def test_it_never_shows_the_private_key_in_errors() -> None:
    mangled = PETER["skey"].replace("PRIVATE", "PRIVATE_")
    with pytest.raises(MalformedKeyError) as raised:
        Signer(mangled)
    assert "AYEKFALV" not in str(raised.value)
    assert "AYEKFALV" not in repr(Signer(PETER["skey"]))


def test_it_verifies_every_signature_of_a_note_signed_by_several_keys() -> None:
    (s1, v1), (s2, v2) = new_key("court.example/log"), new_key("witness.example")
    note = open_note(sign_note(TEXT, [s1, s2]), [v1, v2])
    assert [(s.name, s.key_id) for s in note.sigs] == [(v1.name, v1.key_id), (v2.name, v2.key_id)]


def test_it_returns_signatures_by_unknown_keys_as_unverified() -> None:
    (s1, v1), (s2, v2) = new_key("court.example/log"), new_key("witness.example")
    note = open_note(sign_note(TEXT, [s1, s2]), [v1])
    assert [s.name for s in note.sigs] == [v1.name]
    assert [(s.name, s.key_id) for s in note.unverified_sigs] == [(v2.name, v2.key_id)]


def test_it_raises_unknown_key_when_no_signature_is_by_a_given_key() -> None:
    signer, _ = new_key("court.example/log")
    _, stranger = new_key("court.example/log")
    with pytest.raises(UnknownKeyError, match="court.example/log"):
        open_note(sign_note(TEXT, [signer]), [stranger])


def test_it_raises_unknown_key_when_no_key_is_given() -> None:
    signer, _ = new_key("court.example/log")
    with pytest.raises(UnknownKeyError):
        open_note(sign_note(TEXT, [signer]), [])


def test_it_ignores_a_signature_by_a_key_sharing_only_the_key_id() -> None:
    signer, verifier = new_key("court.example/log")
    msg = sign_note(TEXT, [signer]).replace(
        b"\xe2\x80\x94 court.example/log ", b"\xe2\x80\x94 other.example "
    )
    with pytest.raises(UnknownKeyError):
        open_note(msg, [verifier])


def test_it_rejects_a_note_whose_text_was_altered() -> None:
    signer, verifier = new_key("court.example/log")
    msg = sign_note(TEXT, [signer]).replace(b"\n7\n", b"\n8\n")
    with pytest.raises(SignatureError, match=r"court\.example/log\+"):
        open_note(msg, [verifier])


def test_it_rejects_a_note_whose_signature_was_altered() -> None:
    signer, verifier = new_key("court.example/log")
    text, sig_line = sign_note(TEXT, [signer]).decode().rsplit("\n\n", 1)
    prefix, encoded = sig_line.rsplit(" ", 1)
    raw = bytearray(base64.b64decode(encoded))
    raw[10] ^= 0x01
    msg = f"{text}\n\n{prefix} {base64.b64encode(raw).decode()}\n".encode()
    with pytest.raises(SignatureError):
        open_note(msg, [verifier])


def test_it_rejects_a_note_with_one_bad_signature_among_good_ones() -> None:
    (s1, v1), (s2, v2) = new_key("court.example/log"), new_key("witness.example")
    forged = sign_note("other text\n", [s2]).split(b"\n\n")[1]
    msg = sign_note(TEXT, [s1]) + forged
    with pytest.raises(SignatureError, match="witness.example"):
        open_note(msg, [v1, v2])


def test_it_drops_repeated_signatures_by_one_key() -> None:
    signer, verifier = new_key("court.example/log")
    msg = sign_note(TEXT, [signer, signer])
    assert len(open_note(msg, [verifier]).sigs) == 1


def test_it_accepts_the_same_verifier_given_twice() -> None:
    signer, verifier = new_key("court.example/log")
    assert len(open_note(sign_note(TEXT, [signer]), [verifier, verifier]).sigs) == 1


def test_it_refuses_two_different_keys_with_the_same_name_and_id() -> None:
    signer, verifier = new_key("court.example/log")
    _, impostor = new_key("court.example/log")
    # A real 32-bit ID collision costs billions of key generations; forging
    # the attribute tests the same rule.
    impostor.key_id = verifier.key_id
    with pytest.raises(MalformedKeyError):
        open_note(sign_note(TEXT, [signer]), [verifier, impostor])


def test_it_accepts_a_text_with_blank_lines() -> None:
    signer, verifier = new_key("court.example/log")
    text = "first\n\nsecond\n\n"
    assert open_note(sign_note(text, [signer]), [verifier]).text == text


def test_it_accepts_a_note_with_the_maximum_number_of_signatures() -> None:
    signer, verifier = new_key("court.example/log")
    msg = sign_note(TEXT, [signer])
    unknown_line = f"— other.example {base64.b64encode(bytes(68)).decode()}\n".encode()
    note = open_note(msg + unknown_line * (MAX_SIGNATURES - 1), [verifier])
    assert len(note.unverified_sigs) == 1


NOTE: bytes = PETER["note"].encode()
SIG: bytes = NOTE.split(b"\n\n")[1]
BODY: bytes = PETER["text"].encode()

MALFORMED_NOTES = {
    "not utf-8": BODY + b"\xff\n\n" + SIG,
    "utf-8 surrogate": BODY + b"\xed\xa0\x80\n\n" + SIG,
    "control character": BODY.replace(b"If", b"I\x01f") + b"\n" + SIG,
    "carriage return": BODY.replace(b"\n", b"\r\n") + b"\n" + SIG,
    "tab": BODY.replace(b" ", b"\t", 1) + b"\n" + SIG,
    "no blank line": BODY + SIG,
    "no signatures": BODY + b"\n",
    "no final newline": BODY + b"\n" + SIG.rstrip(b"\n"),
    "hyphen instead of em dash": BODY + b"\n" + SIG.replace("—".encode(), b"-"),
    "no space after em dash": BODY + b"\n" + SIG.replace("— ".encode(), "—".encode()),
    "blank signature line": BODY + b"\n" + SIG + b"\n",
    "name with plus": BODY + b"\n" + SIG.replace(b"PeterNeumann", b"Peter+Neumann"),
    "no signature": BODY + "\n— PeterNeumann\n".encode(),
    "empty signature": BODY + "\n— PeterNeumann \n".encode(),
    "two spaces": BODY + b"\n" + SIG.replace(b"PeterNeumann ", b"PeterNeumann  "),
    "bad base64": BODY + b"\n" + SIG.replace(b"x08go", b"x08g!"),
    "unpadded base64": BODY + b"\n" + SIG.replace(b"=\n", b"\n"),
    "non-canonical base64": BODY + b"\n" + SIG.replace(b"AM=\n", b"AN=\n"),
    "signature too short": BODY + "\n— PeterNeumann AAAAAA==\n".encode(),
    "too many signatures": BODY + b"\n" + SIG * (MAX_SIGNATURES + 1),
}


@pytest.mark.parametrize("msg", MALFORMED_NOTES.values(), ids=MALFORMED_NOTES.keys())
def test_it_rejects_malformed_notes(msg: bytes) -> None:
    with pytest.raises(NoteError) as raised:
        open_note(msg, [Verifier(PETER["vkey"])])
    assert type(raised.value) is NoteError


def test_it_refuses_to_sign_text_without_a_final_newline() -> None:
    signer, _ = new_key("court.example/log")
    with pytest.raises(NoteError):
        sign_note("no newline", [signer])


@pytest.mark.parametrize("text", ["tab\there\n", "cr\r\n", "nul\x00\n", "surrogate\ud800\n"])
def test_it_refuses_to_sign_text_a_note_cannot_hold(text: str) -> None:
    signer, _ = new_key("court.example/log")
    with pytest.raises(NoteError):
        sign_note(text, [signer])


def test_it_refuses_to_sign_without_signers() -> None:
    with pytest.raises(NoteError):
        sign_note(TEXT, [])


@given(st.binary(max_size=400))
def test_it_raises_only_note_errors_on_arbitrary_bytes(msg: bytes) -> None:
    with contextlib.suppress(NoteError):
        open_note(msg, [Verifier(PETER["vkey"])])


@given(st.data())
def test_it_rejects_every_single_byte_change_to_a_signed_note(data: st.DataObject) -> None:
    at = data.draw(st.integers(0, len(NOTE) - 1))
    byte = data.draw(st.integers(0, 255).filter(lambda b: b != NOTE[at]))
    with pytest.raises(NoteError):
        open_note(NOTE[:at] + bytes([byte]) + NOTE[at + 1 :], [Verifier(PETER["vkey"])])
