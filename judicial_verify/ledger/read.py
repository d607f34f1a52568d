"""The read path: everything the public reads is derived from entries, tiles and checkpoints.

Proofs read O(log n) stored tiles through tlog's TileHashReader; nothing here
loads the whole tree. Sizes are bounded by the newest signed checkpoint, so
no caller can see a tree the log has not committed to.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection

from judicial_verify.tlog.receipt import Receipt, format_receipts
from judicial_verify.tlog.tile import ENTRIES_LEVEL, TILE_WIDTH, Tile, tile_width_at
from judicial_verify.tlog.tile import format_entry_bundle as bundle
from judicial_verify.tlog.tree import HASH_SIZE, consistency_proof, inclusion_proof, tree_hash
from judicial_verify.tlog.tree import inclusion_proofs as inclusion_proofs_batch

from .models import Checkpoint, Entry, VerifierKey
from .tile_store import hash_reader, tiles_read


class NotFound(Exception):
    """The requested entry, tile, size or checkpoint does not exist (yet)."""


def checkpoint_latest() -> Checkpoint:
    """Returns the newest signed checkpoint."""
    checkpoint = Checkpoint.objects.select_related("key").order_by("-id").first()
    if checkpoint is None:
        raise NotFound("the log has not signed a checkpoint yet")
    return checkpoint


def checkpoint_for_size(size: int) -> Checkpoint:
    """Returns a signed checkpoint of exactly `size` leaves (the first one signed)."""
    checkpoint = Checkpoint.objects.select_related("key").filter(size=size).order_by("id").first()
    if checkpoint is None:
        raise NotFound(f"no checkpoint was published for tree size {size}")
    return checkpoint


def verifier_keys() -> list[str]:
    """Returns every verifier key that ever signed a checkpoint, newest first.

    Plain SQL: every verification answer carries the keys, and the ORM spent
    five times as long building this query as the database spent on it.
    """
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote('vkey')} FROM {quote(VerifierKey._meta.db_table)}"  # noqa: S608
            f" ORDER BY {quote('first_used')} DESC, {quote('id')} DESC"
        )
        return [vkey for (vkey,) in cursor.fetchall()]


@dataclass(frozen=True)
class Published:
    """A signed checkpoint, its key loaded, and the verifier keys as of it, newest first."""

    checkpoint: Checkpoint
    verifier_keys: tuple[str, ...]


class NewestPublished:
    """The checkpoint (and keys) last asked for by id, kept for the next caller.

    Every verification answer proves against the newest checkpoint, and a checkpoint
    and the keys that signed up to it never change (migration 0002), so keeping the
    newest one needs no invalidation: callers learn the newest id in the statement
    that reads their entries, and only a new id reads the checkpoint again. Safe to
    share between threads (one reference, replaced whole).
    """

    def __init__(self) -> None:
        self._kept: Published | None = None

    def get(self, checkpoint_id: int) -> Published:
        kept = self._kept
        if kept is None or kept.checkpoint.id != checkpoint_id:
            checkpoint = Checkpoint.objects.select_related("key").get(id=checkpoint_id)
            # Read after the checkpoint, the keys can include one that began signing
            # since; that key is published too, so listing it early is harmless.
            kept = self._kept = Published(checkpoint, tuple(verifier_keys()))
        return kept

    def clear(self) -> None:
        """Forgets the kept checkpoint (a test whose database starts again needs this)."""
        self._kept = None


NEWEST_PUBLISHED = NewestPublished()


def entry_get(index: int) -> Entry:
    """Returns the integrated entry at `index`."""
    entry = Entry.objects.filter(index=index).first()
    if entry is None:
        raise NotFound(f"no entry at index {index}")
    return entry


def _latest_size() -> int:
    """Returns the newest signed checkpoint's size, reading that one column.

    A proof needs only the size; the whole row with its note and key cost half
    a millisecond more, a third of an inclusion proof, and the ORM's query
    building about as much as the query itself (benchmarks/bench_proofs.py).
    """
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote('size')} FROM {quote(Checkpoint._meta.db_table)}"  # noqa: S608
            f" ORDER BY {quote('id')} DESC LIMIT 1"
        )
        row = cursor.fetchone()
    if row is None:
        raise NotFound("the log has not signed a checkpoint yet")
    return int(row[0])


def _tree_size(size: int | None) -> int:
    latest = _latest_size()
    if size is None:
        return latest
    if not 0 <= size <= latest:
        raise NotFound(f"tree size {size} is beyond the newest checkpoint's {latest}")
    return size


def inclusion_proof_get(index: int, size: int | None = None) -> tuple[list[bytes], int]:
    """Returns the inclusion proof of entry `index` in the tree of `size` leaves and that size.

    `size` defaults to the newest checkpoint's.
    """
    size = _tree_size(size)
    if not 0 <= index < size:
        raise NotFound(f"no entry at index {index} in a tree of size {size}")
    return inclusion_proof(index, size, hash_reader(size)), size


@dataclass(frozen=True)
class InclusionProof:
    """Entry `index` is in the tree of `checkpoint`: the proof hashes, leaf's sibling first."""

    index: int
    hashes: tuple[bytes, ...]
    checkpoint: Checkpoint


