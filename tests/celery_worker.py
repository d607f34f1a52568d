"""Real Celery worker processes for the tests: on REDIS_URL, on this test's database and
STATE_DIR, each consuming a queue of the test's own."""

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

from judicial_verify.celery import app

REPO = Path(__file__).resolve().parent.parent


def new_queue() -> str:
    return f"test-{uuid.uuid4().hex}"


def worker_start(
    *, queue: str, state: Path, name: str = "w", pool: str = "solo", **env: str
) -> "subprocess.Popen[bytes]":
    """Starts `celery worker` on `queue`, with this process's CHECKPOINT_INTERVAL; `env` adds
    environment variables (settings)."""
    db = connection.settings_dict
    database = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    command = [sys.executable, "-m", "celery", "-A", "judicial_verify", "worker"]
    options = [f"--pool={pool}", "-Q", queue, "-n", f"{name}-{queue}@%h", "--loglevel=WARNING"]
    if pool == "prefork":
        options.append("--concurrency=1")
    environ = {
        **os.environ,
        "REDIS_URL": settings.REDIS_URL,
        "STATE_DIR": str(state),
        "CHECKPOINT_INTERVAL": str(settings.CHECKPOINT_INTERVAL),
        **env,
    }
    if connection.vendor == "postgresql":
        environ["DATABASE_URL"] = database
    return subprocess.Popen([*command, *options], cwd=REPO, env=environ)


def worker_stop(proc: "subprocess.Popen[bytes]") -> None:
    proc.terminate()
    proc.wait(timeout=30)


@contextmanager
def tasks_queued_to(queue: str) -> Iterator[None]:
    """This process queues tasks on `queue` for the workers, instead of running them."""
    before = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager, app.conf.task_default_queue = False, queue
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = before
