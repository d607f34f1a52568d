"""A witness told that the log retired a key (a line of its key list, `KEY retired SIZE`) refuses
that key's signature on any larger tree, so a checkpoint signed with a stolen retired key gets no
cosignature, and no quorum. A witness not told cannot know it; then only its consistency check
stands, which stops a thief's own tree as a fork but not an extension of the real one."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from judicial_verify.tlog.checkpoint import Checkpoint, format_checkpoint
from judicial_verify.tlog.cosignature import AddCheckpoint, format_add_checkpoint
from judicial_verify.tlog.errors import QuorumError
from judicial_verify.tlog.note import Signer, Verifier, generate_signer_key, open_note, sign_note
from judicial_verify.tlog.policy import check_quorum, parse_policy
from judicial_verify.tlog.tree import (
    MemoryHashReader,
    leaf_hash,
    tree_hash,
)
from judicial_verify.witness.keys import witness_cosigner
from judicial_verify.witness.models import TrustedKey, WitnessedLog
from judicial_verify.witness.services import log_trust

from .conftest import MemoryLog, post

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip()


@pytest.fixture
def rotated(client: Client) -> tuple[MemoryLog, Signer]:
    """A log whose old key signed up to size 5, cosigned by the witness, then rotated: the
    witness trusts the new key, which has signed size 8 (cosigned too). Also the thief's copy
    of the old key."""
    log = MemoryLog()
    stolen = log.signer
    log_trust(vkey=log.vkey)
    assert post(client, log.request(0, 5))[0] == 200
    log.signer = Signer(generate_signer_key(log.origin)[0])
    log_trust(vkey=log.signer.verifier_key)
    assert post(client, log.request(5, 8))[0] == 200
    return log, stolen


def thief_extension(log: MemoryLog, stolen: Signer, old: int, new: int) -> bytes:
    """The add-checkpoint request of a tree extending the real one, signed with the stolen key:
    the thief can read every entry the log published and prove consistency with it."""
    log.grow(new)
    note = log.checkpoint(new, signers=[stolen])
    return format_add_checkpoint(AddCheckpoint(old, log.proof(old, new), note))


def test_witness_trust_records_a_retired_key_from_its_key_list_line(
    rotated: tuple[MemoryLog, Signer],
) -> None:
    _, stolen = rotated
    said = run("witness_trust", f"{stolen.verifier_key} retired 5")
    assert "key retired after size 5" in said
    assert TrustedKey.objects.get(vkey=stolen.verifier_key).last_size == 5


def test_a_witness_told_of_the_retirement_refuses_the_stolen_key_beyond_it_with_403(
    client: Client, rotated: tuple[MemoryLog, Signer]
) -> None:
    log, stolen = rotated
    run("witness_trust", f"{stolen.verifier_key} retired 5")
    status, _, body = post(client, thief_extension(log, stolen, 8, 9))
    assert status == 403
    assert (
        f"the checkpoint of size 9 is signed by key {stolen.name}+{stolen.key_id:08x}, which "
        "the log retired after signing size 5: it is not the log's"
    ) in body.decode()
    assert WitnessedLog.objects.get().size == 8


def test_a_witness_told_of_the_retirement_still_cosigns_the_new_key(
    client: Client, rotated: tuple[MemoryLog, Signer]
) -> None:
    log, stolen = rotated
    run("witness_trust", f"{stolen.verifier_key} retired 5")
    assert post(client, log.request(8, 12))[0] == 200


def test_a_witness_told_of_the_retirement_cosigns_the_old_key_up_to_its_last_size(
    client: Client,
) -> None:
    log = MemoryLog()
    log_trust(vkey=log.vkey, last_size=5)
    assert post(client, log.request(0, 5))[0] == 200
    assert post(client, log.request(5, 6))[0] == 403


def test_the_stolen_keys_checkpoint_gets_no_quorum_from_witnesses_told_of_it(
    client: Client, rotated: tuple[MemoryLog, Signer]
) -> None:
    # A verifier whose policy still lists the old key (to check old receipts), and not given
    # the key list: the witnesses' refusal alone leaves the forgery without its quorum.
    log, stolen = rotated
    run("witness_trust", f"{stolen.verifier_key} retired 5")
    request = thief_extension(log, stolen, 8, 9)
    assert post(client, request)[0] == 403
    # So the thief has no cosignature to add to its checkpoint.
    note = open_note(log.checkpoint(9, signers=[stolen]), [Verifier(stolen.verifier_key)])
    policy = parse_policy(
        (
            f"log {stolen.verifier_key}\nlog {log.signer.verifier_key}\n"
            f"witness W1 {witness_cosigner().verifier_key}\nquorum W1\n"
        ).encode()
    )
    with pytest.raises(QuorumError, match="none found"):
        check_quorum(policy, note.text, note.unverified_sigs)


def test_a_witness_not_told_cosigns_a_thief_s_extension_of_the_real_tree(
    client: Client, rotated: tuple[MemoryLog, Signer]
) -> None:
    # What holds without the key list: the thief reads the published entries and extends them,
    # so the consistency proof is sound and the witness, trusting the key, cosigns. Witnesses
    # must be told (witness_trust 'KEY retired SIZE') when the log rotates its key.
    log, stolen = rotated
    assert post(client, thief_extension(log, stolen, 8, 9))[0] == 200


def test_a_witness_not_told_then_refuses_the_real_log_s_next_tree_as_a_fork(
    client: Client, rotated: tuple[MemoryLog, Signer]
) -> None:
    # The extension shows at the log's next checkpoint: its own entry 9 is not the thief's,
    # so its tree is inconsistent with what the witness cosigned, and the log stops there.
    log, stolen = rotated
    assert post(client, thief_extension(log, stolen, 8, 9))[0] == 200
    real = MemoryLog(origin=log.origin)
    real.signer = log.signer
    real.leaves = log.leaves[:8]
    real.grow(8)
    real.leaves.append(leaf_hash(b"the log's own entry 9"))
    real.grow(10)
    note = real.checkpoint(10)
    status, _, _ = post(client, format_add_checkpoint(AddCheckpoint(9, real.proof(9, 10), note)))
    assert status == 422


def test_a_witness_not_told_refuses_a_thief_s_own_tree_as_a_fork(
    client: Client, rotated: tuple[MemoryLog, Signer]
) -> None:
    log, stolen = rotated
    leaves = [leaf_hash(f"forged {i}".encode()) for i in range(9)]
    text = format_checkpoint(Checkpoint(log.origin, 9, tree_hash(9, MemoryHashReader(leaves))))
    log.grow(9)
    request = AddCheckpoint(8, log.proof(8, 9), sign_note(text, [stolen]))
    assert post(client, format_add_checkpoint(request))[0] == 422


def test_witness_trust_refuses_to_move_a_retirement(rotated: tuple[MemoryLog, Signer]) -> None:
    _, stolen = rotated
    run("witness_trust", f"{stolen.verifier_key} retired 5")
    with pytest.raises(CommandError, match="already known as retired after size 5"):
        run("witness_trust", f"{stolen.verifier_key} retired 7")
    run("witness_trust", f"{stolen.verifier_key} retired 5")
    run("witness_trust", stolen.verifier_key)
    assert TrustedKey.objects.get(vkey=stolen.verifier_key).last_size == 5


@pytest.mark.parametrize(
    "tail",
    [" retired", " retired 05", " retired five", " stopped 5", " retired 9223372036854775808"],
)
def test_witness_trust_refuses_a_malformed_key_line(tail: str) -> None:
    _, vkey = generate_signer_key("court.example/log")
    with pytest.raises(CommandError):
        run("witness_trust", vkey + tail)
    assert not TrustedKey.objects.exists()
