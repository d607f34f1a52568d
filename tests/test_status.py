"""/status: the database, Redis and a Celery worker where REDIS_URL asks for them, and how the
log stands; 200 when every needed part is up, 503 otherwise."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.conf import LazySettings, settings
from django.db import OperationalError, connections
from django.test import Client

from judicial_verify.ledger.integrate import log_integrate
from judicial_verify.ledger.models import Checkpoint
from judicial_verify.ledger.submit import entries_submit
from tests.ledger.conftest import document_entry

REPO = Path(__file__).resolve().parent.parent


def get_status(expected: int) -> dict[str, Any]:
    response = Client().get("/status")
    assert response.status_code == expected, response.content
    assert response["Content-Type"] == "application/json"
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
def embedded(settings: LazySettings) -> None:
    """The embedded default: no Redis, tasks in-process."""
    settings.REDIS_URL = ""


@pytest.mark.django_db
@pytest.mark.usefixtures("embedded")
def test_it_is_up_with_the_database_and_tasks_in_process() -> None:
    body = get_status(200)
    assert {k: body[k] for k in ("status", "database", "redis", "worker")} == {
        "status": "up",
        "database": "up",
        "redis": "not configured",
        "worker": "in-process",
    }


@pytest.mark.django_db
@pytest.mark.usefixtures("embedded")
def test_it_reports_the_log_size_and_the_age_of_the_newest_checkpoint() -> None:
    entries_submit(entries=[document_entry(i) for i in range(3)])
    log_integrate()
    later = Checkpoint.objects.latest().signed + timedelta(seconds=90)
    with mock.patch("django.utils.timezone.now", return_value=later):
        log = get_status(200)["log"]
    assert log == {"size": 3, "checkpoint_age_seconds": 90}


@pytest.mark.django_db
@pytest.mark.usefixtures("embedded")
def test_it_reports_no_size_or_age_before_the_first_checkpoint() -> None:
    assert get_status(200)["log"] == {"size": None, "checkpoint_age_seconds": None}


@pytest.mark.usefixtures("embedded")
def test_it_is_down_with_503_when_the_database_does_not_answer() -> None:
    refused = OperationalError("connection refused")
    with mock.patch.object(connections["default"], "cursor", side_effect=refused):
        body = get_status(503)
    assert (body["status"], body["database"]) == ("down", "down")
    assert body["log"] == {"size": None, "checkpoint_age_seconds": None}


@pytest.mark.django_db
def test_it_is_down_with_503_when_redis_does_not_answer(settings: LazySettings) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    body = get_status(503)
    assert (body["status"], body["redis"], body["worker"]) == ("down", "down", "down")
    assert "127.0.0.1" not in str(body)


@pytest.mark.django_db
@pytest.mark.usefixtures("embedded")
def test_it_never_caches_and_refuses_changes() -> None:
    client = Client()
    assert "no-cache" in client.get("/status")["Cache-Control"]
    assert client.post("/status").status_code == 405


@pytest.mark.redis
@pytest.mark.django_db
def test_it_is_down_with_503_when_no_worker_answers() -> None:
    body = get_status(503)
    assert (body["redis"], body["worker"], body["workers"]) == ("up", "down", 0)


@pytest.fixture
def worker(log_state: Path) -> Iterator[subprocess.Popen[bytes]]:
    env = {**os.environ, "REDIS_URL": settings.REDIS_URL, "STATE_DIR": str(log_state)}
    command = [sys.executable, "-m", "celery", "-A", "judicial_verify", "worker"]
    options = ["--pool=solo", "-Q", f"status-{os.getpid()}", "--loglevel=WARNING"]
    proc = subprocess.Popen([*command, *options], cwd=REPO, env=env)
    try:
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.redis
@pytest.mark.django_db
def test_it_is_up_when_a_worker_answers(worker: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while (response := Client().get("/status")).status_code != 200:
        assert worker.poll() is None, "the worker exited"
        assert time.monotonic() < deadline, response.content
    body = response.json()
    assert (body["status"], body["redis"], body["worker"], body["workers"]) == ("up", "up", "up", 1)
