"""A key that can retire: rotate_log_key destroys the old private key and records the size of
the last tree it signed, and /log/keys says so. A thief who copied the key before then signs a
larger tree with it, holding an entry the log never had: the offline verifier, given the log's
key list, refuses that receipt, though it is valid in every other way."""

import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest
from django.conf import LazySettings
from django.core.management import CommandError, call_command
from django.test import Client

from judicial_verify.ledger import read
from judicial_verify.ledger.keys import NEXT_KEY_FILE_NAME, log_signer
from judicial_verify.ledger.models import VerifierKey
from judicial_verify.tlog.cli import ExitCode
from judicial_verify.tlog.note import Signer
from judicial_verify.tlog.receipt import format_receipt
from tests.ledger.fake_witnesses import FakeWitness, close_all, fake_witness, policy_write
from tests.offline_verifier import run_cli
from tests.stolen_key import forged_receipt, key_copy

pytestmark = pytest.mark.django_db

Grow = Callable[..., int]
FORGED = b"a contract the court never saw\n"


@dataclass
class Forgery:
    """The log after a rotation, the thief's copy of the old key, and on disk: the forged
    receipt, its document, a receipt issued before the rotation, and the log's key list."""

    stolen: Signer
    receipt: Path
    document: Path
    earlier_receipt: Path
    earlier_document: Path
    keys: Path


@pytest.fixture
def forgery(grow: Grow, tmp_path: Path) -> Forgery:
    grow(5)
    earlier = tmp_path / "earlier.tlog-proof"
    earlier.write_bytes(read.receipt_get(2).data)
    stolen = key_copy()
    call_command("rotate_log_key", stdout=StringIO())
    grow(3)
    receipt = tmp_path / "forged.tlog-proof"
    receipt.write_bytes(format_receipt(forged_receipt(stolen, FORGED, node="court-a")))
    document = tmp_path / "forged.pdf"
    document.write_bytes(FORGED)
    earlier_document = tmp_path / "earlier.pdf"
    earlier_document.write_bytes(b"document 2")
    keys = tmp_path / "log.keys"
    keys.write_bytes(Client().get("/log/keys").content)
    return Forgery(stolen, receipt, document, earlier, earlier_document, keys)


def test_the_log_lists_the_old_key_as_retired_after_the_last_size_it_signed(
    forgery: Forgery,
) -> None:
    new = log_signer().verifier_key
    assert forgery.keys.read_text().splitlines() == [
        new,
        f"{forgery.stolen.verifier_key} retired 5",
    ]


def test_the_offline_verifier_given_the_key_list_refuses_the_forged_receipt(
    forgery: Forgery,
) -> None:
    stolen = f"{forgery.stolen.name}+{forgery.stolen.key_id:08x}"
    result = run_cli(
        "verify",
        "--receipt",
        forgery.receipt,
        "--key",
        forgery.keys,
        "--document",
        forgery.document,
    )
    assert result.returncode == ExitCode.RETIRED_KEY, result.stderr
    assert result.stdout == ""
    assert (
        f"NOT VERIFIED: the checkpoint of size 9 is signed by key {stolen}, which the log "
        "retired after signing size 5"
    ) in result.stderr


def test_the_forged_receipt_is_valid_in_every_other_way(forgery: Forgery) -> None:
    # What a verifier that is not told of the retirement concludes: the key list is the defence.
    result = run_cli(
        "verify",
        "--receipt",
        forgery.receipt,
        "--key",
        forgery.stolen.verifier_key,
        "--document",
        forgery.document,
    )
    assert result.returncode == ExitCode.VERIFIED, result.stderr


def test_the_new_key_alone_does_not_know_the_forged_receipt(forgery: Forgery) -> None:
    result = run_cli("verify", "--receipt", forgery.receipt, "--key", log_signer().verifier_key)
    assert result.returncode == ExitCode.UNKNOWN_KEY, result.stderr


def test_a_receipt_issued_before_the_rotation_still_verifies_with_the_key_list(
    forgery: Forgery,
) -> None:
    result = run_cli(
        "verify",
        "--receipt",
        forgery.earlier_receipt,
        "--key",
        forgery.keys,
        "--document",
        forgery.earlier_document,
    )
    assert result.returncode == ExitCode.VERIFIED, result.stderr
    assert "The log retired this key after it signed the tree of size 5" in result.stdout


