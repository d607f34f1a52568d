"""/status: the database, Redis and a Celery worker where REDIS_URL asks for them, how the
log stands, whether integration keeps up and whether the witnesses answer; 200 when all is
well, 503 otherwise; a few requests a minute per address."""

import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.conf import LazySettings
from django.db import OperationalError, connections
from django.test import Client
from django.utils import timezone

from judicial_verify.celery import app
from judicial_verify.ledger.integrate import LogBlocked, log_integrate
from judicial_verify.ledger.keys import log_signer
from judicial_verify.ledger.models import Checkpoint, Entry, PendingEntry, WitnessStatus
from judicial_verify.ledger.submit import entries_submit
from judicial_verify.status import REQUESTS_PER_MINUTE
from judicial_verify.tlog.cosignature import generate_cosigner_key
from tests.celery_worker import new_queue, worker_start, worker_stop
from tests.ledger.conftest import document_entry
from tests.ledger.fake_witnesses import policy_write
from tests.ledger.tamper import flip_byte, guards_lifted
from tests.publishing import integrate_and_publish


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
    assert {k: body[k] for k in ("status", "database", "redis", "worker", "integration")} == {
        "status": "up",
        "database": "up",
        "redis": "not configured",
        "worker": "in-process",
        "integration": "ok",
    }
    assert body["backlog"] == {"pending": 0, "oldest_age_seconds": None, "max_age_seconds": 60}


@pytest.mark.django_db
@pytest.mark.usefixtures("embedded")
def test_it_reports_the_log_size_and_the_age_of_the_newest_checkpoint() -> None:
    entries_submit(entries=[document_entry(i) for i in range(3)])
    integrate_and_publish()
    later = Checkpoint.objects.latest().signed + timedelta(seconds=90)
    with mock.patch("django.utils.timezone.now", return_value=later):
        body = get_status(200)
    assert body["log"] == {"size": 3, "integrated_size": 3, "checkpoint_age_seconds": 90}
    assert body["publication"] == "ok"


def status_with_two_entries_unpublished_for(seconds: int, expected: int) -> dict[str, Any]:
    entries_submit(entries=[document_entry(i) for i in range(3)])
    integrate_and_publish()
    entries_submit(entries=[document_entry(i) for i in range(3, 5)])
    log_integrate()
    later = Checkpoint.objects.latest().signed + timedelta(seconds=seconds)
    with mock.patch("django.utils.timezone.now", return_value=later):
        return get_status(expected)


@pytest.mark.django_db
@pytest.mark.usefixtures("embedded")
def test_it_reports_how_far_publication_lags_behind_integration() -> None:
    body = status_with_two_entries_unpublished_for(30, 200)
    assert (body["status"], body["publication"]) == ("up", "ok")
    assert body["log"] == {"size": 3, "integrated_size": 5, "checkpoint_age_seconds": 30}


@pytest.mark.django_db
@pytest.mark.usefixtures("embedded")
def test_it_is_degraded_with_503_when_integrated_entries_wait_too_long_for_a_checkpoint(
    settings: LazySettings,
) -> None:
    settings.INTEGRATION_BACKLOG_MAX_AGE = 20
    body = status_with_two_entries_unpublished_for(21, 503)
    assert (body["status"], body["publication"], body["integration"]) == (
        "degraded",
        "behind",
        "ok",
    )


@pytest.mark.django_db
@pytest.mark.usefixtures("embedded")
def test_an_old_checkpoint_with_nothing_waiting_for_the_next_is_no_lag() -> None:
    entries_submit(entries=[document_entry(0)])
    integrate_and_publish()
    later = Checkpoint.objects.latest().signed + timedelta(days=30)
    with mock.patch("django.utils.timezone.now", return_value=later):
        body = get_status(200)
    assert (body["status"], body["publication"]) == ("up", "ok")


@pytest.mark.django_db
@pytest.mark.usefixtures("embedded")
def test_it_reports_no_size_or_age_before_the_first_checkpoint() -> None:
    body = get_status(200)
    assert body["log"] == {"size": None, "integrated_size": 0, "checkpoint_age_seconds": None}
    assert body["publication"] == "unknown"


@pytest.mark.usefixtures("embedded")
def test_it_is_down_with_503_when_the_database_does_not_answer() -> None:
    refused = OperationalError("connection refused")
    with mock.patch.object(connections["default"], "cursor", side_effect=refused):
        body = get_status(503)
    assert (body["status"], body["database"]) == ("down", "down")
    assert body["log"] == {"size": None, "integrated_size": None, "checkpoint_age_seconds": None}
    assert (body["integration"], body["publication"]) == ("unknown", "unknown")


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
    proc = worker_start(queue=new_queue(), state=log_state)
    try:
        yield proc
    finally:
        worker_stop(proc)


