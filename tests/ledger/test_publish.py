"""The publisher: a checkpoint of everything integrated, at most once per CHECKPOINT_INTERVAL
however many publish, cosigned before it is stored, without holding up integration; and
nothing read beyond the newest checkpoint published."""

import threading
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from io import StringIO
from itertools import pairwise
from unittest import mock

import pytest
from django.conf import LazySettings
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from judicial_verify.ledger import read
from judicial_verify.ledger.integrate import batch_integrate, log_integrate
from judicial_verify.ledger.keys import log_signer
from judicial_verify.ledger.models import Checkpoint, LogHead
from judicial_verify.ledger.publication import PublicationTimeout, entries_await
from judicial_verify.ledger.publish import checkpoint_publish, log_publish
from judicial_verify.ledger.tasks import publish_integrated
from judicial_verify.ledger.witnessing import QuorumNotMet
from judicial_verify.tlog.checkpoint import parse_checkpoint
from judicial_verify.tlog.cosignature import (
    CosignatureVerifier,
    Cosigner,
    format_signature_line,
    generate_cosigner_key,
    verify_cosignatures,
)
from judicial_verify.tlog.note import Verifier, open_note
from judicial_verify.tlog.receipt import parse_receipt, verify_receipt
from judicial_verify.tlog.tile import TILE_WIDTH, parse_entry_bundle
from judicial_verify.tlog.tree import verify_consistency
from tests.publishing import publication_held_back

from .conftest import Submit, integrated_unpublished, pending_stored
from .test_concurrency import run_threads

pytestmark = pytest.mark.django_db

Grow = Callable[..., int]


def test_it_publishes_nothing_when_the_newest_checkpoint_covers_everything(grow: Grow) -> None:
    grow(3)
    assert checkpoint_publish() is None
    assert list(Checkpoint.objects.values_list("size", flat=True)) == [3]


def test_it_publishes_nothing_within_the_interval_then_everything_integrated_meanwhile(
    settings: LazySettings, grow: Grow
) -> None:
    settings.CHECKPOINT_INTERVAL = 60
    grow(3)
    integrated_unpublished(2)
    assert checkpoint_publish() is None
    integrated_unpublished(4)
    signed = Checkpoint.objects.latest().signed
    with mock.patch("django.utils.timezone.now", return_value=signed + timedelta(seconds=59.9)):
        assert checkpoint_publish() is None
    with mock.patch("django.utils.timezone.now", return_value=signed + timedelta(seconds=60)):
        published = checkpoint_publish()
    assert published is not None
    assert list(Checkpoint.objects.order_by("id").values_list("size", flat=True)) == [3, 9]


def test_a_key_rotation_publishes_at_once_within_the_interval(
    settings: LazySettings, grow: Grow
) -> None:
    settings.CHECKPOINT_INTERVAL = 3600
    grow(3)
    integrated_unpublished(2)
    call_command("rotate_log_key", stdout=StringIO())
    newest = read.checkpoint_latest()
    assert (newest.size, newest.key.vkey) == (5, log_signer().verifier_key)


def test_waiting_in_process_waits_out_the_rest_of_the_interval(
    settings: LazySettings, grow: Grow
) -> None:
    settings.CHECKPOINT_INTERVAL = 0.5
    grow(3)
    integrated_unpublished(2)
    log_publish()
    first, second = Checkpoint.objects.order_by("id")
    assert second.size == 5
    assert second.signed - first.signed >= timedelta(seconds=0.5)


def test_a_wait_times_out_on_entries_integrated_but_not_published(
    grow: Grow, submit: Submit
) -> None:
    grow(3)
    ids = submit(2, 3)
    log_integrate()
    with pytest.raises(PublicationTimeout, match="2 entries still pending"):
        entries_await(submissions=ids, timeout=0.05)
    checkpoint_publish()
    assert entries_await(submissions=ids, timeout=0) == [3, 4]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_wait_ends_only_once_a_published_checkpoint_covers_the_entries() -> None:
    with publication_held_back(0.3) as publishing:
        ids = pending_stored(3, 0)
        assert entries_await(submissions=ids, timeout=10) == [0, 1, 2]
        returned = time.monotonic()
    assert returned >= publishing[0]


