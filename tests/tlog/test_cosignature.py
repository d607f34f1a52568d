"""C2SP tlog-cosignature v1 (Ed25519) and the tlog-witness v1 bodies, as the specs state them."""

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from judicial_verify.tlog.checkpoint import Checkpoint, format_checkpoint
from judicial_verify.tlog.cosignature import (
    AddCheckpoint,
    CosignatureVerifier,
    Cosigner,
    cosignature_key_id,
    cosigned_message,
    format_add_checkpoint,
    format_signature_line,
    format_tlog_size,
    generate_cosigner_key,
    parse_add_checkpoint,
    parse_signature_lines,
    parse_tlog_size,
    verify_cosignatures,
)
from judicial_verify.tlog.errors import MalformedError, MalformedKeyError, SignatureError
from judicial_verify.tlog.note import Verifier, ed25519_key_id, open_note, sign_note
from judicial_verify.tlog.tree import EMPTY_ROOT

from .conftest import new_key

WITNESS = "witness.example/w1"
# A fixed seed (bytes 00..1f): the key strings and signatures below are reproducible.
SEED = bytes(range(32))
CHECKPOINT_TEXT = (
    "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
)


def fixed_cosigner(name: str = WITNESS) -> Cosigner:
    public = Ed25519PrivateKey.from_private_bytes(SEED).public_key().public_bytes_raw()
    key_id = cosignature_key_id(name, public)
    encoded = base64.b64encode(b"\x04" + SEED).decode()
    return Cosigner(f"PRIVATE+KEY+{name}+{key_id:08x}+{encoded}")


def new_cosigner(name: str = WITNESS) -> tuple[Cosigner, CosignatureVerifier]:
    skey, vkey = generate_cosigner_key(name)
    return Cosigner(skey), CosignatureVerifier(vkey)


# --- keys -------------------------------------------------------------------


def test_the_key_id_is_sha256_of_name_newline_0x04_and_the_public_key() -> None:
    public = bytes(range(32, 64))
    digest = hashlib.sha256(WITNESS.encode() + b"\n\x04" + public).digest()
    assert cosignature_key_id(WITNESS, public) == int.from_bytes(digest[:4], "big")


def test_a_key_has_another_id_as_a_cosigner_than_as_a_note_signer() -> None:
    public = bytes(range(32, 64))
    assert cosignature_key_id(WITNESS, public) != ed25519_key_id(WITNESS, public)


def test_the_verifier_key_is_name_id_and_base64_of_0x04_and_the_public_key() -> None:
    cosigner = fixed_cosigner()
    name, key_id, encoded = cosigner.verifier_key.split("+", 2)
    raw = base64.b64decode(encoded)
    assert (name, raw[0], len(raw)) == (WITNESS, 0x04, 33)
    assert int(key_id, 16) == cosignature_key_id(WITNESS, raw[1:]) == cosigner.key_id


def test_a_generated_key_pair_matches() -> None:
    cosigner, verifier = new_cosigner()
    assert CosignatureVerifier(cosigner.verifier_key).vkey == verifier.vkey


def test_a_note_signer_key_is_not_a_cosigner_key() -> None:
    signer, _ = new_key(WITNESS)
    with pytest.raises(MalformedKeyError, match="0x04"):
        CosignatureVerifier(signer.verifier_key)
    with pytest.raises(MalformedKeyError, match="0x04"):
        Cosigner(f"PRIVATE+KEY+{WITNESS}+00000000+" + base64.b64encode(b"\x01" + SEED).decode())


def test_a_cosigner_verifier_key_is_not_a_note_verifier_key() -> None:
    with pytest.raises(MalformedKeyError, match="type 0x01"):
        Verifier(fixed_cosigner().verifier_key)


@pytest.mark.parametrize(
    "vkey",
    [
        "",
        "witness.example/w1",
        "witness.example/w1+0000000+BAAA",
        "witness.example/w1+00000000+!!!!",
        "witness example+00000000+" + base64.b64encode(b"\x04" + bytes(32)).decode(),
        "witness.example/w1+00000000+" + base64.b64encode(b"\x04" + bytes(31)).decode(),
        "witness.example/w1+00000000+" + base64.b64encode(b"\x04" + bytes(32)).decode(),
    ],
)
def test_a_malformed_cosigner_verifier_key_is_refused(vkey: str) -> None:
    with pytest.raises(MalformedKeyError):
        CosignatureVerifier(vkey)


