import re
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from judicial_verify.ledger import audit
from judicial_verify.ledger.audit import AuditFailure, log_audit
from judicial_verify.ledger.integrate import log_integrate
from judicial_verify.ledger.keys import log_key_rotate, log_signer
from judicial_verify.ledger.models import (
    Checkpoint,
    Entry,
    LogHead,
    PendingEntry,
    Tile,
    VerifierKey,
)
from judicial_verify.ledger.publish import checkpoint_refresh
from judicial_verify.tlog.entry import encode_entry
from judicial_verify.tlog.note import Signer, generate_signer_key

from .conftest import Submit, document_entry
from .tamper import checkpoint_forge, flip_byte, guards_lifted

pytestmark = pytest.mark.django_db

Grow = Callable[..., int]


@pytest.fixture
def log(grow: Grow) -> None:
    for count in (1, 300, 17, 600):
        grow(count, batch=250)


def test_it_passes_an_untouched_log(log: None) -> None:
    report = log_audit()
    assert report.entries == 918
    assert report.checkpoints == Checkpoint.objects.count()
    assert report.tiles == Tile.objects.count()


def test_it_passes_an_empty_log() -> None:
    assert log_audit().entries == 0


def test_it_passes_across_a_key_rotation(log: None, grow: Grow) -> None:
    log_key_rotate()
    checkpoint_refresh()
    grow(5)
    assert log_audit().entries == 923


def test_it_checks_entries_and_tiles_integrated_beyond_the_newest_checkpoint(
    log: None, submit: Submit
) -> None:
    submit(40, 918)
    log_integrate()
    assert Checkpoint.objects.latest().size == 918
    assert log_audit().entries == 958
    tile = Tile.objects.get(level=0, index=3)  # entries 768..957: 918 onwards unpublished
    with guards_lifted("ledger_tile"):
        Tile.objects.filter(pk=tile.pk).update(data=flip_byte(bytes(tile.data), 32 * 180))
    with pytest.raises(AuditFailure) as failure:
        log_audit()
    assert failure.value.what == "tile 0/3 (tile/0/003.p/190)"


def test_it_names_a_checkpoint_beyond_the_log_head(log: None) -> None:
    LogHead.objects.filter(pk=1).update(size=900)
    with pytest.raises(AuditFailure, match="size 900 is less than the newest checkpoint's"):
        log_audit()


def test_it_names_an_entry_with_one_byte_changed(log: None) -> None:
    entry = Entry.objects.get(index=400)
    with guards_lifted("ledger_entry"):
        Entry.objects.filter(index=400).update(data=flip_byte(bytes(entry.data), 30))
    with pytest.raises(AuditFailure) as failure:
        log_audit()
    assert failure.value.what == "entry 400"


def test_it_names_a_tile_with_one_byte_changed(log: None) -> None:
    tile = Tile.objects.get(level=0, index=2)
    with guards_lifted("ledger_tile"):
        Tile.objects.filter(pk=tile.pk).update(data=flip_byte(bytes(tile.data), 100))
    with pytest.raises(AuditFailure) as failure:
        log_audit()
    assert failure.value.what == "tile 0/2 (tile/0/002)"


def test_it_names_a_checkpoint_with_one_byte_changed(log: None) -> None:
    checkpoint = Checkpoint.objects.order_by("id")[2]
    note = bytes(checkpoint.note)
    with guards_lifted("ledger_checkpoint"):
        Checkpoint.objects.filter(pk=checkpoint.pk).update(
            note=flip_byte(note, note.index(b"\n") + 2)
        )
    with pytest.raises(AuditFailure) as failure:
        log_audit()
    assert failure.value.what == f"checkpoint {checkpoint.pk} (size {checkpoint.size})"


def test_it_names_a_missing_entry(log: None) -> None:
    with guards_lifted("ledger_entry"):
        Entry.objects.filter(index=917).delete()
    with pytest.raises(AuditFailure) as failure:
        log_audit()
    assert failure.value.what == "entry 917"


def test_the_command_exits_nonzero_naming_the_first_bad_thing(log: None) -> None:
    entry = Entry.objects.get(index=3)
    with guards_lifted("ledger_entry"):
        Entry.objects.filter(index=3).update(data=flip_byte(bytes(entry.data), 40))
    with pytest.raises(CommandError, match="entry 3"):
        call_command("audit_log")


def test_the_command_reports_what_it_checked(log: None) -> None:
    out = StringIO()
    call_command("audit_log", stdout=out)
    assert out.getvalue().startswith("audit passed: 918 entries")


