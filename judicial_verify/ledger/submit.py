"""Submission: the first stage. An entry is durable once entries_submit returns."""

from collections.abc import Sequence

from django.db import transaction

from judicial_verify.tlog.entry import Entry, encode_entry

from .bulk import instance_new, rows_insert
from .models import PendingEntry
from .tasks import integration_schedule


def entries_submit(*, entries: Sequence[Entry]) -> list[int]:
    """Stores entries as pending, in order, and returns their submission ids.

    Integration is scheduled once the surrounding transaction commits, so an
    integrator never looks for rows it cannot see yet.
    """
    rows = [instance_new(PendingEntry, data=encode_entry(e), sha256=e.sha256) for e in entries]
    with transaction.atomic():
        rows_insert(PendingEntry, rows)
        transaction.on_commit(integration_schedule)
    return [row.pk for row in rows]
