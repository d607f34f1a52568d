"""The ledger's one door for reads: entries, inclusion and consistency proofs, receipts and
tiles, all derived from stored entries, tiles and signed checkpoints.

Proofs read O(log n) stored tiles through tlog's TileHashReader; nothing here loads the
whole tree. Integration runs ahead of publication (publish.py), so the tables hold entries and
tiles no checkpoint covers yet: every read is bounded by the newest published checkpoint, so no
caller can see a tree the log has not committed to, and an entry integrated but not yet
published reads as one still pending. Only the publisher reads beyond it (integrated_*).
Stored data that fails its own checks on the way out (entry
bytes that do not decode, a tile shorter than its tree needs, a checkpoint whose signature
does not verify, or one signed by a retired key beyond the last size it signed) raises
IntegrityAlarm, logged as one: nothing is served from it.
"""

import logging
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

from django.db import connection

from judicial_verify.tlog.checkpoint import parse_checkpoint
from judicial_verify.tlog.entry import Entry as LogEntry
from judicial_verify.tlog.entry import decode_entry
from judicial_verify.tlog.errors import TileError, TlogError
from judicial_verify.tlog.note import Verifier, open_note
from judicial_verify.tlog.receipt import Receipt, format_receipts
from judicial_verify.tlog.tile import ENTRIES_LEVEL, TILE_WIDTH, Tile, tile_width_at
from judicial_verify.tlog.tile import format_entry_bundle as bundle
from judicial_verify.tlog.tree import (
    HASH_SIZE,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    tree_hash,
    verify_inclusion,
)
from judicial_verify.tlog.tree import inclusion_proofs as inclusion_proofs_batch

from .models import Checkpoint, Entry, LogHead, PendingEntry, VerifierKey, WitnessStatus
from .tile_store import hash_reader, tiles_read

logger = logging.getLogger(__name__)


class NotFound(Exception):
    """The requested entry, tile, size or checkpoint does not exist (yet)."""


class IntegrityAlarm(Exception):
    """A stored row failed its own checks on a read: the database was changed behind the
    ledger's back, or is failing. `row` names it (never a metadata value)."""

    def __init__(self, row: str, problem: str) -> None:
        super().__init__(f"{row}: {problem}")
        self.row = row
        self.problem = problem


def integrity_alarm(row: str, problem: str) -> IntegrityAlarm:
    """Returns the alarm for `row` to raise, logged as critical where it is found."""
    logger.critical("integrity alarm: %s: %s", row, problem)
    return IntegrityAlarm(row, problem)


@contextmanager
def _tiles_checked(size: int) -> Iterator[None]:
    """Turns a stored tile that cannot serve the tree of `size` leaves into an alarm."""
    try:
        yield
    except TileError as e:
        raise integrity_alarm(f"tiles of the tree of size {size}", str(e)) from None


@lru_cache(maxsize=64)
def _signed_as_stored(note: bytes, vkey: str, size: int, root_hash: bytes) -> bool:
    """Whether `note` is signed by `vkey` and states this size and root. Kept by the
    arguments, which are all it depends on: every answer shows the newest checkpoint, and
    its signature need not be checked again for each."""
    try:
        body = parse_checkpoint(open_note(note, [Verifier(vkey)]).text)
    except TlogError:
        return False
    return body.size == size and body.root_hash == root_hash


def _checked(checkpoint: Checkpoint) -> Checkpoint:
    note, root = bytes(checkpoint.note), bytes(checkpoint.root_hash)
    if not _signed_as_stored(note, checkpoint.key.vkey, checkpoint.size, root):
        raise integrity_alarm(
            f"checkpoint {checkpoint.id} (size {checkpoint.size})",
            "its signed note does not verify with its key, or states another size or root",
        )
    last_size = checkpoint.key.last_size
    if last_size is not None and checkpoint.size > last_size:
        # The key's private half was destroyed when it retired: whoever signed this kept it.
        raise integrity_alarm(
            f"checkpoint {checkpoint.id} (size {checkpoint.size})",
            f"signed by key {checkpoint.key.name}+{checkpoint.key.key_id}, which the log retired "
            f"after signing size {last_size}",
        )
    return checkpoint


# The newest checkpoint's id: the one thing about the newest checkpoint a process cannot keep.
NEWEST_CHECKPOINT_ID = "SELECT max(id) FROM ledger_checkpoint"
# What the key list depends on: the newest checkpoint (a key is listed from the first one it
# signs) and how many keys are retired (a key's last size is set once, when it retires).
KEY_LIST_VERSION = (
    "SELECT (SELECT max(id) FROM ledger_checkpoint), "
    "(SELECT count(*) FROM ledger_verifierkey WHERE last_size IS NOT NULL)"
)


