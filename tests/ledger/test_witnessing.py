"""checkpoint_cosign: a checkpoint goes out with its witnesses' cosignatures only once they make
the policy's quorum; the policy it reads, and what it remembers of each witness. Against
witnesses in the test process (tests/ledger/test_alliance.py runs real ones)."""

import functools
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from django.conf import LazySettings, settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from rest_framework.test import APIClient

from judicial_verify.ledger.keys import log_signer
from judicial_verify.ledger.models import WitnessStatus
from judicial_verify.ledger.witnessing import QuorumNotMet, checkpoint_cosign
from judicial_verify.records.credentials import node_create
from judicial_verify.tlog.checkpoint import Checkpoint, format_checkpoint
from judicial_verify.tlog.cosignature import (
    parse_add_checkpoint,
    parse_signature_lines,
)
from judicial_verify.tlog.note import (
    Signature,
    Signer,
    Verifier,
    format_signature_line,
    generate_signer_key,
    open_note,
    sign_note,
)
from judicial_verify.tlog.policy import check_quorum, parse_policy

from .fake_witnesses import FakeWitness, Reply, close_all, fake_witness, policy_write

TWO_OF_THREE = "group alliance 2 w1 w2 w3"


@pytest.fixture
def fakes() -> Iterator[list[FakeWitness]]:
    witnesses = [fake_witness(f"w{i}") for i in (1, 2, 3)]
    yield witnesses
    close_all(witnesses)


@pytest.fixture
def policy(tmp_path: Path, settings: LazySettings, fakes: list[FakeWitness]) -> Path:
    """The log's policy: the three fakes, any two of them a quorum."""
    path = policy_write(
        tmp_path / "log.policy",
        log_signer().verifier_key,
        [(w.name, w.vkey, w.url) for w in fakes],
        quorum="alliance",
        groups=[TWO_OF_THREE],
    )
    settings.WITNESS_POLICY = path
    return path


def signed(size: int, root: bytes = bytes(32)) -> bytes:
    text = format_checkpoint(Checkpoint(settings.LOG_ORIGIN, size, root))
    return sign_note(text, [log_signer()])


class Proofs:
    """A proof function that makes a recognisable proof from each old size, and counts."""

    def __init__(self) -> None:
        self.asked: list[int] = []

    def __call__(self, old: int) -> Sequence[bytes]:
        self.asked.append(old)
        return [bytes([old]) * 32]


def cosign(size: int, old_size: int = 0, proofs: Proofs | None = None) -> bytes:
    return checkpoint_cosign(signed(size), size, old_size, proofs or Proofs())


def cosigners(note: bytes, policy: Path) -> list[str]:
    """The policy's witnesses whose cosignatures on the note are valid (checking the log's
    signature first), and the quorum met."""
    parsed = parse_policy(policy.read_bytes())
    opened = open_note(note, [log.verifier for log in parsed.logs])
    return [c.witness for c in check_quorum(parsed, opened.text, opened.unverified_sigs)]


def failing(reply: Reply) -> Callable[[bytes], Reply]:
    return lambda body: reply


def status(name: str) -> WitnessStatus:
    return WitnessStatus.objects.get(name=name)


pytestmark = pytest.mark.django_db(transaction=True)


def test_without_a_policy_the_note_is_published_as_the_log_signed_it(
    fakes: list[FakeWitness],
) -> None:
    note = signed(3)
    assert checkpoint_cosign(note, 3, 0, Proofs()) == note
    assert all(not w.requests for w in fakes)


def test_every_witness_cosigns_and_the_lines_are_appended_to_the_note(
    policy: Path, fakes: list[FakeWitness]
) -> None:
    note = signed(3)
    cosigned = checkpoint_cosign(note, 3, 0, Proofs())
    assert cosigned.startswith(note)
    assert cosigned.count("\n— ".encode()) == 4  # the log's signature and three cosignatures
    assert cosigners(cosigned, policy) == ["w1", "w2", "w3"]


def test_each_witness_is_sent_the_checkpoint_with_a_proof_from_the_previous_size(
    policy: Path, fakes: list[FakeWitness]
) -> None:
    proofs = Proofs()
    cosign(5, old_size=3, proofs=proofs)
    assert proofs.asked == [3]  # one proof, shared
    for w in fakes:
        request = parse_add_checkpoint(w.requests[0])
        assert (request.old_size, request.proof, request.checkpoint) == (
            3,
            (b"\x03" * 32,),
            signed(5),
        )


def test_the_next_checkpoint_is_proved_from_the_size_each_witness_cosigned(
    policy: Path, fakes: list[FakeWitness]
) -> None:
    fakes[2].answers.append(failing(Reply(503)))
    cosign(3)
    proofs = Proofs()
    cosign(7, old_size=3, proofs=proofs)
    olds = [parse_add_checkpoint(w.requests[-1]).old_size for w in fakes]
    # w3 failed at 3: the log knows nothing of it, so it starts from the last published size.
    assert olds == [3, 3, 3]
    assert [status(w.name).size for w in fakes] == [7, 7, 7]