def test_a_cosigner_key_with_a_wrong_id_is_refused_without_echoing_it() -> None:
    encoded = base64.b64encode(b"\x04" + SEED).decode()
    with pytest.raises(MalformedKeyError, match="does not match") as raised:
        Cosigner(f"PRIVATE+KEY+{WITNESS}+00000000+{encoded}")
    assert encoded not in str(raised.value)


# --- signing and verifying --------------------------------------------------


def test_the_signed_message_is_the_specs_example() -> None:
    assert cosigned_message(CHECKPOINT_TEXT, 1679315147) == (
        b"cosignature/v1\ntime 1679315147\n"
        b"example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    )


def test_the_signature_is_the_big_endian_timestamp_then_ed25519_of_the_message() -> None:
    cosigner = fixed_cosigner()
    sig = cosigner.cosign(CHECKPOINT_TEXT, 1679315147)
    assert (sig.name, sig.key_id, len(sig.signature)) == (WITNESS, cosigner.key_id, 72)
    assert sig.signature[:8] == (1679315147).to_bytes(8, "big") == bytes.fromhex("00000000641850cb")
    public = Ed25519PublicKey.from_public_bytes(
        base64.b64decode(cosigner.verifier_key.split("+", 2)[2])[1:]
    )
    public.verify(sig.signature[8:], cosigned_message(CHECKPOINT_TEXT, 1679315147))


@pytest.mark.parametrize("timestamp", [0, -1, 2**63])
def test_a_timestamp_outside_1_to_2_63_minus_1_is_refused(timestamp: int) -> None:
    with pytest.raises(MalformedError, match="timestamp"):
        fixed_cosigner().cosign(CHECKPOINT_TEXT, timestamp)


def test_a_cosignature_verifies_and_gives_its_timestamp() -> None:
    cosigner, verifier = new_cosigner()
    sig = cosigner.cosign(CHECKPOINT_TEXT, 1700000000)
    cosignature = verifier.verify(CHECKPOINT_TEXT, sig)
    assert (cosignature.name, cosignature.key_id, cosignature.timestamp) == (
        WITNESS,
        verifier.key_id,
        1700000000,
    )


@pytest.mark.parametrize(
    "change",
    ["text", "timestamp", "signature", "length"],
)
def test_a_changed_cosignature_does_not_verify(change: str) -> None:
    cosigner, verifier = new_cosigner()
    sig = cosigner.cosign(CHECKPOINT_TEXT, 1700000000)
    text, raw = CHECKPOINT_TEXT, bytearray(sig.signature)
    if change == "text":
        text = CHECKPOINT_TEXT.replace("20852163", "20852164")
    elif change == "timestamp":
        raw[7] ^= 1
    elif change == "signature":
        raw[-1] ^= 1
    else:
        raw = raw[:-1]
    with pytest.raises(SignatureError):
        verifier.verify(text, type(sig)(sig.name, sig.key_id, bytes(raw)))


def test_a_zero_timestamp_in_a_cosignature_does_not_verify() -> None:
    cosigner, verifier = new_cosigner()
    sig = cosigner.cosign(CHECKPOINT_TEXT, 1)
    zeroed = bytes(8) + sig.signature[8:]
    with pytest.raises(SignatureError):
        verifier.verify(CHECKPOINT_TEXT, type(sig)(sig.name, sig.key_id, zeroed))


def test_a_cosigned_checkpoint_opens_with_the_log_key_and_verifies_with_the_witness_key() -> None:
    log_signer, log_verifier = new_key("court.example/log")
    cosigner, witness = new_cosigner()
    text = format_checkpoint(Checkpoint("court.example/log", 0, EMPTY_ROOT))
    signed = sign_note(text, [log_signer])
    cosigned = signed + format_signature_line(cosigner.cosign(text, 1700000000)).encode()
    note = open_note(cosigned, [log_verifier])
    [cosignature] = verify_cosignatures(note.text, note.unverified_sigs, [witness])
    assert cosignature.timestamp == 1700000000


def test_cosignatures_by_other_keys_are_ignored() -> None:
    cosigner, _ = new_cosigner()
    _, other = new_cosigner("other.example/w")
    sig = cosigner.cosign(CHECKPOINT_TEXT, 1700000000)
    assert verify_cosignatures(CHECKPOINT_TEXT, [sig], [other]) == []


def test_a_failing_cosignature_by_a_known_key_is_an_error() -> None:
    cosigner, verifier = new_cosigner()
    sig = cosigner.cosign(CHECKPOINT_TEXT, 1700000000)
    with pytest.raises(SignatureError):
        verify_cosignatures(CHECKPOINT_TEXT.upper(), [sig], [verifier])


# --- signature lines ----------------------------------------------------------


def test_the_specs_example_cosignature_line_parses_to_its_key_id_and_timestamp() -> None:
    # tlog-cosignature.md's example; its timestamp is the one of its signed message.
    line = (
        "— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlr"
        "DJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n"
    )
    [sig] = parse_signature_lines(line.encode())
    assert (sig.name, sig.key_id, len(sig.signature)) == ("witness.example.com/w1", 0x8D66CF3F, 72)
    assert int.from_bytes(sig.signature[:8], "big") == 1679315147


def test_a_signature_line_round_trips() -> None:
    sig = fixed_cosigner().cosign(CHECKPOINT_TEXT, 1679315147)
    line = format_signature_line(sig)
    assert line.startswith(f"— {WITNESS} ")
    assert line.endswith("==\n")
    assert parse_signature_lines(line.encode()) == [sig]


# sigsum-go's cosignature line cases (pkg/checkpoint/cosignature_test.go): the line
# alone, and after a log signature line.
SIGSUM_LOG_LINE = "— example.org/log DEADBEEF" + "A" * 83 + "=\n"
SIGSUM_COSIGNATURE_LINE = "— example.org/witness-key deadbeef+deadcod/cod" + "A" * 82 + "==\n"


@pytest.mark.parametrize(
    "lines", [SIGSUM_COSIGNATURE_LINE, SIGSUM_LOG_LINE + SIGSUM_COSIGNATURE_LINE]
)
def test_sigsums_cosignature_line_parses_to_its_key_id_and_timestamp(lines: str) -> None:
    sig = parse_signature_lines(lines.encode())[-1]
    assert (sig.name, sig.key_id) == ("example.org/witness-key", 0x75E69D6D)
    assert int.from_bytes(sig.signature[:8], "big") == 0xE79FF9D79A75CA1D
    assert sig.signature[8:] == bytes([253, 202, 29]) + bytes(61)


def test_a_cosignature_with_a_timestamp_beyond_2_63_minus_1_does_not_verify() -> None:
    cosigner, verifier = new_cosigner()
    sig = cosigner.cosign(CHECKPOINT_TEXT, 1)
    late = (2**63).to_bytes(8, "big") + sig.signature[8:]
    with pytest.raises(SignatureError):
        verifier.verify(CHECKPOINT_TEXT, type(sig)(sig.name, sig.key_id, late))


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"\n",
        "— witness.example/w1 AAAAAAAAAA==".encode(),
        b"- witness.example/w1 AAAAAAAAAA==\n",
        "— witness.example/w1 AAAA\n".encode(),
        "— witness.example/w1 !!!!\n".encode(),
        "— witness example AAAAAAAAAA==\n".encode(),
        b"\xff\n",
    ],
)
def test_malformed_signature_lines_are_refused(body: bytes) -> None:
    with pytest.raises(MalformedError):
        parse_signature_lines(body)


