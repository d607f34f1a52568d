from collections.abc import Callable
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from judicial_verify.ledger.audit import AuditFailure, log_audit
from judicial_verify.ledger.integrate import checkpoint_refresh
from judicial_verify.ledger.keys import log_key_rotate
from judicial_verify.ledger.models import Checkpoint, Entry, Tile

from .tamper import flip_byte, guards_lifted

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