def test_the_first_checkpoint_needs_no_proof(policy: Path, fakes: list[FakeWitness]) -> None:
    proofs = Proofs()
    cosign(0, proofs=proofs)
    cosign(4, old_size=0, proofs=proofs)
    assert proofs.asked == []
    assert all(parse_add_checkpoint(w.requests[-1]).proof == () for w in fakes)


def test_a_failing_witness_does_not_stop_the_quorum_of_the_others(
    policy: Path, fakes: list[FakeWitness]
) -> None:
    fakes[2].answers.append(failing(Reply(500, body=b"database is down\n")))
    assert cosigners(cosign(3), policy) == ["w1", "w2"]
    assert status("w3").failing
    assert status("w3").error == "answered 500: database is down"
    assert not status("w1").failing
    assert status("w1").size == 3


def test_without_the_quorum_it_raises_naming_each_failing_witness_and_why(
    policy: Path, fakes: list[FakeWitness]
) -> None:
    fakes[1].answers.append(failing(Reply(503)))
    fakes[2].answers.append(failing(Reply(raw=b"")))
    with pytest.raises(QuorumNotMet) as failure:
        cosign(3)
    assert set(failure.value.failures) == {"w2", "w3"}
    assert failure.value.failures["w2"] == "answered 503"
    assert "the connection failed" in failure.value.failures["w3"]
    assert "alliance = 2 of (w1, w2, w3)" in str(failure.value)


@pytest.mark.postgres  # SQLite's one writer is the caller: there the record rolls back with it
def test_the_failures_stay_on_record_when_the_caller_s_transaction_rolls_back(
    policy: Path, fakes: list[FakeWitness]
) -> None:
    fakes[1].answers.append(failing(Reply(503)))
    fakes[2].answers.append(failing(Reply(503)))
    with pytest.raises(QuorumNotMet), transaction.atomic():
        cosign(3)
    assert [status(w.name).failing for w in fakes] == [False, True, True]
    assert status("w1").size == 3  # w1 did cosign size 3: it is the size to prove from


def test_a_409_is_answered_by_proving_again_from_the_size_it_names(
    policy: Path, fakes: list[FakeWitness]
) -> None:
    fakes[0].answers.append(failing(Reply(409, "text/x.tlog.size", b"4\n")))
    proofs = Proofs()
    cosigned = checkpoint_cosign(signed(9), 9, 2, proofs)
    assert cosigners(cosigned, policy) == ["w1", "w2", "w3"]
    first, again = (parse_add_checkpoint(r) for r in fakes[0].requests)
    assert (first.old_size, again.old_size, again.proof) == (2, 4, (b"\x04" * 32,))
    assert sorted(proofs.asked) == [2, 4]
    assert status("w1").size == 9


def test_a_second_409_is_a_failure(policy: Path, fakes: list[FakeWitness]) -> None:
    conflict = failing(Reply(409, "text/x.tlog.size", b"4\n"))
    fakes[0].answers += [conflict, conflict]
    assert cosigners(cosign(9, old_size=2), policy) == ["w2", "w3"]
    assert len(fakes[0].requests) == 2
    assert status("w1").error == "it answered 409 again, naming size 4"
    assert status("w1").size == 4


def test_a_witness_that_cosigned_a_larger_tree_is_a_failure(
    policy: Path, fakes: list[FakeWitness]
) -> None:
    fakes[0].answers.append(failing(Reply(409, "text/x.tlog.size", b"12\n")))
    assert cosigners(cosign(9, old_size=2), policy) == ["w2", "w3"]
    assert len(fakes[0].requests) == 1
    assert "cosigned a tree of 12 leaves, larger than this checkpoint's 9" in status("w1").error


def test_a_witness_that_does_not_answer_in_time_is_not_waited_for(
    policy: Path, fakes: list[FakeWitness], settings: LazySettings
) -> None:
    settings.WITNESS_TIMEOUT = 0.5
    fakes[2].answers.append(failing(Reply(delay=3)))
    start = time.monotonic()
    assert cosigners(cosign(3), policy) == ["w1", "w2"]
    assert time.monotonic() - start < 2
    assert status("w3").error == "no answer within 0.5 s"


def slowly(witness: FakeWitness, body: bytes) -> Reply:
    return Reply(delay=0.6, body=witness.cosign(body).body)


def test_the_witnesses_are_asked_at_once(
    policy: Path, fakes: list[FakeWitness], settings: LazySettings
) -> None:
    for w in fakes:
        w.answers.append(functools.partial(slowly, w))
    start = time.monotonic()
    cosign(3)
    assert time.monotonic() - start < 1.5  # not 3 x 0.6 s


