import hashlib
from collections.abc import Callable

import pytest

from judicial_verify.ledger.integrate import log_integrate
from judicial_verify.ledger.models import PendingEntry
from judicial_verify.ledger.read import integrated_size
from judicial_verify.ledger.submit import entries_submit
from judicial_verify.tlog.entry import Entry, encode_entry, metadata_commitment
from tests.publishing import integrate_and_publish

Submit = Callable[..., list[int]]


def document_entry(n: int, *, kind: str = "evidence", node: str = "court-a") -> Entry:
    return Entry(
        kind=kind,
        sha256=hashlib.sha256(f"document {n}".encode()).hexdigest(),
        node=node,
        time="2026-11-27T09:00:00.000Z",
        meta=metadata_commitment(bytes(32), {"n": n}),
        ref=None,
    )


@pytest.fixture
def submit() -> Submit:
    """Submits `count` distinct entries (numbered from `start`) and returns submission ids."""

    def _submit(count: int, start: int = 0) -> list[int]:
        return entries_submit(entries=[document_entry(start + i) for i in range(count)])

    return _submit


@pytest.fixture
def grow(submit: Submit) -> Callable[..., int]:
    """Submits, integrates in batches of `batch` and publishes entries; returns the new tree
    size."""

    def _grow(count: int, batch: int = 1000) -> int:
        from judicial_verify.ledger.models import LogHead

        head = LogHead.objects.filter(pk=1).first()
        start = head.size if head else 0
        submit(count, start)
        integrate_and_publish(batch_size=batch)
        return start + count

    return _grow


def pending_stored(count: int, start: int) -> list[int]:
    """Stores entries start..start+count-1 as pending with no task queued for them (in a
    transactional test one would integrate and publish them in-process); returns their
    submission ids."""
    entries = [document_entry(start + n) for n in range(count)]
    pending = PendingEntry.objects.bulk_create(
        PendingEntry(data=encode_entry(e), sha256=e.sha256) for e in entries
    )
    return [p.pk for p in pending]


def integrated_unpublished(count: int) -> None:
    """Stores `count` more entries and integrates them, publishing nothing."""
    pending_stored(count, integrated_size())
    log_integrate()