# --- add-checkpoint request body ------------------------------------------------

NOTE = (
    "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n"
    "— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/"
    "Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
).encode()
PROOF_LINES = (
    "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n"
    "jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=\n"
    "5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=\n"
    "/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=\n"
)


def test_the_specs_example_request_parses() -> None:
    body = b"old 20852014\n" + PROOF_LINES.encode() + b"\n" + NOTE
    request = parse_add_checkpoint(body)
    assert request.old_size == 20852014
    assert [base64.b64encode(h).decode() + "\n" for h in request.proof] == PROOF_LINES.splitlines(
        keepends=True
    )
    assert request.checkpoint == NOTE


def test_sigsums_example_request_parses_and_formats_back() -> None:
    # sigsum-go's pkg/requests/witness_test.go: old size 3, one proof hash, size 5.
    body = (
        "old 3\nAAAAHA5HAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\nexample.org/log\n5\n"
        "HA5HAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n" + SIGSUM_LOG_LINE
    ).encode()
    request = parse_add_checkpoint(body)
    assert request.old_size == 3
    assert request.proof == (bytes([0, 0, 0, 28, 14, 71]) + bytes(26),)
    assert format_add_checkpoint(request) == body


def test_a_request_round_trips() -> None:
    request = AddCheckpoint(3, (bytes(32), bytes(range(32))), NOTE)
    assert parse_add_checkpoint(format_add_checkpoint(request)) == request