def test_a_forged_cosignature_is_not_counted(policy: Path, fakes: list[FakeWitness]) -> None:
    def forged(body: bytes) -> Reply:
        (sig,) = parse_signature_lines(fakes[1].cosign(body).body)
        bad = Signature(sig.name, sig.key_id, sig.signature[:-1] + bytes([sig.signature[-1] ^ 1]))
        return Reply(body=format_signature_line(bad).encode())

    fakes[1].answers.append(forged)
    fakes[2].answers.append(failing(Reply(503)))
    with pytest.raises(QuorumNotMet) as failure:
        cosign(3)
    assert set(failure.value.failures) == {"w2", "w3"}
    assert "does not verify" in failure.value.failures["w2"]


def test_a_witness_cosigning_with_a_key_the_policy_does_not_name_is_not_counted(
    tmp_path: Path, settings: LazySettings, fakes: list[FakeWitness]
) -> None:
    impostor = fake_witness("w1")  # w1's name, another key
    try:
        entries = [("w1", fakes[0].vkey, impostor.url), ("w2", fakes[1].vkey, fakes[1].url)]
        settings.WITNESS_POLICY = policy_write(
            tmp_path / "p", log_signer().verifier_key, entries, quorum="both",
            groups=["group both all w1 w2"],
        )  # fmt: skip
        with pytest.raises(QuorumNotMet, match="w1: answered 200 without a cosignature by its"):
            cosign(3)
    finally:
        close_all([impostor])


def test_quorum_none_with_witnesses_asks_them_but_never_fails_in_debug(
    tmp_path: Path, settings: LazySettings, fakes: list[FakeWitness]
) -> None:
    settings.DEBUG = True
    entries = [(w.name, w.vkey, w.url) for w in fakes]
    settings.WITNESS_POLICY = policy_write(
        tmp_path / "p", log_signer().verifier_key, entries, quorum="none"
    )
    for w in fakes[1:]:
        w.answers.append(failing(Reply(503)))
    cosigned = cosign(3)
    assert cosigned.count("\n— ".encode()) == 2  # the log's, and w1's
    assert all(len(w.requests) == 1 for w in fakes)


def test_a_witness_without_a_url_is_not_asked(
    tmp_path: Path, settings: LazySettings, fakes: list[FakeWitness]
) -> None:
    entries = [(w.name, w.vkey, w.url) for w in fakes[:2]] + [("w3", fakes[2].vkey, None)]
    settings.WITNESS_POLICY = policy_write(
        tmp_path / "p", log_signer().verifier_key, entries, quorum="alliance",
        groups=[TWO_OF_THREE],
    )  # fmt: skip
    fakes[1].answers.append(failing(Reply(503)))
    with pytest.raises(QuorumNotMet) as failure:
        cosign(3)
    assert failure.value.failures == {"w2": "answered 503", "w3": "the policy gives it no URL"}
    assert fakes[2].requests == []


def test_a_checkpoint_not_signed_by_the_policy_s_log_key_is_refused(
    policy: Path, fakes: list[FakeWitness]
) -> None:
    other = Signer(generate_signer_key(settings.LOG_ORIGIN)[0])
    note = sign_note(format_checkpoint(Checkpoint(settings.LOG_ORIGIN, 3, bytes(32))), [other])
    with pytest.raises(ImproperlyConfigured, match="not signed by a log key the policy names"):
        checkpoint_cosign(note, 3, 0, Proofs())
    assert all(not w.requests for w in fakes)


def test_the_cosigned_note_opens_with_the_log_key_alone(policy: Path) -> None:
    cosigned = cosign(3)
    opened = open_note(cosigned, [Verifier(log_signer().verifier_key)])
    assert len(opened.sigs) == 1
    assert len(opened.unverified_sigs) == 3


def test_a_node_waiting_while_the_witnesses_cannot_make_the_quorum_gets_503_naming_them(
    policy: Path, fakes: list[FakeWitness]
) -> None:
    _, token = node_create(code="court-a", name="Court A")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    close_all(fakes[1:])
    document = {"kind": "evidence", "sha256": "ab" * 32}
    response = client.post("/api/v1/entries?wait=0.5", document, format="json")
    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "witness_quorum_unmet"
    assert error["message"].startswith("not published within 0.5 s: the witnesses that answer")
    assert "w2: cannot connect (Connection refused); w3: cannot connect" in error["message"]
    assert error["message"].endswith(
        "the entries are stored and will be published once enough witnesses cosign"
    )
    # Stored: asked again, the record is the same one, still waiting.
    (entry,) = client.post("/api/v1/entries", document, format="json").json()["entries"]
    assert (entry["created"], entry["status"]) == (False, "pending")
