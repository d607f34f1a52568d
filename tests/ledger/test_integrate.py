import hashlib
import logging
import time

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from pytest_django import DjangoCaptureOnCommitCallbacks
from rest_framework.test import APIClient

from judicial_verify.ledger.integrate import (
    LogBlocked,
    batch_integrate,
    integration_blocked,
    log_integrate,
)
from judicial_verify.ledger.keys import log_signer
from judicial_verify.ledger.models import Checkpoint, Entry, PendingEntry, Tile
from judicial_verify.ledger.publication import PublicationTimeout, entries_await
from judicial_verify.ledger.publish import checkpoint_publish
from judicial_verify.ledger.tasks import scheduled_key
from judicial_verify.records.credentials import node_create
from judicial_verify.tlog.checkpoint import parse_checkpoint
from judicial_verify.tlog.note import Verifier, open_note
from judicial_verify.tlog.tile import extend_tiles
from judicial_verify.tlog.tree import EMPTY_ROOT, leaf_hash, root_from_leaves

from .conftest import Submit
from .tamper import guards_lifted

pytestmark = pytest.mark.django_db


def test_it_keeps_submissions_pending_without_an_index(submit: Submit) -> None:
    ids = submit(3)
    assert list(PendingEntry.objects.order_by("id").values_list("id", flat=True)) == ids
    assert not Entry.objects.exists()


def test_it_assigns_consecutive_indices_in_submission_order(submit: Submit) -> None:
    ids = submit(5)
    log_integrate(batch_size=2)
    assert list(Entry.objects.order_by("index").values_list("index", "submission")) == [
        (i, s) for i, s in enumerate(ids)
    ]
    assert not PendingEntry.objects.exists()


def test_it_returns_none_when_nothing_is_pending() -> None:
    assert batch_integrate() is None
    assert not Checkpoint.objects.exists()


def test_it_integrates_at_most_the_batch_limit(submit: Submit) -> None:
    submit(5)
    done = batch_integrate(limit=3)
    assert done is not None
    assert (done.old_size, done.new_size) == (0, 3)
    assert PendingEntry.objects.count() == 2


def test_it_stores_tiles_equal_to_a_build_from_scratch(submit: Submit) -> None:
    submit(700)
    for batch in (1, 7, 255, 256, 1000):
        batch_integrate(limit=batch)
    log_integrate()
    leaves = [
        leaf_hash(bytes(d)) for d in Entry.objects.order_by("index").values_list("data", flat=True)
    ]
    expected = extend_tiles(0, {}, leaves)
    stored = {(t.level, t.index): bytes(t.data) for t in Tile.objects.all()}
    assert stored == expected


def test_it_signs_no_checkpoint_however_many_batches_it_integrates(submit: Submit) -> None:
    submit(300)
    assert log_integrate(batch_size=100) == 300
    assert not Checkpoint.objects.exists()


def test_one_publication_signs_every_batch_integrated_before_it_with_the_tree_root(
    submit: Submit,
) -> None:
    submit(300)
    log_integrate(batch_size=100)
    checkpoint_publish()
    submit(50, 300)
    log_integrate(batch_size=20)
    checkpoint_publish()
    leaves = [
        leaf_hash(bytes(d)) for d in Entry.objects.order_by("index").values_list("data", flat=True)
    ]
    verifier = Verifier(log_signer().verifier_key)
    checkpoints = list(Checkpoint.objects.order_by("id"))
    assert [c.size for c in checkpoints] == [300, 350]
    for c in checkpoints:
        body = parse_checkpoint(open_note(bytes(c.note), [verifier]).text)
        assert body.size == c.size
        assert body.root_hash == bytes(c.root_hash) == root_from_leaves(leaves[: c.size])


def test_a_new_log_publishes_its_empty_tree_once() -> None:
    checkpoint_publish()
    checkpoint_publish()
    checkpoint = Checkpoint.objects.get()
    assert (checkpoint.size, bytes(checkpoint.root_hash)) == (0, EMPTY_ROOT)