def inclusion_proof_published(index: int, size: int | None = None) -> InclusionProof:
    """Returns the inclusion proof of entry `index` against the published checkpoint of `size`.

    `size` defaults to the newest checkpoint's; a size no checkpoint was signed
    for is NotFound, since a proof is worth only the signed root it leads to.
    """
    latest = checkpoint_latest()
    if size is None or size == latest.size:
        checkpoint = latest
    elif size > latest.size:
        raise NotFound(f"tree size {size} is beyond the newest checkpoint's {latest.size}")
    else:
        checkpoint = checkpoint_for_size(size)
    if not 0 <= index < checkpoint.size:
        raise NotFound(f"no entry at index {index} in the tree of size {checkpoint.size}")
    hashes = inclusion_proof(index, checkpoint.size, hash_reader(checkpoint.size))
    return InclusionProof(index=index, hashes=tuple(hashes), checkpoint=checkpoint)


def inclusion_proofs(checkpoint: Checkpoint, indices: Sequence[int]) -> dict[int, InclusionProof]:
    """Returns inclusion proofs of the given entries against `checkpoint`.

    Indices that checkpoint does not cover are left out. The proofs share
    tiles, so each tile is read once.
    """
    if not indices:
        return {}
    reader = hash_reader(checkpoint.size, many=True)
    return {
        index: InclusionProof(
            index=index,
            hashes=tuple(inclusion_proof(index, checkpoint.size, reader)),
            checkpoint=checkpoint,
        )
        for index in indices
        if 0 <= index < checkpoint.size
    }


@dataclass(frozen=True)
class ConsistencyProof:
    """The tree of `size1` leaves (root `root1`) is a prefix of that of `size2` (root `root2`)."""

    size1: int
    size2: int
    root1: bytes
    root2: bytes
    hashes: tuple[bytes, ...]


def consistency_proof_roots(size1: int, size2: int) -> ConsistencyProof:
    """Returns the consistency proof between two tree sizes, with both trees' roots."""
    hashes = consistency_proof_get(size1, size2)
    reader = hash_reader(size2, many=True)
    return ConsistencyProof(
        size1=size1,
        size2=size2,
        root1=tree_hash(size1, reader),
        root2=tree_hash(size2, reader),
        hashes=tuple(hashes),
    )


def consistency_proof_get(size1: int, size2: int) -> list[bytes]:
    """Returns the consistency proof between two tree sizes up to the newest checkpoint."""
    size2 = _tree_size(size2)
    if not 0 <= size1 <= size2:
        raise NotFound(f"sizes {size1} and {size2} are not 0 <= first <= second")
    return consistency_proof(size1, size2, hash_reader(size2))


@dataclass(frozen=True)
class ReceiptFile:
    index: int
    checkpoint: Checkpoint
    data: bytes


def receipt_get(index: int) -> ReceiptFile:
    """Returns the tlog-proof@v1 receipt of entry `index` against the newest checkpoint."""
    receipt = receipts_get([index]).get(index)
    if receipt is None:
        raise NotFound(f"no entry at index {index}")
    return receipt


def receipts_get(indices: Sequence[int]) -> dict[int, ReceiptFile]:
    """Returns receipts of the given integrated entries, all against the newest checkpoint.

    The entries of a batch share most of their tiles and proof hashes, so each tile is read
    once and each hash looked up once.
    """
    checkpoint = checkpoint_latest()
    rows = list(
        Entry.objects.filter(index__any=indices, index__lt=checkpoint.size).values_list(
            "index", "data"
        )
    )
    proofs = inclusion_proofs_batch(
        [index for index, _ in rows], checkpoint.size, hash_reader(checkpoint.size, many=True)
    )
    note = bytes(checkpoint.note)
    receipts = [
        Receipt(index=index, proof=tuple(proof), checkpoint_note=note, extra=bytes(data))
        for (index, data), proof in zip(rows, proofs, strict=True)
    ]
    return {
        r.index: ReceiptFile(index=r.index, checkpoint=checkpoint, data=data)
        for r, data in zip(receipts, format_receipts(receipts), strict=True)
    }


def tile_get(tile: Tile) -> bytes:
    """Returns a hash tile or entry bundle as of the newest checkpoint.

    A partial tile may be asked for at any width the tile has reached; a
    width it has not reached, or a full tile that is still partial, is NotFound.
    """
    size = _latest_size()
    if tile_width_at(tile.level, tile.index, size) < tile.width:
        raise NotFound(f"{tile.path} does not exist at tree size {size}")
    if tile.level == ENTRIES_LEVEL:
        start = tile.index * TILE_WIDTH
        data = Entry.objects.filter(index__gte=start, index__lt=start + tile.width)
        entries = [bytes(d) for d in data.order_by("index").values_list("data", flat=True)]
        if len(entries) != tile.width:
            raise NotFound(f"{tile.path}: entries are missing")
        return bundle(entries)
    stored = tiles_read([(tile.level, tile.index)]).get((tile.level, tile.index), b"")
    if len(stored) < tile.width * HASH_SIZE:
        raise NotFound(f"{tile.path} is not stored")
    return stored[: tile.width * HASH_SIZE]


def submission_indices(submissions: Sequence[int]) -> dict[int, int]:
    """Returns the entry index of each of these submissions that is integrated."""
    rows = Entry.objects.filter(submission__any=submissions).values_list("submission", "index")
    return dict(rows)


def entries_at(indices: Sequence[int]) -> dict[int, Entry]:
    """Returns the integrated entries at these indices, by index; absent ones are left out."""
    if not indices:
        return {}
    return {entry.index: entry for entry in Entry.objects.filter(index__any=indices)}
