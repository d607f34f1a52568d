"""The integrator: pending entries become leaves and tiles, which publish.py then signs.

Each batch is one database transaction that first locks the LogHead row, so
any number of integrators (Celery workers, management commands) may run at
once: they take turns, and each sees the tree exactly as the last one left
it. Indices are assigned from the locked size, so they can have no gap and no
duplicate; the primary key on Entry.index would refuse one anyway. A batch signs
nothing: a checkpoint covering every batch integrated by then is published at most once
an interval (publish.py), so the tables run ahead of the newest checkpoint.

A row already standing where the next entry must go (written behind the
integrator's back) makes every batch fail on that key, so retrying cannot help:
the integrator records the log as blocked, says so once at CRITICAL, and /status
and every caller waiting for publication report it until a batch succeeds again.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from redis import RedisError

from judicial_verify.tlog.tile import extend_tiles
from judicial_verify.tlog.tree import leaf_hash

from .locks import head_lock
from .models import Entry, LogHead, PendingEntry
from .tile_store import edge_read, tiles_write

log = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 1000


class LogBlocked(Exception):
    """Integration cannot append: the reason is the message. Entries stay pending."""


@dataclass(frozen=True)
class Integrated:
    """What one batch did: the tree grew from old_size to new_size."""

    old_size: int
    new_size: int


def _entries_insert(rows: Sequence[tuple[int, int, bytes | memoryview, str]]) -> None:
    """Inserts Entry rows given as (index, submission, data, sha256).

    PostgreSQL gets them by COPY: bulk_create spent most of a 1,000-entry batch
    building and binding one INSERT of 4,000 parameters in Python. COPY checks
    the same constraints and fires the same triggers as INSERT.
    """
    if connection.vendor != "postgresql":
        Entry.objects.bulk_create(
            Entry(index=index, submission=submission, data=data, sha256=sha256)
            for index, submission, data, sha256 in rows
        )
        return
    quote = connection.ops.quote_name
    # Entry's fields, each in the column of its own name.
    columns = ", ".join(quote(name) for name in ("index", "submission", "data", "sha256"))
    sql = f"COPY {quote(Entry._meta.db_table)} ({columns}) FROM STDIN"
    # psycopg's own cursor raises psycopg's errors: wrapped, a key the table refuses is
    # Django's IntegrityError, as bulk_create's would be.
    with connection.cursor() as cursor, connection.wrap_database_errors:
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)


def _pending_delete(ids: list[int]) -> None:
    """Deletes the PendingEntry rows with these ids.

    PostgreSQL gets the ids as one array parameter: one value to bind and one
    query text whatever the batch's size, where an IN list has a parameter an id.
    """
    if connection.vendor != "postgresql":
        PendingEntry.objects.filter(id__in=ids).delete()
        return
    table = connection.ops.quote_name(PendingEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = ANY(%s)", [ids])  # noqa: S608 (a name)


@transaction.atomic
def batch_integrate(*, limit: int = DEFAULT_BATCH_SIZE) -> Integrated | None:
    """Integrates up to `limit` pending entries, oldest first; None when none wait."""
    head = head_lock()
    pending = list(PendingEntry.objects.order_by("id").values_list("id", "data", "sha256")[:limit])
    if not pending:
        return None
    size = head.size
    leaves = [leaf_hash(bytes(data)) for _, data, _ in pending]
    edge = edge_read(size)
    changed = extend_tiles(size, edge, leaves)
    new_size = size + len(pending)

    _entries_insert(
        [(size + i, pid, data, sha256) for i, (pid, data, sha256) in enumerate(pending)]
    )
    _pending_delete([pid for pid, _, _ in pending])
    tiles_write(changed)
    head.size = new_size
    head.save(update_fields=["size"])
    return Integrated(old_size=size, new_size=new_size)


def log_integrate(*, batch_size: int = DEFAULT_BATCH_SIZE) -> int:
    """Integrates batches until nothing is pending; returns how many entries it added.

    Raises LogBlocked when a batch cannot be appended (see the module's docstring).
    """
    added = 0
    while True:
        try:
            done = batch_integrate(limit=batch_size)
        except IntegrityError as exc:
            reason = _block_reason(exc)
            _block_record(reason)
            raise LogBlocked(reason) from exc
        if done is None:
            return added
        if not added:
            _block_clear()
        added += done.new_size - done.old_size
        log.info("integrated entries %d..%d", done.old_size, done.new_size - 1)


def blocked_key() -> str:
    # Per database, as tasks.scheduled_key.
    return f"ledger:integration-blocked:{connection.settings_dict['NAME']}"


def integration_blocked() -> str | None:
    """Why integration is blocked, as the last integrator found; None when it is not (or
    when the cache does not answer: then nothing is known to block it)."""
    try:
        reason = cache.get(blocked_key())
    except RedisError as exc:
        log.warning("cannot read whether integration is blocked (%s)", exc)
        return None
    return reason if isinstance(reason, str) else None


def _block_reason(error: IntegrityError) -> str:
    size = LogHead.objects.filter(pk=1).values_list("size", flat=True).first() or 0
    beyond = (
        Entry.objects.filter(index__gte=size)
        .order_by("index")
        .values_list("index", flat=True)
        .first()
    )
    if beyond is None:
        return f"a batch breaks a constraint: {str(error).splitlines()[0]}"
    return (
        f"an entry row at index {beyond} lies beyond the log's size {size}; "
        "nothing can be appended until an operator removes it"
    )


def _block_record(reason: str) -> None:
    try:
        if cache.get(blocked_key()) == reason:
            return  # this block has been reported already
        cache.set(blocked_key(), reason, timeout=None)
    except RedisError as exc:
        log.warning("cannot record that integration is blocked (%s)", exc)
    log.critical("integration blocked: %s; entries stay pending", reason)


def _block_clear() -> None:
    try:
        cache.delete(blocked_key())
    except RedisError as exc:
        log.warning("cannot record that integration is no longer blocked (%s)", exc)


@dataclass(frozen=True)
class Backlog:
    """The entries waiting for the integrator: how many, and when the oldest was submitted."""

    pending: int
    oldest: datetime | None


def integration_backlog() -> Backlog:
    """What waits for integration now."""
    oldest = PendingEntry.objects.order_by("id").values_list("submitted", flat=True).first()
    pending = PendingEntry.objects.count() if oldest is not None else 0
    return Backlog(pending=pending, oldest=oldest)