def test_a_request_without_proof_lines_parses() -> None:
    assert parse_add_checkpoint(b"old 0\n\n" + NOTE) == AddCheckpoint(0, (), NOTE)


def test_63_proof_lines_are_accepted() -> None:
    request = AddCheckpoint(1, (bytes(32),) * 63, NOTE)
    assert parse_add_checkpoint(format_add_checkpoint(request)).proof == (bytes(32),) * 63


HASH_LINE = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "blank line"),
        (b"old 0\n", "blank line"),
        (b"old 0\n" + NOTE.replace(b"\n\n", b"\n"), "blank line"),
        (b"\n\n" + NOTE, "old"),
        (b"new 0\n\n" + NOTE, "old"),
        (b"old  0\n\n" + NOTE, "old size"),
        (b"old 01\n\n" + NOTE, "old size"),
        (b"old -1\n\n" + NOTE, "old size"),
        (b"old 1.0\n\n" + NOTE, "old size"),
        (b"old 18446744073709551616\n\n" + NOTE, "old size"),
        (b"old \xd9\xa1\n\n" + NOTE, "ASCII"),
        (b"OLD 0\n\n" + NOTE, "old"),
        (b"old 0\r\n\r\n" + NOTE, "old"),
        (f"old 1\n{HASH_LINE}\nx\n\n".encode() + NOTE, "proof line 2"),
        (f"old 1\n{HASH_LINE[:-2]}=\n\n".encode() + NOTE, "proof line 1"),
        (b"old 1\nAAAA\n\n" + NOTE, "not 32"),
        (b"old 1\n" + f"{HASH_LINE}\n".encode() * 64 + b"\n" + NOTE, "more than 63"),
    ],
)
def test_a_malformed_request_is_refused(body: bytes, reason: str) -> None:
    with pytest.raises(MalformedError, match=reason):
        parse_add_checkpoint(body)


# --- text/x.tlog.size ---------------------------------------------------------


def test_a_size_is_formatted_as_decimal_and_a_newline() -> None:
    assert format_tlog_size(0) == "0\n"
    assert format_tlog_size(20852163) == "20852163\n"


# sigsum-go's cases for a 409 answer (client_test.go, TestProcessConflictResponse),
# then two of our own: the media type's case, and the largest size.
@pytest.mark.parametrize(
    ("content_type", "body", "size"),
    [
        ("text/x.tlog.size", b"0\n", 0),
        ("text/x.tlog.size", b"50\n", 50),
        ("TEXT/X.TLOG.SIZE", b"51\n", 51),
        ("text/x.tlog.size", b"18446744073709551615\n", 2**64 - 1),
    ],
)
def test_a_tlog_size_body_parses(content_type: str, body: bytes, size: int) -> None:
    assert parse_tlog_size(content_type, body) == size


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/plain", b"10"),
        ("text/plain", b"10\n"),
        ("text/x.tlog.size", b""),
        ("text/x.tlog.size", b"50"),
        ("text/x.tlog.size", b"050\n"),
        ("text/x.tlog.size; charset=utf8", b"51\n"),
        ("text/x.tlog.size", b"-1\n"),
        ("text/x.tlog.size", b" 5\n"),
        ("text/x.tlog.size", b"5\n\n"),
        ("text/x.tlog.size", b"5\r\n"),
        ("text/x.tlog.size", b"18446744073709551616\n"),
        ("text/x.tlog.size", "\u0665\n".encode()),
    ],
)
def test_a_malformed_tlog_size_body_is_refused(content_type: str, body: bytes) -> None:
    with pytest.raises(MalformedError):
        parse_tlog_size(content_type, body)
