"""One add-checkpoint request to one witness, as the log sends it (C2SP tlog-witness v1), and
every way the answer can fail: against witnesses in this process that answer oddly."""

import socket
from collections.abc import Iterator

import pytest

from judicial_verify.ledger.witness_client import (
    MAX_ANSWER_BYTES,
    Conflict,
    Cosigned,
    WitnessFailure,
    add_checkpoint,
)
from judicial_verify.tlog.checkpoint import Checkpoint, format_checkpoint
from judicial_verify.tlog.cosignature import (
    CosignatureVerifier,
    Cosigner,
    format_signature_line,
    generate_cosigner_key,
    parse_add_checkpoint,
)
from judicial_verify.tlog.note import Signature, Signer, generate_signer_key, sign_note
from judicial_verify.tlog.policy import PolicyWitness

from .fake_witnesses import FakeWitness, Reply, close_all, fake_witness

TEXT = format_checkpoint(Checkpoint("court.example/log", 5, bytes(range(32))))
NOTE = sign_note(TEXT, [Signer(generate_signer_key("court.example/log")[0])])
PROOF = (b"\x01" * 32, b"\x02" * 32)
TIMEOUT = 2.0


@pytest.fixture
def witness() -> Iterator[FakeWitness]:
    w = fake_witness("w1")
    yield w
    close_all([w])


def policy_witness(w: FakeWitness, url: str | None = None) -> PolicyWitness:
    return PolicyWitness(w.name, CosignatureVerifier(w.vkey), url or w.url)


def ask(w: FakeWitness, *, old: int = 3, timeout: float = TIMEOUT) -> Cosigned | Conflict:
    return add_checkpoint(
        witness=policy_witness(w), old_size=old, proof=PROOF, note=NOTE, text=TEXT, timeout=timeout
    )


def answering(w: FakeWitness, reply: Reply) -> FakeWitness:
    w.answers.append(lambda body: reply)
    return w


def test_it_posts_the_old_size_the_proof_lines_a_blank_line_and_the_note(
    witness: FakeWitness,
) -> None:
    ask(witness, old=3)
    (body,) = witness.requests
    assert body.startswith(b"old 3\nAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=\n")
    request = parse_add_checkpoint(body)
    assert (request.old_size, request.proof, request.checkpoint) == (3, PROOF, NOTE)


def test_it_returns_the_witness_s_cosignature_verified_over_the_checkpoint(
    witness: FakeWitness,
) -> None:
    cosigned = ask(witness)
    assert isinstance(cosigned, Cosigned)
    verified = CosignatureVerifier(witness.vkey).verify(TEXT, cosigned.signature)
    assert verified.timestamp == cosigned.timestamp > 0


def test_it_ignores_lines_by_other_keys_beside_the_witness_s_own(witness: FakeWitness) -> None:
    other = Cosigner(generate_cosigner_key("other.example/witness")[0])

    def with_a_stranger(body: bytes) -> Reply:
        stranger = format_signature_line(other.cosign(TEXT, 1)).encode()
        return Reply(body=stranger + witness.cosign(body).body)

    witness.answers.append(with_a_stranger)
    assert isinstance(ask(witness), Cosigned)


def test_a_409_gives_the_size_the_witness_last_cosigned(witness: FakeWitness) -> None:
    answering(witness, Reply(409, "text/x.tlog.size", b"4\n"))
    assert ask(witness) == Conflict(size=4)


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/plain", b"4\n"),  # not the spec's content type
        ("text/x.tlog.size", b"4"),  # no newline
        ("text/x.tlog.size", b"04\n"),  # a leading zero
        ("text/x.tlog.size", b"four\n"),
    ],
)
def test_a_409_without_a_valid_size_is_a_failure(
    witness: FakeWitness, content_type: str, body: bytes
) -> None:
    answering(witness, Reply(409, content_type, body))
    with pytest.raises(WitnessFailure, match="409 without a valid tree size"):
        ask(witness)


@pytest.mark.parametrize("status", [400, 403, 404, 422, 500, 502, 503])
def test_any_other_status_is_a_failure_quoting_the_witness(
    witness: FakeWitness, status: int
) -> None:
    answering(witness, Reply(status, body=b"the proof does not verify\nmore\n"))
    with pytest.raises(WitnessFailure, match=rf"^answered {status}: the proof does not verify$"):
        ask(witness)