def witness(cosigner: Cosigner, seen: list[tuple[int, int]]) -> Callable[..., bytes]:
    """A witness in this process, as witnessing.checkpoint_cosign calls one: it checks the
    proof from the size it last cosigned (the previous checkpoint's) to the new one, and
    cosigns."""
    roots = {c.size: bytes(c.root_hash) for c in Checkpoint.objects.all()}

    def cosign(
        note: bytes, size: int, old_size: int, proof: Callable[[int], Sequence[bytes]]
    ) -> bytes:
        body = open_note(note, [Verifier(log_signer().verifier_key)])
        new_root = parse_checkpoint(body.text).root_hash
        for old in {old_size, 1, TILE_WIDTH + 1}:
            if old <= size:
                verify_consistency(
                    size1=old,
                    size2=size,
                    proof=proof(old),
                    root1=roots[old],
                    root2=new_root,
                )
        seen.append((old_size, size))
        line = format_signature_line(cosigner.cosign(body.text, int(time.time())))
        return note + line.encode()

    return cosign


def test_each_checkpoint_is_cosigned_before_it_is_stored_with_proofs_from_older_sizes(
    grow: Grow,
) -> None:
    grow(1)
    grow(TILE_WIDTH)
    skey, vkey = generate_cosigner_key("witness.example/w1")
    seen: list[tuple[int, int]] = []
    integrated_unpublished(3 * TILE_WIDTH)
    with mock.patch("judicial_verify.ledger.sign.checkpoint_cosign", witness(Cosigner(skey), seen)):
        published = checkpoint_publish()
    assert published is not None
    assert seen == [(TILE_WIDTH + 1, 4 * TILE_WIDTH + 1)]
    stored = read.checkpoint_latest()
    note = open_note(bytes(stored.note), [Verifier(log_signer().verifier_key)])
    (cosigned,) = verify_cosignatures(note.text, note.unverified_sigs, [CosignatureVerifier(vkey)])
    assert cosigned.name == "witness.example/w1"
    receipt = parse_receipt(read.receipt_get(TILE_WIDTH).data)
    assert receipt.checkpoint_note == bytes(stored.note)


def test_nothing_is_stored_when_the_witnesses_do_not_cosign(grow: Grow) -> None:
    grow(3)
    integrated_unpublished(2)
    refused = RuntimeError("no quorum")
    with (
        mock.patch("judicial_verify.ledger.sign.checkpoint_cosign", side_effect=refused),
        pytest.raises(RuntimeError, match="no quorum"),
    ):
        checkpoint_publish()
    assert list(Checkpoint.objects.values_list("size", flat=True)) == [3]
    assert read.integrated_size() == 5


def test_a_submission_in_process_is_accepted_though_the_quorum_is_not_met(
    submit: Submit,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
    caplog: pytest.LogCaptureFixture,
) -> None:
    refused = QuorumNotMet("2 of (w1, w2, w3)", {"w2": "cannot connect"})
    with (
        mock.patch("judicial_verify.ledger.sign.checkpoint_cosign", side_effect=refused),
        django_capture_on_commit_callbacks(execute=True),
    ):
        submit(2)
    assert (read.integrated_size(), read.published_size()) == (2, 0)
    assert "not published: the witness quorum 2 of (w1, w2, w3) is not met" in caplog.text


def test_a_publication_task_short_of_the_quorum_says_so_and_ends(
    grow: Grow, caplog: pytest.LogCaptureFixture
) -> None:
    grow(3)
    integrated_unpublished(2)
    refused = QuorumNotMet("2 of (w1, w2, w3)", {"w2": "cannot connect"})
    with mock.patch("judicial_verify.ledger.sign.checkpoint_cosign", side_effect=refused):
        publish_integrated.apply()
    assert (read.integrated_size(), read.published_size()) == (5, 3)
    assert "not published: the witness quorum 2 of (w1, w2, w3) is not met" in caplog.text