@pytest.mark.redis
@pytest.mark.django_db
def test_it_is_up_when_a_worker_answers(worker: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while not app.control.ping(timeout=0.5):
        assert worker.poll() is None, "the worker exited"
        assert time.monotonic() < deadline, "no worker answered"
    body = get_status(200)
    assert (body["status"], body["redis"], body["worker"], body["workers"]) == ("up", "up", "up", 1)


@pytest.mark.redis
@pytest.mark.django_db
def test_it_asks_the_workers_once_for_calls_a_moment_apart() -> None:
    replies = [{"w@host": {"ok": "pong"}}]
    with mock.patch.object(app.control, "ping", return_value=replies) as ping:
        get_status(200)
        get_status(200)
    assert ping.call_count == 1


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_it_answers_with_the_last_count_while_another_call_asks_the_workers() -> None:
    one, two = {"w1@host": {"ok": "pong"}}, {"w2@host": {"ok": "pong"}}
    with mock.patch.object(app.control, "ping", return_value=[one]):
        get_status(200)
    asking, answer = threading.Event(), threading.Event()

    def slow_ping(**kwargs: Any) -> list[dict[str, Any]]:
        asking.set()
        answer.wait(10)
        return [one, two]

    def other_call() -> None:
        try:
            Client().get("/status")
        finally:
            connections.close_all()

    with (
        mock.patch("judicial_verify.status.WORKER_CHECK_SECONDS", 0),  # every answer is old
        mock.patch.object(app.control, "ping", side_effect=slow_ping) as ping,
    ):
        other = threading.Thread(target=other_call)
        other.start()
        try:
            assert asking.wait(10)
            assert get_status(200)["workers"] == 1
        finally:
            answer.set()
            other.join()
    assert ping.call_count == 1


@pytest.mark.django_db
@pytest.mark.usefixtures("embedded")
def test_it_answers_429_to_an_address_that_asks_too_often() -> None:
    client = Client(REMOTE_ADDR="192.0.2.1")
    for _ in range(REQUESTS_PER_MINUTE):
        assert client.get("/status").status_code == 200
    response = client.get("/status")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 60
    assert Client(REMOTE_ADDR="192.0.2.2").get("/status").status_code == 200


def status_with_three_entries_pending_for(seconds: int, expected: int) -> dict[str, Any]:
    entries_submit(entries=[document_entry(i) for i in range(3)])
    later = PendingEntry.objects.earliest("id").submitted + timedelta(seconds=seconds)
    with mock.patch("django.utils.timezone.now", return_value=later):
        return get_status(expected)


@pytest.mark.django_db
@pytest.mark.usefixtures("embedded")
def test_it_reports_the_backlog_and_the_age_of_its_oldest_entry() -> None:
    body = status_with_three_entries_pending_for(30, 200)
    assert (body["status"], body["integration"]) == ("up", "ok")
    assert body["backlog"] == {"pending": 3, "oldest_age_seconds": 30, "max_age_seconds": 60}


@pytest.mark.django_db
@pytest.mark.usefixtures("embedded")
def test_it_is_degraded_with_503_when_the_oldest_pending_entry_waits_too_long(
    settings: LazySettings,
) -> None:
    settings.INTEGRATION_BACKLOG_MAX_AGE = 20
    body = status_with_three_entries_pending_for(21, 503)
    assert (body["status"], body["integration"]) == ("degraded", "behind")
    assert body["backlog"] == {"pending": 3, "oldest_age_seconds": 21, "max_age_seconds": 20}


@pytest.mark.django_db
@pytest.mark.usefixtures("embedded")
def test_it_is_down_with_503_in_json_when_the_newest_checkpoint_fails_its_checks() -> None:
    entries_submit(entries=[document_entry(0)])
    integrate_and_publish()
    checkpoint = Checkpoint.objects.order_by("-id")[0]
    note = bytes(checkpoint.note)
    with guards_lifted("ledger_checkpoint"):
        Checkpoint.objects.filter(pk=checkpoint.pk).update(
            note=flip_byte(note, note.index(b"\n") + 2)
        )
    body = get_status(503)
    assert body["status"] == "down"
    assert body["log"] == {
        "size": None,
        "integrated_size": 1,
        "checkpoint_age_seconds": None,
        "integrity_alarm": True,
    }


@pytest.mark.django_db
@pytest.mark.usefixtures("embedded")
def test_it_is_degraded_with_503_and_says_why_when_the_log_is_blocked() -> None:
    Entry.objects.create(index=0, submission=10**12, data=b"{}", sha256="0" * 64)
    entries_submit(entries=[document_entry(0)])
    with pytest.raises(LogBlocked):
        log_integrate()
    body = get_status(503)
    assert (body["status"], body["integration"]) == ("degraded", "blocked")
    assert body["blocked_reason"].startswith("an entry row at index 0 lies beyond")


@pytest.fixture
def witness_policy(tmp_path: Path, settings: LazySettings) -> list[str]:
    """A witness policy of three witnesses, any two a quorum; returns their keys."""
    vkeys = [generate_cosigner_key(f"w{i}.example/witness")[1] for i in (1, 2, 3)]
    witnesses = [(f"w{i}", vkey, f"http://127.0.0.1:1/w{i}") for i, vkey in enumerate(vkeys, 1)]
    settings.WITNESS_POLICY = policy_write(
        tmp_path / "log.policy",
        log_signer().verifier_key,
        witnesses,
        quorum="alliance",
        groups=["group alliance 2 w1 w2 w3"],
    )
    return vkeys


def witness_failed(vkey: str, name: str, error: str = "answered 503") -> datetime:
    failed = timezone.now()
    WitnessStatus.objects.create(
        vkey=vkey, name=name, size=4, cosigned=failed - timedelta(minutes=1), error=error,
        failed=failed,
    )  # fmt: skip
    return failed


@pytest.mark.django_db
@pytest.mark.usefixtures("embedded")
def test_it_says_no_witness_is_configured_without_a_policy() -> None:
    body = get_status(200)
    assert body["witnessing"] == "not configured"
    assert "failing_witnesses" not in body


@pytest.mark.django_db
@pytest.mark.usefixtures("embedded")
def test_it_is_up_while_no_witness_fails(witness_policy: list[str]) -> None:
    WitnessStatus.objects.create(vkey=witness_policy[0], name="w1", size=4, cosigned=timezone.now())
    body = get_status(200)
    assert (body["status"], body["witnessing"], body["failing_witnesses"]) == ("up", "ok", [])


@pytest.mark.django_db
@pytest.mark.usefixtures("embedded")
def test_it_is_degraded_naming_a_failing_witness_while_the_others_make_the_quorum(
    witness_policy: list[str],
) -> None:
    failed = witness_failed(witness_policy[2], "w3", "no answer within 5 s")
    body = get_status(503)
    assert (body["status"], body["witnessing"]) == ("degraded", "degraded")
    assert body["failing_witnesses"] == [
        {"name": "w3", "error": "no answer within 5 s", "since": failed.isoformat()}
    ]
    assert "127.0.0.1" not in str(body)


@pytest.mark.django_db
@pytest.mark.usefixtures("embedded")
def test_it_is_down_when_the_witnesses_not_failing_cannot_make_the_quorum(
    witness_policy: list[str],
) -> None:
    witness_failed(witness_policy[1], "w2")
    witness_failed(witness_policy[2], "w3")
    body = get_status(503)
    assert (body["status"], body["witnessing"]) == ("down", "failing")
    assert [f["name"] for f in body["failing_witnesses"]] == ["w2", "w3"]


@pytest.mark.django_db
@pytest.mark.usefixtures("embedded")
def test_a_witness_that_cosigned_since_it_failed_is_not_failing(
    witness_policy: list[str],
) -> None:
    failed = witness_failed(witness_policy[2], "w3")
    WitnessStatus.objects.filter(name="w3").update(cosigned=failed + timedelta(seconds=1))
    assert get_status(200)["witnessing"] == "ok"


@pytest.mark.django_db
@pytest.mark.usefixtures("embedded")
def test_a_witness_the_policy_no_longer_names_does_not_count(
    witness_policy: list[str],
) -> None:
    witness_failed(generate_cosigner_key("gone.example/witness")[1], "w3")
    assert get_status(200)["witnessing"] == "ok"


@pytest.mark.django_db
@pytest.mark.usefixtures("embedded")
def test_it_is_down_when_the_witness_policy_is_unfit(
    witness_policy: list[str], tmp_path: Path
) -> None:
    (tmp_path / "log.policy").write_text("quorum nobody\n")
    body = get_status(503)
    assert (body["status"], body["witnessing"]) == ("down", "misconfigured")
