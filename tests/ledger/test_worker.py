"""Integration and publication across processes: real Celery workers on Redis, integrating
into PostgreSQL and publishing at most once an interval while this process submits and a
management command integrates and publishes beside them; and no accepted entry left pending
when a worker dies."""

import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from django.conf import LazySettings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from judicial_verify.celery import app
from judicial_verify.ledger.audit import log_audit
from judicial_verify.ledger.models import Checkpoint, Entry, LogHead, PendingEntry
from judicial_verify.ledger.publication import entries_await
from judicial_verify.ledger.submit import entries_submit
from judicial_verify.tlog.entry import encode_entry
from tests.celery_worker import new_queue, tasks_queued_to, worker_start, worker_stop

from .conftest import document_entry

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

BACKLOG = 10_000
# Workers sweep four times within this age: with an hour, only when they start.
NO_PERIODIC_SWEEP = {"INTEGRATION_BACKLOG_MAX_AGE": "3600"}


@pytest.fixture
def workers(log_state: Path) -> Iterator[str]:
    """Two Celery worker processes on a queue of this test's own; yields the queue name."""
    queue = new_queue()
    procs = [worker_start(queue=queue, state=log_state, name=f"w{i}") for i in range(2)]
    try:
        with tasks_queued_to(queue):
            yield queue
    finally:
        for proc in procs:
            worker_stop(proc)


def until(condition: Callable[[], bool], *, seconds: float, every: float = 0.005) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(every)


def first_batch_integrated() -> bool:
    return LogHead.objects.filter(size__gt=0).exists()


def assert_all_integrated_and_signed(ids: list[int]) -> None:
    """Every submission gets an index and the newest signed checkpoint covers them all."""
    assert entries_await(submissions=ids, timeout=60) == list(range(len(ids)))
    assert Checkpoint.objects.latest().size == len(ids)
    assert log_audit().entries == len(ids)


def pending_left_stranded(count: int) -> None:
    """Stores entries as pending with no task queued for them, as when their task is lost."""
    entries = [document_entry(n) for n in range(count)]
    PendingEntry.objects.bulk_create(
        PendingEntry(data=encode_entry(e), sha256=e.sha256) for e in entries
    )


def test_workers_integrate_what_this_process_submits(workers: str) -> None:
    ids = entries_submit(entries=[document_entry(i) for i in range(20)])
    assert entries_await(submissions=ids, timeout=60) == list(range(20))


def test_workers_and_a_command_integrate_concurrent_submissions_exactly(workers: str) -> None:
    submitted: list[int] = []
    lock = threading.Lock()

    def submitter(seed: int) -> None:
        try:
            for call in range(30):
                ids = entries_submit(
                    entries=[document_entry(seed * 10_000 + call * 10 + i) for i in range(7)]
                )
                with lock:
                    submitted.extend(ids)
        finally:
            connection.close()

    def command() -> None:
        try:
            for _ in range(20):
                call_command("integrate", "--batch-size", "5", stdout=open(os.devnull, "w"))
        finally:
            connection.close()

    threads = [threading.Thread(target=submitter, args=(s,)) for s in range(3)]
    threads.append(threading.Thread(target=command))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    entries_await(submissions=submitted, timeout=60)
    rows = list(Entry.objects.order_by("index").values_list("index", "submission"))
    assert [index for index, _ in rows] == list(range(len(submitted)))
    assert sorted(s for _, s in rows) == sorted(submitted)
    assert log_audit().entries == len(submitted)


def test_a_worker_killed_mid_backlog_integrates_the_rest_once_restarted(log_state: Path) -> None:
    queue = new_queue()
    with tasks_queued_to(queue):
        ids = entries_submit(entries=[document_entry(i) for i in range(BACKLOG)])
    worker = worker_start(queue=queue, state=log_state, **NO_PERIODIC_SWEEP)
    try:
        until(first_batch_integrated, seconds=30)
    finally:
        worker.kill()
        worker.wait(timeout=30)
    assert 0 < PendingEntry.objects.count() < BACKLOG

    restarted = worker_start(queue=queue, state=log_state, **NO_PERIODIC_SWEEP)
    try:
        assert_all_integrated_and_signed(ids)
    finally:
        worker_stop(restarted)


def test_a_task_whose_worker_process_dies_is_run_again(log_state: Path) -> None:
    queue = new_queue()
    worker = worker_start(queue=queue, state=log_state, pool="prefork", **NO_PERIODIC_SWEEP)
    try:
        until(LogHead.objects.exists, seconds=30)  # started, and swept an empty log
        with tasks_queued_to(queue):
            ids = entries_submit(entries=[document_entry(i) for i in range(BACKLOG)])
        until(first_batch_integrated, seconds=30)
        (child,) = Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()
        os.kill(int(child), signal.SIGKILL)
        assert PendingEntry.objects.exists()
        assert_all_integrated_and_signed(ids)
    finally:
        worker_stop(worker)


def test_a_running_worker_integrates_entries_whose_task_was_lost(log_state: Path) -> None:
    # Sweeps every half second.
    worker = worker_start(queue=new_queue(), state=log_state, INTEGRATION_BACKLOG_MAX_AGE="2")
    try:
        until(LogHead.objects.exists, seconds=30)  # started, and swept an empty log
        time.sleep(0.2)
        pending_left_stranded(5)
        until(lambda: not PendingEntry.objects.exists(), seconds=10, every=0.05)
        assert log_audit().entries == 5
    finally:
        worker_stop(worker)


def test_workers_publish_at_most_once_an_interval_while_entries_keep_coming(
    log_state: Path, settings: LazySettings
) -> None:
    interval, window = 1.0, 4.0
    settings.CHECKPOINT_INTERVAL = interval  # the default, the workers' too (celery_worker)
    queue = new_queue()
    procs = [worker_start(queue=queue, state=log_state, name=f"w{i}") for i in range(3)]
    submitted: list[int] = []
    try:
        until(lambda: len(app.control.ping(timeout=0.5) or []) >= 3, seconds=60)
        started, end = timezone.now(), time.monotonic() + window

        def command() -> None:
            # Another publisher, beside the workers', waiting out the interval in-process.
            try:
                while time.monotonic() < end:
                    call_command("integrate", stdout=open(os.devnull, "w"))
            finally:
                connection.close()

        other = threading.Thread(target=command)
        other.start()
        with tasks_queued_to(queue):
            while time.monotonic() < end:
                start = len(submitted)
                submitted += entries_submit(entries=[document_entry(start + i) for i in range(5)])
                time.sleep(0.01)
        other.join()
        assert entries_await(submissions=submitted, timeout=60) == list(range(len(submitted)))
    finally:
        for proc in procs:
            worker_stop(proc)
    signed = list(Checkpoint.objects.order_by("id").values_list("signed", flat=True))
    in_window = [s for s in signed if started <= s < started + timedelta(seconds=window)]
    assert 2 <= len(in_window) <= window / interval + 1
    assert min((b - a).total_seconds() for a, b in pairwise(signed)) >= interval
    assert log_audit().entries == len(submitted)