def test_a_quoted_refusal_is_short_and_printable(witness: FakeWitness) -> None:
    answering(witness, Reply(500, body=b"\x1b[31m" + b"x" * 500))
    with pytest.raises(WitnessFailure) as failure:
        ask(witness)
    message = str(failure.value)
    assert message.isprintable()
    assert len(message) < 150


def test_a_witness_that_does_not_answer_in_time_is_a_failure(witness: FakeWitness) -> None:
    answering(witness, Reply(delay=1.5))
    with pytest.raises(WitnessFailure, match=r"no answer within 0\.3 s"):
        ask(witness, timeout=0.3)


def test_a_witness_nobody_listens_for_is_a_failure() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    vkey = generate_cosigner_key("w1.example/witness")[1]
    witness = PolicyWitness("w1", CosignatureVerifier(vkey), f"http://127.0.0.1:{port}/w")
    with pytest.raises(WitnessFailure, match=r"cannot connect \(Connection refused\)"):
        add_checkpoint(witness=witness, old_size=0, proof=(), note=NOTE, text=TEXT, timeout=1)


def test_a_witness_without_a_url_is_a_failure(witness: FakeWitness) -> None:
    unreachable = PolicyWitness("w1", CosignatureVerifier(witness.vkey), None)
    with pytest.raises(WitnessFailure, match="no URL"):
        add_checkpoint(witness=unreachable, old_size=0, proof=(), note=NOTE, text=TEXT, timeout=1)
    assert witness.requests == []


def test_an_answer_that_is_no_http_is_a_failure(witness: FakeWitness) -> None:
    answering(witness, Reply(raw=b"SSH-2.0-OpenSSH_9.6\r\n"))
    with pytest.raises(WitnessFailure, match="the connection failed"):
        ask(witness)


def test_a_connection_closed_without_an_answer_is_a_failure(witness: FakeWitness) -> None:
    answering(witness, Reply(raw=b""))
    with pytest.raises(WitnessFailure, match="the connection failed"):
        ask(witness)


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"cosigned!\n",
        b"\xff\xfe\n",
        "— w1.example/witness AAAA\n".encode(),  # too short for a key ID and a signature
        "— w1.example/witness not-base64\n".encode(),
    ],
)
def test_a_200_without_signature_lines_is_a_failure(witness: FakeWitness, body: bytes) -> None:
    answering(witness, Reply(body=body))
    with pytest.raises(WitnessFailure, match="without signature lines"):
        ask(witness)


def test_a_200_with_no_line_by_the_witness_s_key_is_a_failure(witness: FakeWitness) -> None:
    other = Cosigner(generate_cosigner_key("w1.example/witness")[0])  # same name, other key
    answering(witness, Reply(body=format_signature_line(other.cosign(TEXT, 1)).encode()))
    with pytest.raises(WitnessFailure, match="without a cosignature by its key"):
        ask(witness)


def test_a_forged_cosignature_is_a_failure(witness: FakeWitness) -> None:
    sig = witness.cosigner.cosign(TEXT, 1)
    forged = Signature(sig.name, sig.key_id, sig.signature[:-1] + bytes([sig.signature[-1] ^ 1]))
    answering(witness, Reply(body=format_signature_line(forged).encode()))
    with pytest.raises(WitnessFailure, match="its cosignature does not verify"):
        ask(witness)


def test_a_cosignature_of_another_checkpoint_is_a_failure(witness: FakeWitness) -> None:
    other_text = format_checkpoint(Checkpoint("court.example/log", 6, bytes(32)))
    line = format_signature_line(witness.cosigner.cosign(other_text, 1))
    answering(witness, Reply(body=line.encode()))
    with pytest.raises(WitnessFailure, match="its cosignature does not verify"):
        ask(witness)


def test_a_cosignature_without_a_timestamp_is_a_failure(witness: FakeWitness) -> None:
    sig = witness.cosigner.cosign(TEXT, 1)
    untimed = Signature(sig.name, sig.key_id, bytes(8) + sig.signature[8:])
    answering(witness, Reply(body=format_signature_line(untimed).encode()))
    with pytest.raises(WitnessFailure, match="its cosignature does not verify"):
        ask(witness)


def test_an_answer_larger_than_any_cosignature_is_a_failure(witness: FakeWitness) -> None:
    answering(witness, Reply(body=b"x" * (MAX_ANSWER_BYTES + 1)))
    with pytest.raises(WitnessFailure, match=f"more than {MAX_ANSWER_BYTES} bytes"):
        ask(witness)
