"""Submission: the first stage. An entry is durable once entries_submit returns."""

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from judicial_verify.tlog.entry import Entry, encode_entry

from .bulk import CopyInto, rows_insert
from .models import PendingEntry
from .tasks import integration_schedule

PENDING_COPY = CopyInto[PendingEntry](
    keys="SELECT nextval(pg_get_serial_sequence('ledger_pendingentry', 'id'))"
    " FROM generate_series(1, %s)",
    copy="COPY ledger_pendingentry (id, data, sha256, submitted) FROM STDIN",
    row=lambda p: (p.pk, p.data, p.sha256, p.submitted),
)


def entries_submit(*, entries: Sequence[Entry]) -> list[int]:
    """Stores entries as pending, in order, and returns their submission ids.

    Integration is scheduled once the surrounding transaction commits, so an
    integrator never looks for rows it cannot see yet.
    """
    now = timezone.now()
    rows = [PendingEntry(data=encode_entry(e), sha256=e.sha256, submitted=now) for e in entries]
    with transaction.atomic():
        rows_insert(rows, into=PENDING_COPY)
        transaction.on_commit(integration_schedule)
    return [row.pk for row in rows]
