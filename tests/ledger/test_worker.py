"""Integration across processes: real Celery workers on Redis, integrating into PostgreSQL
while this process submits and a management command integrates beside them."""

import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from judicial_verify.celery import app
from judicial_verify.ledger.audit import log_audit
from judicial_verify.ledger.models import Entry
from judicial_verify.ledger.publication import entries_await
from judicial_verify.ledger.submit import entries_submit

from .conftest import document_entry

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

REPO = Path(__file__).resolve().parents[2]


def database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def workers(log_state: Path) -> Iterator[str]:
    """Two Celery worker processes on a queue of this test's own; yields the queue name."""
    queue = f"test-{uuid.uuid4().hex}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "STATE_DIR": str(log_state),
    }
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "judicial_verify",
                "worker",
                "--pool=solo",
                "-Q",
                queue,
                "-n",
                f"w{i}-{queue}@%h",
                "--loglevel=WARNING",
            ],
            cwd=REPO,
            env=env,
        )
        for i in range(2)
    ]
    before = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager, app.conf.task_default_queue = False, queue
    try:
        yield queue
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = before
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)


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