def test_a_receipt_issued_after_the_rotation_verifies_with_the_key_list(
    forgery: Forgery, tmp_path: Path
) -> None:
    receipt = tmp_path / "later.tlog-proof"
    receipt.write_bytes(read.receipt_get(6).data)
    result = run_cli("verify", "--receipt", receipt, "--key", forgery.keys)
    assert result.returncode == ExitCode.VERIFIED, result.stderr
    assert "retired" not in result.stdout


# --- rotating a log that publishes with witnesses ------------------------------------------


@pytest.fixture
def witnesses() -> Iterator[list[FakeWitness]]:
    started = [fake_witness(f"w{i}") for i in (1, 2)]
    yield started
    close_all(started)


def policy_naming(path: Path, witnesses: list[FakeWitness], *log_vkeys: str) -> Path:
    """The log's policy naming these log keys and the two witnesses, either a quorum."""
    lines = [(w.name, w.vkey, w.url) for w in witnesses]
    policy_write(path, log_vkeys[0], lines, quorum="any", groups=["group any any w1 w2"])
    extra = "".join(f"log {vkey}\n" for vkey in log_vkeys[1:])
    path.write_text(extra + path.read_text())
    return path


def rotate(*args: str) -> str:
    out = StringIO()
    call_command("rotate_log_key", *args, stdout=out)
    return out.getvalue().strip()


def test_prepare_makes_the_next_key_once_mode_0600_and_leaves_the_log_s_key(
    grow: Grow, log_state: Path
) -> None:
    grow(2)
    current = log_signer().verifier_key
    prepared = rotate("--prepare")
    assert rotate("--prepare") == prepared != current
    assert stat.S_IMODE((log_state / NEXT_KEY_FILE_NAME).stat().st_mode) == 0o600
    assert log_signer().verifier_key == current
    assert Client().get("/log/keys").content.decode() == f"{current}\n"


def test_the_rotation_signs_with_the_prepared_key_and_destroys_its_file(
    grow: Grow, log_state: Path
) -> None:
    grow(2)
    prepared = rotate("--prepare")
    assert rotate() == prepared == log_signer().verifier_key
    assert not (log_state / NEXT_KEY_FILE_NAME).exists()
    assert read.checkpoint_latest().key.vkey == prepared


def test_with_witnesses_a_rotation_to_a_key_the_policy_does_not_name_is_refused(
    grow: Grow, witnesses: list[FakeWitness], settings: LazySettings, tmp_path: Path
) -> None:
    current = log_signer().verifier_key
    settings.WITNESS_POLICY = policy_naming(tmp_path / "log.policy", witnesses, current)
    grow(3)
    with pytest.raises(CommandError, match=r"run `rotate_log_key --prepare` first"):
        rotate()
    rotate("--prepare")
    with pytest.raises(CommandError, match="does not name the log's key"):
        rotate()
    # Nothing changed: the old key still signs, and is not retired.
    assert log_signer().verifier_key == current
    assert VerifierKey.objects.get(vkey=current).last_size is None
    grow(1)
    assert read.checkpoint_latest().key.vkey == current


def test_with_witnesses_the_prepared_key_named_in_the_policy_rotates_and_publishes(
    grow: Grow, witnesses: list[FakeWitness], settings: LazySettings, tmp_path: Path
) -> None:
    old = log_signer().verifier_key
    path = tmp_path / "log.policy"
    settings.WITNESS_POLICY = policy_naming(path, witnesses, old)
    grow(3)
    new = rotate("--prepare")
    settings.WITNESS_POLICY = policy_naming(tmp_path / "next.policy", witnesses, old, new)
    assert rotate() == new
    latest = read.checkpoint_latest()
    assert (latest.size, latest.key.vkey) == (3, new)
    assert b"w1.example/witness" in bytes(latest.note)
    assert VerifierKey.objects.get(vkey=old).last_size == 3
    grow(2)
    assert read.checkpoint_latest().size == 5
