import pytest
from django.core.cache import cache
from pytest_django import DjangoCaptureOnCommitCallbacks

from judicial_verify.ledger.integrate import batch_integrate, log_initialize, log_integrate
from judicial_verify.ledger.keys import log_signer
from judicial_verify.ledger.models import Checkpoint, Entry, PendingEntry, Tile
from judicial_verify.ledger.publication import PublicationTimeout, entries_await
from judicial_verify.ledger.tasks import scheduled_key
from judicial_verify.tlog.checkpoint import parse_checkpoint
from judicial_verify.tlog.note import Verifier, open_note
from judicial_verify.tlog.tile import extend_tiles
from judicial_verify.tlog.tree import EMPTY_ROOT, leaf_hash, root_from_leaves

from .conftest import Submit

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


def test_it_signs_a_checkpoint_of_each_batch_with_the_tree_root(submit: Submit) -> None:
    submit(300)
    log_integrate(batch_size=100)
    leaves = [
        leaf_hash(bytes(d)) for d in Entry.objects.order_by("index").values_list("data", flat=True)
    ]
    verifier = Verifier(log_signer().verifier_key)
    checkpoints = list(Checkpoint.objects.order_by("id"))
    assert [c.size for c in checkpoints] == [100, 200, 300]
    for c in checkpoints:
        body = parse_checkpoint(open_note(bytes(c.note), [verifier]).text)
        assert body.size == c.size
        assert body.root_hash == bytes(c.root_hash) == root_from_leaves(leaves[: c.size])


def test_it_signs_the_empty_tree_once_when_initialized() -> None:
    log_initialize()
    log_initialize()
    checkpoint = Checkpoint.objects.get()
    assert (checkpoint.size, bytes(checkpoint.root_hash)) == (0, EMPTY_ROOT)


def test_it_integrates_in_process_once_the_submission_commits(
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
