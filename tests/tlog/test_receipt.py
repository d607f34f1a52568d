"""C2SP tlog-proof@v1 receipts: format, strict parsing, and offline verification."""

import base64
import contextlib
import hashlib
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from judicial_verify.tlog.checkpoint import Checkpoint
from judicial_verify.tlog.entry import encode_entry
from judicial_verify.tlog.errors import (
    DocumentMismatchError,
    EntryError,
    InclusionProofError,
    MalformedError,
    OriginMismatchError,
    SignatureError,
    TlogError,
    UnknownKeyError,
)
from judicial_verify.tlog.note import sign_note
from judicial_verify.tlog.receipt import (
    MAX_PROOF_HASHES,
    Receipt,
    format_receipt,
    parse_receipt,
    verify_receipt,
)

from .conftest import LOG_ORIGIN, make_entry, make_log, make_receipt, new_key

# The example in C2SP tlog-proof.md (its signatures are elided there, which
# parsing does not mind: the note is opened only by verify_receipt).
SPEC_CHECKPOINT = (
    "example.com/fancylog\n109482\nsFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=\n\n"
    "— example.com/fancylog hI2DJw[...]1roloI=\n"
).encode()
SPEC_PROOF = [
    "gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=",
    "B95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=",
    "EKNzoDWG8LGC0Yp9o+sv3qllpMP9uHQ9B20KNL+Q1zs=",
    "RoopEkOdqkYqMB4MJXrbt/hMjOxsVn0IrWjpz1ZMMes=",
    "AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=",
]
SPEC_EXTRA = "YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ"
SPEC_RECEIPT = (
    f"c2sp.org/tlog-proof@v1\nextra {SPEC_EXTRA}\nindex 73894\n" + "\n".join(SPEC_PROOF) + "\n\n"
).encode() + SPEC_CHECKPOINT

HASH = base64.b64encode(bytes(32)).decode()
# Key generation is cheap, but one key keeps hypothesis examples comparable.
RECEIPT_KEY = new_key()


def test_it_parses_the_spec_example() -> None:
    receipt = parse_receipt(SPEC_RECEIPT)
    assert receipt.index == 73894
    assert receipt.proof == tuple(base64.b64decode(h) for h in SPEC_PROOF)
    assert receipt.extra == base64.b64decode(SPEC_EXTRA)
    assert receipt.checkpoint_note == SPEC_CHECKPOINT


def test_it_formats_the_spec_example_byte_for_byte() -> None:
    assert format_receipt(parse_receipt(SPEC_RECEIPT)) == SPEC_RECEIPT


def test_it_leaves_out_the_extra_line_when_there_is_no_extra_data() -> None:
    receipt = Receipt(index=0, proof=(), checkpoint_note=SPEC_CHECKPOINT, extra=None)
    assert format_receipt(receipt) == b"c2sp.org/tlog-proof@v1\nindex 0\n\n" + SPEC_CHECKPOINT


receipts = st.builds(
    Receipt,
    index=st.integers(min_value=0, max_value=2**64 - 1),
    proof=st.lists(st.binary(min_size=32, max_size=32), max_size=MAX_PROOF_HASHES).map(tuple),
    checkpoint_note=st.binary(min_size=1),
    extra=st.none() | st.binary(min_size=1),
)


@given(receipts)
def test_it_parses_what_it_formats(receipt: Receipt) -> None:
    assert parse_receipt(format_receipt(receipt)) == receipt