def test_it_names_an_entry_row_beyond_the_log_size(log: None) -> None:
    data = encode_entry(document_entry(5000))
    Entry.objects.create(index=918, submission=10**9, data=data, sha256=document_entry(5000).sha256)
    with pytest.raises(AuditFailure) as failure:
        log_audit()
    assert failure.value.what == "entry 918"
    assert "beyond the log's size 918" in failure.value.reason


def test_it_names_a_pending_entry_that_is_integrated_already(log: None) -> None:
    entry = Entry.objects.get(index=40)
    PendingEntry.objects.create(id=entry.submission, data=entry.data, sha256=entry.sha256)
    with pytest.raises(AuditFailure) as failure:
        log_audit()
    assert failure.value.what == f"pending entry {entry.submission}"
    assert "already integrated as entry 40" in failure.value.reason


def foreign_signer() -> Signer:
    return Signer(generate_signer_key(settings.LOG_ORIGIN)[0])


def test_it_names_a_verifier_key_the_operator_never_held_and_its_checkpoints(log: None) -> None:
    forger = foreign_signer()
    checkpoint_forge(forger)
    with pytest.raises(AuditFailure) as failure:
        log_audit()
    key = VerifierKey.objects.get(vkey=forger.verifier_key)
    assert failure.value.what == f"verifier key {key.id} ({forger.name}+{forger.key_id:08x})"
    assert "not one of the expected keys" in failure.value.reason


def test_it_names_a_verifier_key_added_though_it_signed_nothing(log: None) -> None:
    forger = foreign_signer()
    key = VerifierKey.objects.create(
        vkey=forger.verifier_key, key_id=f"{forger.key_id:08x}", name=forger.name
    )
    with pytest.raises(AuditFailure) as failure:
        log_audit()
    assert failure.value.what.startswith(f"verifier key {key.id} ")


def test_it_expects_the_keys_it_is_given(log: None) -> None:
    old = log_signer().verifier_key
    new = log_key_rotate().verifier_key
    checkpoint_refresh()
    assert log_audit(expected_keys=[old, new]).entries == 918
    with pytest.raises(AuditFailure, match="not one of the expected keys"):
        log_audit(expected_keys=[new])


def test_it_reads_checkpoints_a_chunk_at_a_time(
    grow: Grow, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(13):
        grow(3)
    monkeypatch.setattr(audit, "CHUNK", 4)
    with CaptureQueriesContext(connection) as queries:
        report = log_audit()
    assert report.checkpoints == 13
    table = connection.ops.quote_name(Checkpoint._meta.db_table)
    reads = [q["sql"] for q in queries.captured_queries if f"FROM {table}" in q["sql"]]
    limits = [re.search(r"LIMIT (\d+)", sql) for sql in reads]
    assert all(limit is not None and int(limit.group(1)) <= 4 for limit in limits), reads
    assert len(reads) >= 2 * 13 // 4


def key_file(tmp_path: Path, *vkeys: str) -> str:
    path = tmp_path / "keys.txt"
    path.write_text("# the log's keys\n" + "".join(f"{vkey}\n" for vkey in vkeys))
    return str(path)


def test_the_command_takes_the_expected_keys_from_files(log: None, tmp_path: Path) -> None:
    old = log_signer().verifier_key
    log_key_rotate()
    checkpoint_refresh()
    with pytest.raises(CommandError, match=r"verifier key \d+ .*not one of the expected keys"):
        call_command("audit_log", "--key", key_file(tmp_path, old))
    out = StringIO()
    call_command(
        "audit_log", "--key", key_file(tmp_path, old, log_signer().verifier_key), stdout=out
    )
    assert out.getvalue().startswith("audit passed: 918 entries")


def test_the_command_refuses_a_key_file_holding_no_key(tmp_path: Path) -> None:
    path = tmp_path / "keys.txt"
    path.write_text("PRIVATE+KEY+not+a+verifier\n")
    with pytest.raises(CommandError, match="line 1: not a verifier key"):
        call_command("audit_log", "--key", str(path))


def test_the_command_says_when_it_cannot_read_the_operators_keys(log_state: Path) -> None:
    log_signer()
    (log_state / "log-signing.key").chmod(0o644)
    with pytest.raises(CommandError, match="cannot read the expected verifier keys: .*mode 0600"):
        call_command("audit_log")


def test_it_names_a_retired_key_that_signed_after_its_last_size(log: None, grow: Grow) -> None:
    old = Signer((settings.STATE_DIR / "log-signing.key").read_text().strip())
    log_key_rotate()
    grow(5)
    checkpoint_forge(old)
    with pytest.raises(AuditFailure) as failure:
        log_audit()
    assert failure.value.what.startswith("verifier key ")
    assert failure.value.reason == (
        "retired after signing size 918, but its last checkpoint has size 923"
    )
