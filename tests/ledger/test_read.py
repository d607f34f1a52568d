import hashlib
import logging
from collections.abc import Callable, Sequence

import pytest

from judicial_verify.ledger import read, tile_store
from judicial_verify.ledger.keys import key_file_path, key_file_read, log_key_rotate, log_signer
from judicial_verify.ledger.models import Checkpoint, Entry
from judicial_verify.ledger.models import Tile as TileRow
from judicial_verify.tlog.note import Signer, Verifier
from judicial_verify.tlog.receipt import parse_receipt, verify_receipt
from judicial_verify.tlog.tile import ENTRIES_LEVEL, Tile, parse_entry_bundle
from judicial_verify.tlog.tree import leaf_hash, verify_consistency, verify_inclusion

from .tamper import checkpoint_forge, flip_byte, guards_lifted

pytestmark = pytest.mark.django_db

Grow = Callable[..., int]


def test_it_proves_inclusion_of_every_entry_against_the_newest_checkpoint(grow: Grow) -> None:
    grow(300, batch=64)
    checkpoint = read.checkpoint_latest()
    for entry in Entry.objects.all():
        proof = read.inclusion_proof_published(entry.index)
        assert proof.checkpoint.size == checkpoint.size == 300
        verify_inclusion(
            leaf_hash=leaf_hash(bytes(entry.data)),
            index=entry.index,
            size=proof.checkpoint.size,
            proof=proof.hashes,
            root=bytes(checkpoint.root_hash),
        )


def test_it_proves_inclusion_against_an_older_published_size(grow: Grow) -> None:
    grow(10)
    old = read.checkpoint_latest()
    grow(500)
    proof = read.inclusion_proof_published(3, old.size)
    entry = read.entry_get(3)
    verify_inclusion(
        leaf_hash=leaf_hash(entry.data),
        index=3,
        size=old.size,
        proof=proof.hashes,
        root=bytes(old.root_hash),
    )


def test_it_proves_consistency_between_any_two_published_checkpoints(grow: Grow) -> None:
    for count in (1, 5, 250, 7, 600):
        grow(count)
    checkpoints = list(read.Checkpoint.objects.order_by("id"))
    for a in checkpoints:
        for b in checkpoints:
            if a.size <= b.size:
                verify_consistency(
                    size1=a.size,
                    size2=b.size,
                    proof=read.consistency_proof_roots(a.size, b.size).hashes,
                    root1=bytes(a.root_hash),
                    root2=bytes(b.root_hash),
                )


def test_it_reads_a_logarithmic_number_of_tiles_for_a_proof(
    grow: Grow, monkeypatch: pytest.MonkeyPatch
) -> None:
    grow(70_000, batch=10_000)
    asked: list[Sequence[Tile]] = []
    real = tile_store.read_tiles

    def spy(tiles: Sequence[Tile]) -> list[bytes]:
        asked.append(tiles)
        return real(tiles)

    monkeypatch.setattr(tile_store, "read_tiles", spy)
    read.inclusion_proof_published(12_345)
    # One read, of at most two tiles a level (the path's own and the right edge).
    assert len(asked) == 1
    assert len(asked[0]) <= 2 * 3


def test_it_refuses_sizes_beyond_the_newest_checkpoint(grow: Grow) -> None:
    grow(4)
    with pytest.raises(read.NotFound):
        read.inclusion_proof_published(0, 5)
    with pytest.raises(read.NotFound):
        read.inclusion_proof_published(4)
    with pytest.raises(read.NotFound):
        read.consistency_proof_roots(1, 5)
    with pytest.raises(read.NotFound):
        read.consistency_proof_roots(4, 3)


def test_it_writes_a_receipt_that_verifies_offline(grow: Grow) -> None:
    grow(20)
    receipt = parse_receipt(read.receipt_get(7).data)
    verified = verify_receipt(receipt, [Verifier(log_signer().verifier_key)])
    assert verified.index == 7
    assert receipt.extra == read.entry_get(7).data


def test_it_serves_a_partial_tile_at_any_width_it_has_reached(grow: Grow) -> None:
    grow(10)
    grow(20)
    full_width = read.tile_get(Tile(0, 0, 30))
    assert read.tile_get(Tile(0, 0, 10)) == full_width[: 10 * 32]
    with pytest.raises(read.NotFound):
        read.tile_get(Tile(0, 0, 31))
    with pytest.raises(read.NotFound):
        read.tile_get(Tile(0, 0))


def test_it_serves_entry_bundles_from_the_entries(grow: Grow) -> None:
    grow(300)
    bundle = parse_entry_bundle(read.tile_get(Tile(ENTRIES_LEVEL, 1, 44)))
    assert bundle == [read.entry_get(i).data for i in range(256, 300)]
    assert len(parse_entry_bundle(read.tile_get(Tile(ENTRIES_LEVEL, 0)))) == 256


def test_it_reports_no_checkpoint_before_the_first_is_signed() -> None:
    with pytest.raises(read.NotFound):
        read.checkpoint_latest()


def _sha256_of(index: int) -> str:
    return str(Entry.objects.get(index=index).sha256)


