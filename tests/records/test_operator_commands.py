import hashlib
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from judicial_verify.ledger.keys import log_signer
from judicial_verify.ledger.models import Entry
from judicial_verify.tlog.entry import decode_entry
from judicial_verify.tlog.receipt import parse_receipt
from tests.celery_worker import new_queue, tasks_queued_to
from tests.ledger.tamper import guards_lifted
from tests.publishing import publication_held_back

# Real commits: anchor waits for the integration that runs once its submission commits.
pytestmark = pytest.mark.django_db(transaction=True)


def anchor(*args: str) -> list[str]:
    out = StringIO()
    call_command("anchor", *args, stdout=out)
    return out.getvalue().splitlines()


def documents(tmp_path: Path, *texts: str) -> list[Path]:
    paths = []
    for i, text in enumerate(texts):
        path = tmp_path / f"doc{i}.txt"
        path.write_text(text)
        paths.append(path)
    return paths


def test_anchor_prints_index_and_hash_per_file_once_signed(tmp_path: Path) -> None:
    paths = documents(tmp_path, "judgment", "summons")
    lines = anchor("--kind", "served_document", *map(str, paths))
    assert lines == [
        f"{i} {hashlib.sha256(p.read_bytes()).hexdigest()}" for i, p in enumerate(paths)
    ]


@pytest.mark.postgres
@pytest.mark.redis
def test_anchor_returns_only_once_a_published_checkpoint_covers_the_files(
    tmp_path: Path,
) -> None:
    # No worker listens on the queue: only this test integrates, and publishes later.
    with tasks_queued_to(new_queue()), publication_held_back(0.5) as publishing:
        lines = anchor("--kind", "evidence", *map(str, documents(tmp_path, "a", "b")))
        returned = time.monotonic()
    assert returned >= publishing[0]
    assert [line.split()[0] for line in lines] == ["0", "1"]


def test_anchor_refuses_an_unknown_kind(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="invalid choice"):
        anchor("--kind", "parking_ticket", *map(str, documents(tmp_path, "x")))


def test_anchor_requires_a_receipt_of_service_to_name_its_document(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="must name the entry it refers to"):
        anchor("--kind", "service_receipt", *map(str, documents(tmp_path, "x")))


def test_anchor_refuses_a_reference_to_no_entry(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no entry at index 9"):
        anchor("--kind", "service_receipt", "--ref", "9", *map(str, documents(tmp_path, "x")))


def test_anchor_refuses_an_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="cannot read"):
        anchor("--kind", "evidence", str(tmp_path / "absent.pdf"))


def test_anchor_links_a_receipt_of_service_to_its_document(tmp_path: Path) -> None:
    served, receipt = documents(tmp_path, "summons", "signed receipt")
    index = int(anchor("--kind", "served_document", str(served))[0].split()[0])
    anchor("--kind", "service_receipt", "--ref", str(index), str(receipt))
    out = StringIO()
    call_command("receipt", "1", stdout=out)
    entry = decode_entry(parse_receipt(out.getvalue().encode()).extra or b"")
    assert (entry.kind, entry.ref) == ("service_receipt", index)


def test_anchor_refuses_a_malformed_node_code(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="node"):
        anchor("--kind", "evidence", "--node", "Court A", *map(str, documents(tmp_path, "x")))


def test_anchor_says_the_log_is_blocked_when_it_is(tmp_path: Path) -> None:
    # A row the integrator did not write, where the next entry must go (the triggers allow
    # INSERT): integration cannot append, and the command must say so, not crash.
    Entry.objects.create(index=0, submission=10**12, data=b"{}", sha256="0" * 64)
    with pytest.raises(CommandError, match="the log is blocked: an entry row at index 0"):
        anchor("--kind", "evidence", *map(str, documents(tmp_path, "x")))


def test_receipt_refuses_an_index_not_in_the_log(tmp_path: Path) -> None:
    anchor("--kind", "evidence", *map(str, documents(tmp_path, "x")))
    with pytest.raises(CommandError, match="no entry at index 1"):
        call_command("receipt", "1")


def test_receipt_says_an_entry_that_fails_its_checks_is_an_integrity_alarm(
    tmp_path: Path,
) -> None:
    anchor("--kind", "evidence", *map(str, documents(tmp_path, "x")))
    with guards_lifted("ledger_entry"):
        Entry.objects.filter(index=0).update(data=b"not an entry")
    with pytest.raises(CommandError, match="integrity alarm: entry 0"):
        call_command("receipt", "0")


def test_a_receipt_from_the_command_verifies_offline_with_the_document(tmp_path: Path) -> None:
    (document,) = documents(tmp_path, "mediation agreement, signed")
    anchor("--kind", "mediation_agreement", str(document))
    receipt = tmp_path / "doc.tlog-proof"
    out = StringIO()
    call_command("receipt", "0", stdout=out)
    receipt.write_text(out.getvalue())
    key = StringIO()
    call_command("log_key", stdout=key)
    assert key.getvalue().strip() == log_signer().verifier_key
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "judicial_verify.tlog",
            "verify",
            "--receipt",
            str(receipt),
            "--key",
            key.getvalue().strip(),
            "--document",
            str(document),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "mediation_agreement" in result.stdout
