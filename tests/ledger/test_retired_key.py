"""A key that can retire: rotate_log_key destroys the old private key and records the size of
the last tree it signed, and /log/keys says so. A thief who copied the key before then signs a
larger tree with it, holding an entry the log never had: the offline verifier, given the log's
key list, refuses that receipt, though it is valid in every other way."""

from collections.abc import Callable
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from judicial_verify.ledger import read
from judicial_verify.ledger.keys import log_signer
from judicial_verify.tlog.cli import ExitCode
from judicial_verify.tlog.note import Signer
from judicial_verify.tlog.receipt import format_receipt
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