MALFORMED = {
    "empty": b"",
    "other version": SPEC_RECEIPT.replace(b"proof@v1", b"proof@v2"),
    "no blank line": b"c2sp.org/tlog-proof@v1\nindex 0\n",
    "nothing after the blank line": b"c2sp.org/tlog-proof@v1\nindex 0\n\n",
    "no index": f"c2sp.org/tlog-proof@v1\nextra {SPEC_EXTRA}\n\n".encode() + SPEC_CHECKPOINT,
    "index before extra": SPEC_RECEIPT.replace(
        f"extra {SPEC_EXTRA}\nindex 73894".encode(), f"index 73894\nextra {SPEC_EXTRA}".encode()
    ),
    "index with tab": SPEC_RECEIPT.replace(b"index ", b"index\t"),
    "index leading zero": SPEC_RECEIPT.replace(b"index 73894", b"index 073894"),
    "index negative": SPEC_RECEIPT.replace(b"index 73894", b"index -1"),
    "index not decimal": SPEC_RECEIPT.replace(b"index 73894", b"index 0x12"),
    "index too large": SPEC_RECEIPT.replace(b"index 73894", f"index {2**64}".encode()),
    "empty extra": SPEC_RECEIPT.replace(SPEC_EXTRA.encode(), b""),
    "extra not base64": SPEC_RECEIPT.replace(SPEC_EXTRA.encode(), b"not base64!"),
    "proof hash short": SPEC_RECEIPT.replace(SPEC_PROOF[0].encode(), base64.b64encode(bytes(31))),
    "proof hash not base64": SPEC_RECEIPT.replace(SPEC_PROOF[0].encode(), b"#" * 44),
    "proof hash unpadded": SPEC_RECEIPT.replace(
        SPEC_PROOF[0].encode(), SPEC_PROOF[0].rstrip("=").encode()
    ),
    "too many proof hashes": (
        "c2sp.org/tlog-proof@v1\nindex 0\n" + f"{HASH}\n" * (MAX_PROOF_HASHES + 1) + "\n"
    ).encode()
    + SPEC_CHECKPOINT,
    "non-ASCII line": SPEC_RECEIPT.replace(b"index 73894", "index 7389４".encode()),
}


@pytest.mark.parametrize("data", MALFORMED.values(), ids=MALFORMED.keys())
def test_it_rejects_malformed_receipts(data: bytes) -> None:
    with pytest.raises(MalformedError):
        parse_receipt(data)


def test_it_says_when_a_receipt_was_resaved_with_windows_line_endings() -> None:
    with pytest.raises(MalformedError, match="Windows line endings"):
        parse_receipt(SPEC_RECEIPT.replace(b"\n", b"\r\n"))


@pytest.mark.parametrize(
    "changes",
    [
        {"index": -1},
        {"index": 2**64},
        {"proof": (bytes(31),)},
        {"proof": (bytes(32), bytes(33))},
        {"proof": (bytes(32),) * (MAX_PROOF_HASHES + 1)},
        {"extra": b""},
        {"checkpoint_note": b""},
    ],
    ids=[
        "negative index",
        "index too large",
        "short hash",
        "long second hash",
        "long proof",
        "empty extra",
        "no note",
    ],
)
def test_it_refuses_to_build_an_invalid_receipt(changes: dict[str, object]) -> None:
    valid = {"index": 0, "proof": (), "checkpoint_note": SPEC_CHECKPOINT, "extra": None}
    with pytest.raises(MalformedError):
        Receipt(**{**valid, **changes})  # type: ignore[arg-type]


# --- verify_receipt ---------------------------------------------------------


@pytest.mark.parametrize("size", [1, 2, 7, 8, 13])
def test_it_verifies_the_receipt_of_every_entry_of_a_log(size: int) -> None:
    signer, verifier = new_key()
    entries = make_log(size)
    for index in range(size):
        verified = verify_receipt(make_receipt([signer], entries, index), [verifier])
        assert encode_entry(verified.entry) == entries[index]
        assert verified.index == index
        assert verified.checkpoint.size == size
        assert verified.checkpoint.origin == LOG_ORIGIN
        assert verified.verifier == verifier


def test_it_verifies_a_receipt_read_back_from_its_file_format() -> None:
    signer, verifier = new_key()
    receipt = parse_receipt(format_receipt(make_receipt([signer], make_log(5), 3)))
    assert verify_receipt(receipt, [verifier]).index == 3


