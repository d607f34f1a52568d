import hashlib
from collections.abc import Callable

import pytest

from judicial_verify.ledger.submit import entries_submit
from judicial_verify.tlog.entry import Entry, metadata_commitment
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