def test_a_documents_entries_are_those_in_the_newest_checkpoints_tree(grow: Grow) -> None:
    grow(5)
    sha256 = _sha256_of(2)
    # The same document at index 5: stored, but in no checkpoint yet.
    with guards_lifted("ledger_entry"):
        Entry.objects.create(
            index=5, submission=10**9, data=Entry.objects.get(index=2).data, sha256=sha256
        )
    checkpoint, entries = read.anchoring_entries(sha256)
    assert checkpoint.size == 5
    assert [e.index for e in entries] == [2]
    assert read.anchoring_entries(hashlib.sha256(b"never anchored").hexdigest())[1] == []


def test_nothing_is_anchored_before_the_first_checkpoint() -> None:
    with pytest.raises(read.NotFound):
        read.anchoring_entries(hashlib.sha256(b"a document").hexdigest())


def test_an_entry_whose_bytes_do_not_decode_is_an_integrity_alarm_logged_by_its_index(
    grow: Grow, caplog: pytest.LogCaptureFixture
) -> None:
    grow(5)
    with guards_lifted("ledger_entry"):
        Entry.objects.filter(index=3).update(data=b"not an entry")
    with caplog.at_level(logging.CRITICAL), pytest.raises(read.IntegrityAlarm) as alarm:
        read.entry_get(3)
    assert alarm.value.row == "entry 3"
    (logged,) = [r for r in caplog.records if r.levelno == logging.CRITICAL]
    assert logged.getMessage().startswith("integrity alarm: entry 3: ")


def test_an_entry_whose_bytes_name_another_document_is_an_integrity_alarm(grow: Grow) -> None:
    grow(5)
    sha256, other = _sha256_of(2), hashlib.sha256(b"another document").hexdigest()
    data = bytes(Entry.objects.get(index=2).data).replace(sha256.encode(), other.encode())
    with guards_lifted("ledger_entry"):
        Entry.objects.filter(index=2).update(data=data)
    with pytest.raises(read.IntegrityAlarm) as alarm:
        read.anchoring_entries(sha256)
    assert alarm.value.row == "entry 2"


def test_a_tile_shorter_than_the_checkpoint_needs_is_an_integrity_alarm(grow: Grow) -> None:
    grow(20)
    tile = TileRow.objects.get(level=0, index=0)
    with guards_lifted("ledger_tile"):
        TileRow.objects.filter(pk=tile.pk).update(data=bytes(tile.data)[: 10 * 32])
    tile_store.TILE_CACHE.clear()  # the integrator's reads filled it with the true tile
    with pytest.raises(read.IntegrityAlarm):
        read.inclusion_proof_published(15)
    with pytest.raises(read.IntegrityAlarm) as alarm:
        read.tile_get(Tile(0, 0, 20))
    assert alarm.value.row == "tile tile/0/000.p/20"


def test_a_verifications_proof_through_a_changed_tile_is_an_integrity_alarm(grow: Grow) -> None:
    grow(20)
    tile = TileRow.objects.get(level=0, index=0)
    # Leaf 4's hash: the first hash of leaf 5's proof.
    with guards_lifted("ledger_tile"):
        TileRow.objects.filter(pk=tile.pk).update(data=flip_byte(bytes(tile.data), 4 * 32 + 1))
    tile_store.TILE_CACHE.clear()
    checkpoint, entries = read.anchoring_entries(_sha256_of(5))
    with pytest.raises(read.IntegrityAlarm):
        read.inclusion_proofs(checkpoint, entries)


def test_a_checkpoint_whose_note_does_not_verify_is_an_integrity_alarm(grow: Grow) -> None:
    grow(5)
    checkpoint = Checkpoint.objects.order_by("-id")[0]
    note = bytes(checkpoint.note)
    with guards_lifted("ledger_checkpoint"):
        Checkpoint.objects.filter(pk=checkpoint.pk).update(
            note=flip_byte(note, note.index(b"\n") + 2)
        )
    with pytest.raises(read.IntegrityAlarm) as alarm:
        read.checkpoint_latest()
    assert alarm.value.row == f"checkpoint {checkpoint.pk} (size 5)"


def test_a_checkpoint_signed_by_a_retired_key_beyond_its_last_size_is_an_integrity_alarm(
    grow: Grow, caplog: pytest.LogCaptureFixture
) -> None:
    grow(5)
    stolen = Signer(key_file_read(key_file_path()))  # a copy kept before the rotation
    log_key_rotate()
    grow(3)
    forged = checkpoint_forge(stolen)
    assert forged.size == 8
    with caplog.at_level(logging.CRITICAL), pytest.raises(read.IntegrityAlarm) as alarm:
        read.checkpoint_latest()
    assert alarm.value.row == f"checkpoint {forged.pk} (size 8)"
    assert alarm.value.problem == (
        f"signed by key {stolen.name}+{stolen.key_id:08x}, which the log retired after "
        "signing size 5"
    )
    assert "integrity alarm" in caplog.records[-1].getMessage()
    with pytest.raises(read.IntegrityAlarm):
        read.receipt_get(0)


def test_a_retired_key_s_checkpoints_up_to_its_last_size_are_served(grow: Grow) -> None:
    grow(5)
    old = log_signer().verifier_key
    log_key_rotate()
    grow(3)
    checkpoint = read.checkpoint_for_size(5)
    assert checkpoint.key.vkey == old
    assert checkpoint.key.last_size == 5