def test_it_integrates_and_publishes_in_process_once_the_submission_commits(
    submit: Submit, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        ids = submit(2)
    assert entries_await(submissions=ids, timeout=0) == [0, 1]


def test_it_times_out_waiting_for_an_entry_still_pending(submit: Submit) -> None:
    ids = submit(1)
    with pytest.raises(PublicationTimeout):
        entries_await(submissions=ids, timeout=0.05)


def test_it_integrates_in_process_even_if_a_lost_task_left_its_flag(
    submit: Submit, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    cache.set(scheduled_key(), True)
    with django_capture_on_commit_callbacks(execute=True):
        ids = submit(1)
    assert entries_await(submissions=ids, timeout=0) == [0]


def row_written_beyond_the_log(index: int) -> None:
    """An Entry row the integrator did not write, at `index` (the triggers allow INSERT)."""
    Entry.objects.create(index=index, submission=10**12, data=b"{}", sha256="0" * 64)


def test_it_finds_the_log_blocked_by_a_row_beyond_its_size(submit: Submit) -> None:
    submit(3)
    log_integrate()
    row_written_beyond_the_log(4)
    submit(2)
    with pytest.raises(LogBlocked, match="index 4 .* size 3"):
        log_integrate()
    assert integration_blocked() == (
        "an entry row at index 4 lies beyond the log's size 3; "
        "nothing can be appended until an operator removes it"
    )
    assert PendingEntry.objects.count() == 2


def test_it_logs_a_blocked_log_at_critical_once_however_often_it_tries(
    submit: Submit, caplog: pytest.LogCaptureFixture
) -> None:
    row_written_beyond_the_log(0)
    submit(1)
    for _ in range(3):
        with pytest.raises(LogBlocked):
            log_integrate()
    critical = [r for r in caplog.records if r.levelno == logging.CRITICAL]
    assert [r.getMessage() for r in critical] == [
        "integration blocked: an entry row at index 0 lies beyond the log's size 0; "
        "nothing can be appended until an operator removes it; entries stay pending"
    ]


def test_it_reports_no_block_once_a_batch_integrates_again(submit: Submit) -> None:
    row_written_beyond_the_log(0)
    submit(1)
    with pytest.raises(LogBlocked):
        log_integrate()
    with guards_lifted("ledger_entry"):
        Entry.objects.filter(index=0).delete()
    assert log_integrate() == 1
    assert integration_blocked() is None


def test_a_waiting_caller_learns_at_once_that_the_log_is_blocked(submit: Submit) -> None:
    row_written_beyond_the_log(0)
    ids = submit(1)
    with pytest.raises(LogBlocked):
        log_integrate()
    started = time.monotonic()
    with pytest.raises(LogBlocked, match="index 0"):
        entries_await(submissions=ids, timeout=10)
    assert time.monotonic() - started < 5


def test_a_submission_integrated_in_process_is_accepted_though_the_log_is_blocked(
    submit: Submit, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    row_written_beyond_the_log(0)
    with django_capture_on_commit_callbacks(execute=True):
        submit(1)
    assert PendingEntry.objects.count() == 1
    assert integration_blocked() is not None


def test_a_node_waiting_for_its_entries_gets_503_log_blocked(submit: Submit) -> None:
    _, token = node_create(code="court-a", name="Court A")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    row_written_beyond_the_log(0)
    submit(1)
    with pytest.raises(LogBlocked):
        log_integrate()
    document = {"kind": "evidence", "sha256": hashlib.sha256(b"x").hexdigest()}
    response = client.post("/api/v1/entries?wait=10", document, format="json")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "log_blocked"


def test_the_command_fails_naming_the_block(submit: Submit) -> None:
    row_written_beyond_the_log(0)
    submit(1)
    with pytest.raises(CommandError, match="the log is blocked: an entry row at index 0"):
        call_command("integrate")