def test_it_verifies_the_document_against_the_anchored_hash() -> None:
    signer, verifier = new_key()
    receipt = make_receipt([signer], make_log(4), 2)
    document_sha256 = hashlib.sha256(b"document 2").digest()
    verified = verify_receipt(receipt, [verifier], document_sha256=document_sha256)
    assert verified.entry == make_entry(b"document 2")


def test_it_rejects_a_different_document() -> None:
    signer, verifier = new_key()
    receipt = make_receipt([signer], make_log(4), 2)
    with pytest.raises(DocumentMismatchError, match="SHA-256"):
        verify_receipt(
            receipt, [verifier], document_sha256=hashlib.sha256(b"document 2 (printed)").digest()
        )


def test_it_verifies_a_receipt_of_the_log_it_is_pinned_to() -> None:
    signer, verifier = new_key()
    receipt = make_receipt([signer], make_log(3), 1)
    assert verify_receipt(receipt, [verifier], origin=LOG_ORIGIN).checkpoint.origin == LOG_ORIGIN


def test_it_refuses_a_receipt_of_another_log_than_it_is_pinned_to_even_with_its_key() -> None:
    (_, verifier), (other, other_verifier) = new_key(), new_key("other.example/log")
    receipt = make_receipt([other], make_log(3), 1)
    with pytest.raises(OriginMismatchError, match="other.example/log"):
        verify_receipt(receipt, [verifier, other_verifier], origin=LOG_ORIGIN)


def test_it_ignores_cosignatures_by_unknown_witnesses() -> None:
    (log, verifier), (witness, _) = new_key(), new_key("witness.example")
    receipt = make_receipt([log, witness], make_log(3), 1)
    assert verify_receipt(receipt, [verifier]).verifier == verifier


def test_it_names_the_log_key_as_the_signer_when_a_witness_key_is_also_given() -> None:
    (log, verifier), (witness, witness_verifier) = new_key(), new_key("witness.example")
    receipt = make_receipt([log, witness], make_log(3), 1)
    assert verify_receipt(receipt, [witness_verifier, verifier]).verifier == verifier


def test_it_raises_unknown_key_when_no_given_key_signed_the_checkpoint() -> None:
    signer, _ = new_key()
    _, stranger = new_key()
    with pytest.raises(UnknownKeyError, match=LOG_ORIGIN):
        verify_receipt(make_receipt([signer], make_log(3), 0), [stranger])


def test_it_raises_unknown_key_when_only_a_witness_key_is_given() -> None:
    (log, _), (witness, witness_verifier) = new_key(), new_key("witness.example")
    receipt = make_receipt([log, witness], make_log(3), 0)
    with pytest.raises(UnknownKeyError, match="not signed by any key given for that log"):
        verify_receipt(receipt, [witness_verifier])


def test_it_raises_unknown_key_when_the_signing_key_is_not_named_after_the_origin() -> None:
    impostor, impostor_verifier = new_key("impostor.example")
    entries = make_log(3)
    genuine = make_receipt([new_key()[0]], entries, 0)
    text = genuine.checkpoint_note.split(b"\n\n")[0].decode() + "\n"
    receipt = replace(genuine, checkpoint_note=sign_note(text, [impostor]))
    with pytest.raises(UnknownKeyError):
        verify_receipt(receipt, [impostor_verifier])


def test_it_rejects_a_checkpoint_whose_signature_is_altered() -> None:
    signer, verifier = new_key()
    receipt = make_receipt([signer], make_log(3), 0)
    note = bytearray(receipt.checkpoint_note)
    note[-10] = ord("A") if note[-10] != ord("A") else ord("B")
    with pytest.raises(SignatureError):
        verify_receipt(replace(receipt, checkpoint_note=bytes(note)), [verifier])