def _newest_checkpoint_id() -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(NEWEST_CHECKPOINT_ID)
        row = cursor.fetchone()
    return None if row is None else row[0]


@lru_cache(maxsize=16)
def _checkpoint_by_id(checkpoint_id: int) -> Checkpoint:
    # A checkpoint row never changes (PostgreSQL's triggers refuse it), so a process keeps
    # the few newest it read, checked once, rather than building them anew for every answer.
    return _checked(Checkpoint.objects.select_related("key").get(id=checkpoint_id))


@lru_cache(maxsize=16)
def _keys_as_of(checkpoint_id: int) -> tuple[str, ...]:
    # A key is listed from the first checkpoint it signs, so the list changes only with a
    # newer checkpoint: it is kept by the newest checkpoint's id.
    keys = VerifierKey.objects.order_by("-first_used", "-id").values_list("vkey", flat=True)
    return tuple(keys)


@dataclass(frozen=True)
class PublishedKey:
    """A verifier key the log signed with, and, once it is retired, the size of the last tree
    it signed: nothing it signs beyond that is the log's."""

    vkey: str
    last_size: int | None


@lru_cache(maxsize=16)
def _key_list_as_of(checkpoint_id: int, retired: int) -> tuple[PublishedKey, ...]:
    # Kept by what it depends on (KEY_LIST_VERSION); `retired` is only part of that key.
    rows = VerifierKey.objects.order_by("-first_used", "-id").values_list("vkey", "last_size")
    return tuple(PublishedKey(vkey, last_size) for vkey, last_size in rows)


def checkpoints_forget() -> None:
    """Forgets the checkpoints and key lists this process keeps (a test's log starts anew,
    and ids repeat between tests' logs)."""
    _checkpoint_by_id.cache_clear()
    _keys_as_of.cache_clear()
    _key_list_as_of.cache_clear()


def checkpoint_latest() -> Checkpoint:
    """Returns the newest published checkpoint, its key loaded and its signature checked."""
    checkpoint_id = _newest_checkpoint_id()
    if checkpoint_id is None:
        raise NotFound("the log has not signed a checkpoint yet")
    return _checkpoint_by_id(checkpoint_id)


def published_size() -> int:
    """Returns the newest published checkpoint's size: how many entries may be read; 0
    before the first."""
    try:
        return checkpoint_latest().size
    except NotFound:
        return 0


def checkpoint_for_size(size: int) -> Checkpoint:
    """Returns a signed checkpoint of exactly `size` leaves (the first one signed)."""
    checkpoint = Checkpoint.objects.select_related("key").filter(size=size).order_by("id").first()
    if checkpoint is None:
        raise NotFound(f"no checkpoint was published for tree size {size}")
    return _checked(checkpoint)


def verifier_keys() -> list[str]:
    """Returns every verifier key that ever signed a checkpoint, newest first."""
    checkpoint_id = _newest_checkpoint_id()
    return [] if checkpoint_id is None else list(_keys_as_of(checkpoint_id))


def key_list() -> list[PublishedKey]:
    """Returns every verifier key that ever signed a checkpoint, newest first, each retired
    one with the size of the last tree it signed: the log's key list (tlog/key_list.py)."""
    with connection.cursor() as cursor:
        cursor.execute(KEY_LIST_VERSION)
        checkpoint_id, retired = cursor.fetchone() or (None, 0)
    return [] if checkpoint_id is None else list(_key_list_as_of(checkpoint_id, retired))


def verifier_keys_as_of(checkpoint: Checkpoint) -> list[str]:
    """Returns every verifier key that had signed a checkpoint by `checkpoint`, the newest
    one read, newest first."""
    return list(_keys_as_of(checkpoint.id))


@dataclass(frozen=True)
class StoredEntry:
    """An integrated entry: its index, submission id, bytes, and the bytes decoded."""

    index: int
    submission: int
    data: bytes
    entry: LogEntry


_ENTRY_COLUMNS = ("index", "submission", "data", "sha256")


def _stored(rows: Iterable[tuple[int, int, bytes, str]]) -> list[StoredEntry]:
    """Entries from their rows, each checked: its bytes decode, and name its sha256 column."""
    found = []
    for index, submission, data, sha256 in rows:
        data = bytes(data)
        try:
            entry = decode_entry(data)
        except TlogError as e:
            raise integrity_alarm(f"entry {index}", f"its bytes do not decode: {e}") from None
        if entry.sha256 != sha256:
            raise integrity_alarm(f"entry {index}", "its sha256 column differs from its bytes")
        found.append(StoredEntry(index=index, submission=submission, data=data, entry=entry))
    return found


