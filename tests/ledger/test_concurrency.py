"""Concurrent submitters, integrators and publishers on PostgreSQL: no gap, no duplicate,
ever; and waiting for publication while the database ends the connection."""

import random
import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection

from judicial_verify.ledger.audit import log_audit
from judicial_verify.ledger.integrate import batch_integrate
from judicial_verify.ledger.models import Checkpoint, Entry, PendingEntry
from judicial_verify.ledger.publication import entries_await
from judicial_verify.ledger.publish import checkpoint_publish
from judicial_verify.ledger.submit import entries_submit
from judicial_verify.tlog.entry import encode_entry
from tests.publishing import integrate_and_publish

from .conftest import document_entry

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SUBMITTERS = 4
INTEGRATORS = 3
PUBLISHERS = 2
CALLS = 40


def run_threads(targets: list[Callable[[], None]]) -> None:
    errors: list[BaseException] = []

    def wrap(target: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                target()
            except BaseException as e:  # noqa: BLE001 (re-raised in the main thread)
                errors.append(e)
            finally:
                connection.close()

        return run

    threads = [threading.Thread(target=wrap(t)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def test_concurrent_integrators_and_submitters_keep_the_log_exact() -> None:
    submitted: list[int] = []
    lock = threading.Lock()
    done = threading.Event()

    def submitter(seed: int) -> Callable[[], None]:
        def run() -> None:
            rng = random.Random(seed)  # noqa: S311 (a test's reproducible choices)
            for call in range(CALLS):
                n = rng.randint(1, 25)
                ids = entries_submit(
                    entries=[document_entry(seed * 100_000 + call * 100 + i) for i in range(n)]
                )
                with lock:
                    submitted.extend(ids)

        return run

    def integrator(seed: int) -> Callable[[], None]:
        def run() -> None:
            rng = random.Random(seed)  # noqa: S311 (a test's reproducible choices)
            while not done.is_set() or PendingEntry.objects.exists():
                batch_integrate(limit=rng.choice([1, 7, 50, 300]))

        return run

    def publisher() -> None:
        while not done.is_set():
            checkpoint_publish()

    def submitters() -> None:
        run_threads([submitter(s) for s in range(SUBMITTERS)])
        done.set()

    run_threads(
        [submitters]
        + [integrator(100 + s) for s in range(INTEGRATORS)]
        + [publisher for _ in range(PUBLISHERS)]
    )
    integrate_and_publish()

    rows = list(Entry.objects.order_by("index").values_list("index", "submission"))
    assert [index for index, _ in rows] == list(range(len(submitted)))
    assert sorted(s for _, s in rows) == sorted(submitted)
    sizes = list(Checkpoint.objects.order_by("id").values_list("size", flat=True))
    assert sizes == sorted(sizes)
    assert len(set(sizes)) == len(sizes)
    assert sizes[-1] == len(submitted)
    assert log_audit().entries == len(submitted)


def test_a_wait_goes_on_when_the_database_ends_its_connection() -> None:
    entries = [document_entry(i) for i in range(3)]
    pending = PendingEntry.objects.bulk_create(
        PendingEntry(data=encode_entry(e), sha256=e.sha256) for e in entries
    )
    ids = [p.pk for p in pending]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (waiter,) = cursor.fetchone() or (None,)

    def terminate_then_integrate() -> None:
        time.sleep(0.2)  # the waiter is polling
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [waiter])
        time.sleep(0.2)  # the waiter has found its connection gone
        integrate_and_publish()

    other = threading.Thread(target=lambda: run_threads([terminate_then_integrate]))
    other.start()
    try:
        assert entries_await(submissions=ids, timeout=10) == [0, 1, 2]
    finally:
        other.join()