def test_the_command_says_what_it_integrated_but_could_not_publish(grow: Grow) -> None:
    grow(3)
    pending_stored(2, 3)
    refused = QuorumNotMet("2 of (w1, w2, w3)", {"w2": "cannot connect"})
    with (
        mock.patch("judicial_verify.ledger.sign.checkpoint_cosign", side_effect=refused),
        pytest.raises(CommandError, match=r"integrated, not published: .*\(w2: cannot connect\)"),
    ):
        call_command("integrate", stdout=StringIO())
    assert (read.integrated_size(), read.published_size()) == (5, 3)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_integration_goes_on_while_a_publisher_waits_for_its_witnesses(grow: Grow) -> None:
    grow(3)
    integrated_unpublished(2)
    asked, answer = threading.Event(), threading.Event()

    def slow_witness(note: bytes, *args: object) -> bytes:
        asked.set()
        assert answer.wait(30)
        return note

    def publisher() -> None:
        with mock.patch("judicial_verify.ledger.sign.checkpoint_cosign", slow_witness):
            checkpoint_publish()

    thread = threading.Thread(target=lambda: run_threads([publisher]))
    thread.start()
    try:
        assert asked.wait(30)
        pending_stored(4, 5)
        started = time.monotonic()
        done = batch_integrate()
        assert done is not None
        assert done.new_size == 9
        assert time.monotonic() - started < 5
        # Nothing is published before the witnesses answer.
        assert not Checkpoint.objects.filter(size=5).exists()
    finally:
        answer.set()
        thread.join()
    assert list(Checkpoint.objects.order_by("id").values_list("size", flat=True)) == [3, 5]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_publishers_racing_each_other_publish_once_an_interval(settings: LazySettings) -> None:
    interval, window = 0.2, 2.0
    settings.CHECKPOINT_INTERVAL = interval
    end = time.monotonic() + window
    counter = iter(range(10**6))
    lock = threading.Lock()

    def integrator() -> None:
        while time.monotonic() < end:
            with lock:
                start = next(counter) * 10
            pending_stored(10, start)
            log_integrate()

    def publisher() -> None:
        while time.monotonic() < end:
            checkpoint_publish()

    started = timezone.now()
    run_threads([integrator, integrator] + [publisher] * 4)
    signed = list(
        Checkpoint.objects.filter(signed__lt=started + timedelta(seconds=window))
        .order_by("id")
        .values_list("signed", flat=True)
    )
    assert len(signed) >= 3
    assert len(signed) <= window / interval + 1
    assert min((b - a).total_seconds() for a, b in pairwise(signed)) >= interval
    sizes = list(Checkpoint.objects.order_by("id").values_list("size", flat=True))
    assert sizes == sorted(sizes)


def tile_client_with_published_and_integrated(grow: Grow) -> Client:
    """A log with 300 entries published and 300 more integrated; a client to read it."""
    grow(300)
    integrated_unpublished(300)
    assert LogHead.objects.get().size == 600
    return Client()


def test_tiles_are_served_only_as_wide_as_the_published_size_gives(grow: Grow) -> None:
    client = tile_client_with_published_and_integrated(grow)
    assert client.get("/log/tile/0/000").status_code == 200
    partial = client.get("/log/tile/0/001.p/44")
    assert partial.status_code == 200
    assert len(partial.content) == 44 * 32
    assert client.get("/log/tile/1/000.p/1").status_code == 200
    for beyond in ("0/001.p/45", "0/001", "0/002.p/1", "1/000.p/2"):
        assert client.get(f"/log/tile/{beyond}").status_code == 404, beyond


def test_entry_bundles_are_served_only_within_the_published_size(grow: Grow) -> None:
    client = tile_client_with_published_and_integrated(grow)
    bundle = client.get("/log/tile/entries/001.p/44")
    assert bundle.status_code == 200
    assert len(parse_entry_bundle(bundle.content)) == 44
    for beyond in ("001.p/45", "001", "002.p/1"):
        assert client.get(f"/log/tile/entries/{beyond}").status_code == 404, beyond


def test_proofs_and_receipts_read_wider_tiles_as_of_the_published_size(grow: Grow) -> None:
    tile_client_with_published_and_integrated(grow)
    checkpoint = read.checkpoint_latest()
    assert checkpoint.size == 300
    verifier = Verifier(log_signer().verifier_key)
    for index in (0, 255, 256, 299):
        receipt = parse_receipt(read.receipt_get(index).data)
        assert verify_receipt(receipt, [verifier]).index == index
    proof = read.consistency_proof_roots(1, 300)
    verify_consistency(size1=1, size2=300, proof=proof.hashes, root1=proof.root1, root2=proof.root2)
    with pytest.raises(read.NotFound):
        read.consistency_proof_roots(1, 301)


def test_an_entry_integrated_but_not_published_reads_as_pending(grow: Grow, submit: Submit) -> None:
    grow(3)
    ids = submit(2, 3)
    log_integrate()
    with pytest.raises(read.NotFound):
        read.entry_get(3)
    with pytest.raises(read.NotFound):
        read.receipt_get(3)
    with pytest.raises(read.NotFound):
        read.inclusion_proof_published(3)
    assert read.entries_of_submissions(ids) == []
    assert read.submission_indices(ids) == {}
    assert read.entries_at([2, 3, 4]).keys() == {2}
    checkpoint_publish()
    assert read.submission_indices(ids) == {ids[0]: 3, ids[1]: 4}
    assert read.entry_get(4).index == 4