def entry_get(index: int) -> StoredEntry:
    """Returns the published entry at `index`."""
    rows = Entry.objects.filter(index=index, index__lt=published_size())
    found = _stored(rows.values_list(*_ENTRY_COLUMNS))
    if not found:
        raise NotFound(f"no entry at index {index}")
    return found[0]


# The newest checkpoint's id beside each entry anchoring a document in that checkpoint's
# tree, oldest first; the id alone (entry columns NULL) when none does. A verification's
# reads of the ledger, in one statement and so one round trip to the database.
NEWEST_CHECKPOINT_AND_ENTRIES_BY_SHA256 = """
SELECT c.id, e."index", e.submission, e.data, e.sha256
FROM (SELECT id, size FROM ledger_checkpoint ORDER BY id DESC LIMIT 1) AS c
LEFT JOIN ledger_entry AS e ON e.sha256 = %s AND e."index" < c.size
ORDER BY e."index"
"""


def anchoring_entries(sha256: str) -> tuple[Checkpoint, list[StoredEntry]]:
    """Returns the newest checkpoint and the entries anchoring the document with this
    SHA-256 (hex, lower case) in its tree, oldest first; raises NotFound before the log's
    first checkpoint."""
    with connection.cursor() as cursor:
        cursor.execute(NEWEST_CHECKPOINT_AND_ENTRIES_BY_SHA256, [sha256])
        rows = cursor.fetchall()
    if not rows:
        raise NotFound("the log has not signed a checkpoint yet")
    checkpoint = _checkpoint_by_id(rows[0][0])
    return checkpoint, _stored(row[1:] for row in rows if row[1] is not None)


def anchored_among(sha256s: Collection[str]) -> set[str]:
    """Returns those of these document hashes (hex) that a published entry anchors: the
    earlier revisions of a file that are anchored documents, in one query."""
    size = published_size()
    if not sha256s or not size:
        return set()
    rows = Entry.objects.filter(sha256__any=sorted(sha256s), index__lt=size)
    return set(rows.values_list("sha256", flat=True).distinct())


def entries_of_submissions(submissions: Sequence[int]) -> list[StoredEntry]:
    """Returns the published entries of these submission ids, oldest first; a submission
    not published yet has none."""
    if not submissions:
        return []
    rows = Entry.objects.filter(submission__any=submissions, index__lt=published_size())
    rows = rows.order_by("index")
    return _stored(rows.values_list(*_ENTRY_COLUMNS))


def _tree_size(size: int | None) -> int:
    latest = checkpoint_latest().size
    if size is None:
        return latest
    if not 0 <= size <= latest:
        raise NotFound(f"tree size {size} is beyond the newest checkpoint's {latest}")
    return size


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
    with _tiles_checked(checkpoint.size):
        hashes = inclusion_proof(index, checkpoint.size, hash_reader(checkpoint.size))
    return InclusionProof(index=index, hashes=tuple(hashes), checkpoint=checkpoint)


def inclusion_proofs(
    checkpoint: Checkpoint, entries: Sequence[StoredEntry]
) -> dict[int, InclusionProof]:
    """Returns inclusion proofs of the given entries against `checkpoint`, by index.

    Entries that checkpoint does not cover are left out. The proofs share tiles, so each
    tile is read once; each proof is checked to lead from its entry to the checkpoint's
    root, so no answer carries a proof that stored data has broken.
    """
    size, root = checkpoint.size, bytes(checkpoint.root_hash)
    covered = [e for e in entries if 0 <= e.index < size]
    if not covered:
        return {}
    with _tiles_checked(size):
        batch = inclusion_proofs_batch(
            [e.index for e in covered], size, hash_reader(size, many=True)
        )
    proofs = {}
    for stored, hashes in zip(covered, batch, strict=True):
        try:
            verify_inclusion(
                leaf_hash=leaf_hash(stored.data),
                index=stored.index,
                size=size,
                proof=hashes,
                root=root,
            )
        except TlogError as e:
            raise integrity_alarm(
                f"entry {stored.index} or the tiles of the tree of size {size}",
                f"the inclusion proof does not lead to checkpoint {checkpoint.id}'s root: {e}",
            ) from None
        proofs[stored.index] = InclusionProof(
            index=stored.index, hashes=tuple(hashes), checkpoint=checkpoint
        )
    return proofs


@dataclass(frozen=True)
class ConsistencyProof:
    """The tree of `size1` leaves (root `root1`) is a prefix of that of `size2` (root `root2`)."""

    size1: int
    size2: int
    root1: bytes
    root2: bytes
    hashes: tuple[bytes, ...]