def test_it_rejects_a_checkpoint_whose_size_is_altered() -> None:
    signer, verifier = new_key()
    receipt = make_receipt([signer], make_log(3), 0)
    note = receipt.checkpoint_note.replace(b"\n3\n", b"\n4\n", 1)
    with pytest.raises(SignatureError):
        verify_receipt(replace(receipt, checkpoint_note=note), [verifier])


def test_it_rejects_a_signed_note_that_is_not_a_checkpoint() -> None:
    signer, verifier = new_key()
    receipt = make_receipt([signer], make_log(3), 0)
    note = sign_note("not a checkpoint\n", [signer])
    with pytest.raises(MalformedError):
        verify_receipt(replace(receipt, checkpoint_note=note), [verifier])


def test_it_rejects_a_receipt_without_an_entry() -> None:
    signer, verifier = new_key()
    receipt = make_receipt([signer], make_log(3), 0)
    with pytest.raises(MalformedError, match="extra"):
        verify_receipt(replace(receipt, extra=None), [verifier])


def test_it_rejects_extra_data_that_is_not_an_entry() -> None:
    signer, verifier = new_key()
    receipt = make_receipt([signer], make_log(3), 0)
    with pytest.raises(EntryError):
        verify_receipt(replace(receipt, extra=b'{"v":1}'), [verifier])


def test_it_rejects_an_entry_swapped_for_another_valid_one() -> None:
    signer, verifier = new_key()
    receipt = make_receipt([signer], make_log(3), 0)
    other = encode_entry(make_entry(b"forged document"))
    with pytest.raises(InclusionProofError):
        verify_receipt(replace(receipt, extra=other), [verifier])


def test_it_rejects_an_altered_proof_hash() -> None:
    signer, verifier = new_key()
    receipt = make_receipt([signer], make_log(5), 2)
    proof = (bytes(32), *receipt.proof[1:])
    with pytest.raises(InclusionProofError):
        verify_receipt(replace(receipt, proof=proof), [verifier])


def test_it_rejects_a_truncated_proof() -> None:
    signer, verifier = new_key()
    receipt = make_receipt([signer], make_log(5), 2)
    with pytest.raises(InclusionProofError):
        verify_receipt(replace(receipt, proof=receipt.proof[:-1]), [verifier])


def test_it_rejects_a_receipt_claiming_another_index() -> None:
    signer, verifier = new_key()
    receipt = make_receipt([signer], make_log(5), 2)
    with pytest.raises(InclusionProofError):
        verify_receipt(replace(receipt, index=3), [verifier])


def test_it_rejects_an_index_beyond_the_checkpoint() -> None:
    signer, verifier = new_key()
    receipt = make_receipt([signer], make_log(5), 4)
    with pytest.raises(InclusionProofError, match="beyond"):
        verify_receipt(replace(receipt, index=5), [verifier])


def test_it_checks_the_checkpoint_against_the_log_it_claims() -> None:
    signer, verifier = new_key()
    receipt = make_receipt([signer], make_log(5), 4)
    checkpoint = verify_receipt(receipt, [verifier]).checkpoint
    assert checkpoint == Checkpoint(LOG_ORIGIN, 5, checkpoint.root_hash)


@given(st.binary(max_size=400))
def test_it_raises_only_malformed_errors_on_arbitrary_bytes(data: bytes) -> None:
    with contextlib.suppress(MalformedError):
        parse_receipt(data)


@settings(max_examples=300)
@given(st.data())
def test_it_rejects_every_single_byte_change_to_a_receipt_file(data: st.DataObject) -> None:
    signer, verifier = RECEIPT_KEY
    original = format_receipt(make_receipt([signer], make_log(6), 5))
    at = data.draw(st.integers(0, len(original) - 1))
    byte = data.draw(st.integers(0, 255).filter(lambda b: b != original[at]))
    with pytest.raises(TlogError):
        verify_receipt(
            parse_receipt(original[:at] + bytes([byte]) + original[at + 1 :]), [verifier]
        )
