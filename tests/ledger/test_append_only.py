"""The database itself refuses to rewrite the ledger (PostgreSQL triggers)."""

from collections.abc import Callable

import pytest
from django.db import DatabaseError, transaction

from judicial_verify.ledger.models import Checkpoint, Entry, Tile, VerifierKey

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

Grow = Callable[..., int]


def refused(change: Callable[[], object]) -> bool:
    try:
        with transaction.atomic():
            change()
    except DatabaseError as e:
        return "append-only" in str(e) or "only grow" in str(e)
    return False


def test_it_refuses_to_update_or_delete_an_entry(grow: Grow) -> None:
    grow(3)
    assert refused(lambda: Entry.objects.filter(index=1).update(sha256="0" * 64))
    assert refused(lambda: Entry.objects.filter(index=2).delete())
    assert Entry.objects.count() == 3


def test_it_refuses_to_update_or_delete_a_checkpoint(grow: Grow) -> None:
    grow(3)
    assert refused(lambda: Checkpoint.objects.update(size=99))
    assert refused(lambda: Checkpoint.objects.all().delete())


def test_it_refuses_to_update_or_delete_a_verifier_key(grow: Grow) -> None:
    grow(1)
    assert refused(lambda: VerifierKey.objects.update(vkey="x"))


def test_it_refuses_to_change_a_tile_except_by_growing_it(grow: Grow) -> None:
    grow(3)
    tile = Tile.objects.get(level=0, index=0)
    data = bytes(tile.data)
    assert refused(lambda: Tile.objects.filter(pk=tile.pk).update(data=data[:32]))
    assert refused(lambda: Tile.objects.filter(pk=tile.pk).update(data=bytes(32) + data[32:]))
    assert refused(lambda: Tile.objects.filter(pk=tile.pk).update(index=5))
    assert refused(lambda: Tile.objects.filter(pk=tile.pk).delete())
    assert not refused(lambda: Tile.objects.filter(pk=tile.pk).update(data=data + bytes(32)))
