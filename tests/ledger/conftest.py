import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import LazySettings

from judicial_verify.ledger.integrate import log_integrate
from judicial_verify.ledger.keys import log_signer
from judicial_verify.ledger.submit import entries_submit
from judicial_verify.tlog.entry import Entry, metadata_commitment

Submit = Callable[..., list[int]]


@pytest.fixture(autouse=True)
def log_state(tmp_path: Path, settings: LazySettings) -> Iterator[Path]:
    """Each test gets its own STATE_DIR, so its own signing key."""
    settings.STATE_DIR = tmp_path
    settings.LOG_SIGNING_KEY = None
    log_signer.cache_clear()
    yield tmp_path
    log_signer.cache_clear()


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
    """Submits and integrates entries in batches of `batch`; returns the new tree size."""

    def _grow(count: int, batch: int = 1000) -> int:
        from judicial_verify.ledger.models import LogHead

        head = LogHead.objects.filter(pk=1).first()
        start = head.size if head else 0
        submit(count, start)
        log_integrate(batch_size=batch)
        return start + count

    return _grow


@pytest.fixture(autouse=True)
def tasks_in_process() -> Iterator[None]:
    """Runs Celery tasks in-process even where REDIS_URL is set; the worker tests opt out."""
    from judicial_verify.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before
