"""The database itself refuses to rewrite a mirror's copy (PostgreSQL triggers)."""

from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import DatabaseError, transaction

from judicial_verify.mirror.models import MirrorCheckpoint, MirroredLog, MirrorTile

from .conftest import Grow, Mirror

pytestmark = pytest.mark.postgres


def refused(change: Callable[[], object]) -> bool:
    try:
        with transaction.atomic():
            change()
    except DatabaseError as e:
        return "append-only" in str(e) or "only grow" in str(e)
    return False


def test_it_refuses_to_update_or_delete_a_mirrored_log_or_checkpoint(
    grow: Grow, policy: Path, mirror: Mirror
) -> None:
    grow(3)
    mirror(policy)
    assert refused(lambda: MirroredLog.objects.update(origin="another.example/log"))
    assert refused(lambda: MirrorCheckpoint.objects.update(size=99))
    assert refused(lambda: MirrorCheckpoint.objects.all().delete())


@pytest.mark.parametrize("level", [-1, 0], ids=["entry bundle", "tile"])
def test_it_refuses_to_change_a_tile_or_bundle_except_by_growing_it(
    grow: Grow, policy: Path, mirror: Mirror, level: int
) -> None:
    grow(3)
    mirror(policy)
    rows = MirrorTile.objects.filter(level=level, index=0)
    data = bytes(rows.get().data)
    assert refused(lambda: rows.update(data=data[:1]))
    assert refused(lambda: rows.update(data=b"x" + data[1:]))
    assert refused(lambda: rows.update(index=5))
    assert refused(lambda: rows.delete())
    assert not refused(lambda: rows.update(data=data + bytes(32)))