def consistency_proof_roots(size1: int, size2: int) -> ConsistencyProof:
    """Returns the consistency proof between two tree sizes up to the newest checkpoint's,
    with both trees' roots."""
    size2 = _tree_size(size2)
    if not 0 <= size1 <= size2:
        raise NotFound(f"sizes {size1} and {size2} are not 0 <= first <= second")
    reader = hash_reader(size2, many=True)
    with _tiles_checked(size2):
        return ConsistencyProof(
            size1=size1,
            size2=size2,
            root1=tree_hash(size1, reader),
            root2=tree_hash(size2, reader),
            hashes=tuple(consistency_proof(size1, size2, reader)),
        )


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
    once and each hash looked up once; each entry and proof is checked as inclusion_proofs
    checks them, so no receipt is issued that stored data has broken.
    """
    checkpoint = checkpoint_latest()
    rows = Entry.objects.filter(index__any=indices, index__lt=checkpoint.size)
    stored = _stored(rows.values_list(*_ENTRY_COLUMNS))
    proofs = inclusion_proofs(checkpoint, stored)
    note = bytes(checkpoint.note)
    receipts = [
        Receipt(index=e.index, proof=proofs[e.index].hashes, checkpoint_note=note, extra=e.data)
        for e in stored
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
    size = checkpoint_latest().size
    if tile_width_at(tile.level, tile.index, size) < tile.width:
        raise NotFound(f"{tile.path} does not exist at tree size {size}")
    # The newest checkpoint covers the tile at this width: anything less is stored data lost.
    if tile.level == ENTRIES_LEVEL:
        start = tile.index * TILE_WIDTH
        data = Entry.objects.filter(index__gte=start, index__lt=start + tile.width)
        entries = [bytes(d) for d in data.order_by("index").values_list("data", flat=True)]
        if len(entries) != tile.width:
            raise integrity_alarm(
                f"entries of {tile.path}", f"{len(entries)} of {tile.width} are stored"
            )
        return bundle(entries)
    stored = tiles_read([(tile.level, tile.index)]).get((tile.level, tile.index), b"")
    if len(stored) < tile.width * HASH_SIZE:
        raise integrity_alarm(f"tile {tile.path}", f"{len(stored)} bytes are stored")
    return stored[: tile.width * HASH_SIZE]


def submission_indices(submissions: Sequence[int]) -> dict[int, int]:
    """Returns the entry index of each of these submissions that is published."""
    rows = Entry.objects.filter(submission__any=submissions, index__lt=published_size())
    return dict(rows.values_list("submission", "index"))


def entries_at(indices: Sequence[int]) -> dict[int, StoredEntry]:
    """Returns the published entries at these indices, by index, each checked as entry_get
    checks it; absent ones are left out."""
    if not indices:
        return {}
    rows = Entry.objects.filter(index__any=indices, index__lt=published_size())
    return {stored.index: stored for stored in _stored(rows.values_list(*_ENTRY_COLUMNS))}


def submissions_as_stored(submissions: Sequence[int]) -> dict[int, tuple[str, bytes]]:
    """Returns each submission's entry bytes exactly as stored, integrated or still pending,
    with how to name that entry ("entry N", "pending entry N"): unchecked, for an audit that
    checks them itself; a submission stored nowhere is left out."""
    found = {
        submission: (f"entry {index}", bytes(data))
        for submission, index, data in Entry.objects.filter(
            submission__any=submissions
        ).values_list("submission", "index", "data")
    }
    waiting = [s for s in submissions if s not in found]
    if waiting:
        for pid, data in PendingEntry.objects.filter(id__in=waiting).values_list("id", "data"):
            found[pid] = (f"pending entry {pid}", bytes(data))
    return found


def integrated_size() -> int:
    """Returns how many entries are integrated, published or not (the log head's size)."""
    return LogHead.objects.filter(pk=1).values_list("size", flat=True).first() or 0


def integrated_root(size: int) -> bytes:
    """Returns the root of the tree of the first `size` integrated entries, for the publisher
    to sign: it may be beyond every published checkpoint."""
    with _tiles_checked(size):
        return tree_hash(size, hash_reader(size))


def integrated_consistency_proof(size1: int, size2: int) -> list[bytes]:
    """Returns the consistency proof from the tree of `size1` integrated entries to that of
    `size2`, for the publisher to show witnesses a tree it is about to publish."""
    if not 0 <= size1 <= size2:
        raise NotFound(f"sizes {size1} and {size2} are not 0 <= first <= second")
    with _tiles_checked(size2):
        return consistency_proof(size1, size2, hash_reader(size2, many=True))


def witness_statuses(vkeys: Sequence[str]) -> dict[str, WitnessStatus]:
    """Returns what the log knows of each witness with these cosigning keys, by key; a
    witness never asked is left out."""
    return {row.vkey: row for row in WitnessStatus.objects.filter(vkey__in=vkeys)}
