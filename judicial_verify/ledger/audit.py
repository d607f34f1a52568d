"""The audit: recompute the whole tree from stored entries and check everything stored.

It trusts nothing but the entry bytes, the verifier keys it is told to expect
and the configured origin. Every verifier key the log publishes must be an
expected one: by default those the operator's key material accounts for
(keys.operator_verifier_keys), since anyone who can write the database can
add a key and re-sign the history with it. No entry may lie beyond the log's
size, nor a pending entry be integrated already. Every tile is rebuilt and
compared, every checkpoint's signature and root are checked against the tree
rebuilt up to its size, and consecutive checkpoints are checked for
consistency with proofs served from the stored tiles, exactly as an outside
auditor would. Entries and tiles integrated beyond the newest checkpoint (publication
runs behind integration) are checked as the rest are. Memory stays bounded: entries and
checkpoints are read CHUNK rows at a time, and full tiles are compared and dropped as the
rebuild passes them. A rollback of the whole database to an earlier signed state is beyond
any audit of the database; witnesses and mirrors see that.
"""

from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction

from judicial_verify.tlog.checkpoint import parse_checkpoint
from judicial_verify.tlog.entry import decode_entry
from judicial_verify.tlog.errors import TlogError
from judicial_verify.tlog.note import Verifier, open_note
from judicial_verify.tlog.tile import (
    FULL_TILE_BYTES,
    Tile,
    TileHashReader,
    edge_tiles,
    extend_tiles,
)
from judicial_verify.tlog.tree import consistency_proof, leaf_hash, tree_hash, verify_consistency

from .keys import operator_verifier_keys
from .models import Checkpoint, Entry, LogHead, PendingEntry, VerifierKey
from .models import Tile as StoredTile
from .tile_store import read_tiles, tiles_read

CHUNK = 4096


class AuditFailure(Exception):
    """The first thing found wrong: `what` names it (a row, a tile or a key)."""

    def __init__(self, what: str, reason: str) -> None:
        super().__init__(f"{what}: {reason}")
        self.what = what
        self.reason = reason


@dataclass(frozen=True)
class AuditReport:
    entries: int
    tiles: int
    checkpoints: int
    root_hash: bytes


def _entries(size: int) -> Iterator[tuple[int, bytes, str]]:
    rows = Entry.objects.filter(index__lt=size).order_by("index")
    for index, data, sha256 in rows.values_list("index", "data", "sha256").iterator(CHUNK):
        yield index, bytes(data), sha256


def _check_entry(expected: int, index: int, data: bytes, sha256: str) -> None:
    what = f"entry {expected}"
    if index != expected:
        raise AuditFailure(what, f"missing: the next stored entry has index {index}")
    try:
        entry = decode_entry(data)
    except TlogError as e:
        raise AuditFailure(what, f"entry bytes are not a valid entry: {e}") from None
    if entry.sha256 != sha256:
        raise AuditFailure(what, "the indexed document hash differs from the entry bytes")


class _Rebuild:
    """The tree rebuilt from entries: the right-edge tiles, comparing full ones as they fill."""

    def __init__(self) -> None:
        self.size = 0
        self.edge: dict[int, bytes] = {}
        self.tiles_checked = 0

    def append(self, leaves: Sequence[bytes]) -> None:
        changed = extend_tiles(self.size, self.edge, leaves)
        old_edge = {(t.level, t.index): self.edge[t.level] for t in edge_tiles(self.size)}
        self.size += len(leaves)
        full = {c: d for c, d in changed.items() if len(d) == FULL_TILE_BYTES}
        self._compare(full)
        self.edge = {
            t.level: changed.get((t.level, t.index)) or old_edge[(t.level, t.index)]
            for t in edge_tiles(self.size)
        }

    def root(self) -> bytes:
        known = {(t.level, t.index): self.edge[t.level] for t in edge_tiles(self.size)}
        reader = TileHashReader(self.size, lambda ts: [known[(t.level, t.index)] for t in ts])
        return tree_hash(self.size, reader)

    def finish(self) -> None:
        self._compare({(t.level, t.index): self.edge[t.level] for t in edge_tiles(self.size)})
        stored = StoredTile.objects.count()
        if stored != self.tiles_checked:
            raise AuditFailure("tiles", f"{stored} stored, but the tree has {self.tiles_checked}")

    def _compare(self, rebuilt: dict[tuple[int, int], bytes]) -> None:
        stored = tiles_read(rebuilt)
        for (level, index), data in sorted(rebuilt.items()):
            if stored.get((level, index)) != data:
                path = Tile(level, index, len(data) // 32).path
                raise AuditFailure(
                    f"tile {level}/{index} ({path})", "stored hashes differ from the entries"
                )
        self.tiles_checked += len(rebuilt)


def _check_checkpoint(cp: Checkpoint, root: bytes, verifiers: dict[int, Verifier]) -> None:
    what = f"checkpoint {cp.id} (size {cp.size})"
    try:
        note = open_note(bytes(cp.note), [verifiers[cp.key_id]])
        body = parse_checkpoint(note.text)
    except TlogError as e:
        raise AuditFailure(what, f"signed note does not verify: {e}") from None
    if body.origin != settings.LOG_ORIGIN:
        raise AuditFailure(what, f"origin {body.origin!r} is not {settings.LOG_ORIGIN!r}")
    if body.size != cp.size or body.root_hash != bytes(cp.root_hash):
        raise AuditFailure(what, "signed size or root differs from the stored columns")
    if body.root_hash != root:
        raise AuditFailure(what, "signed root differs from the root rebuilt from entries")


def _check_consistency(prev: Checkpoint, cp: Checkpoint) -> None:
    try:
        proof = consistency_proof(prev.size, cp.size, TileHashReader(cp.size, read_tiles))
        verify_consistency(
            size1=prev.size,
            size2=cp.size,
            proof=proof,
            root1=bytes(prev.root_hash),
            root2=bytes(cp.root_hash),
        )
    except TlogError as e:
        raise AuditFailure(
            f"checkpoint {cp.id} (size {cp.size})",
            f"not consistent with checkpoint {prev.id} (size {prev.size}): {e}",
        ) from None


def _checkpoints() -> Iterator[Checkpoint]:
    """Every checkpoint in signing order, read CHUNK at a time."""
    after = 0
    while True:
        page = list(Checkpoint.objects.filter(id__gt=after).order_by("id")[:CHUNK])
        yield from page
        if len(page) < CHUNK:
            return
        after = page[-1].id


class _Upcoming:
    """The checkpoints not yet checked, the next one in view."""

    def __init__(self, checkpoints: Iterator[Checkpoint]) -> None:
        self._rest = checkpoints
        self.next = next(checkpoints, None)
        self.taken = 0

    def advance(self) -> None:
        self.next = next(self._rest, None)
        self.taken += 1


def _advance(
    rebuild: _Rebuild,
    leaves: Sequence[bytes],
    upcoming: _Upcoming,
    verifiers: dict[int, Verifier],
) -> None:
    """Appends leaves to the rebuild, stopping at each checkpoint's size to check it."""
    at = 0
    while True:
        while (checkpoint := upcoming.next) is not None and checkpoint.size == rebuild.size:
            _check_checkpoint(checkpoint, rebuild.root(), verifiers)
            upcoming.advance()
        nxt = upcoming.next
        if at == len(leaves) or (nxt is not None and nxt.size < rebuild.size):
            return
        stop = len(leaves) if nxt is None else min(len(leaves), at + nxt.size - rebuild.size)
        rebuild.append(leaves[at:stop])
        at = stop


def _expected(vkeys: Collection[str]) -> set[Verifier]:
    try:
        return {Verifier(vkey) for vkey in vkeys}
    except TlogError as e:
        raise AuditFailure("expected verifier keys", f"one is not a verifier key: {e}") from None


def _verifiers(expected: set[Verifier]) -> dict[int, Verifier]:
    """The log's verifier keys by row id, each checked to be an expected one, and a
    retired one to have signed nothing after its last size.

    Every row is published (/log/keys) and trusted by verifiers, whether or not
    a checkpoint names it; the keys are few, one a rotation.
    """
    verifiers = {}
    for row in VerifierKey.objects.order_by("id"):
        what = f"verifier key {row.id} ({row.name}+{row.key_id})"
        try:
            verifier = Verifier(row.vkey)
        except TlogError as e:
            raise AuditFailure(what, f"not a verifier key: {e}") from None
        if (row.name, row.key_id) != (verifier.name, f"{verifier.key_id:08x}"):
            raise AuditFailure(what, "its name or key id column differs from the key")
        if verifier not in expected:
            raise AuditFailure(
                what,
                "not one of the expected keys: the operator's key material does not account "
                "for it (the log's earlier keys can be given with --key)",
            )
        if row.last_size is not None:
            last = Checkpoint.objects.filter(key=row).order_by("-id").values_list("size", flat=True)
            if (size := last.first()) != row.last_size:
                raise AuditFailure(
                    what,
                    f"retired after signing size {row.last_size}, "
                    f"but its last checkpoint has size {size}",
                )
        verifiers[row.id] = verifier
    return verifiers


def _check_no_strays(size: int) -> None:
    """Rows a correct integrator never leaves: an entry beyond the size, which also
    makes the next integration fail on its index, and a pending entry that is
    integrated already, which would be integrated (and fail) again and again."""
    beyond = Entry.objects.filter(index__gte=size).order_by("index").first()
    if beyond is not None:
        raise AuditFailure(f"entry {beyond.index}", f"stored beyond the log's size {size}")
    integrated = Entry.objects.values("submission")
    twice = PendingEntry.objects.filter(id__in=integrated).order_by("id").first()
    if twice is not None:
        index = Entry.objects.get(submission=twice.id).index
        raise AuditFailure(f"pending entry {twice.id}", f"already integrated as entry {index}")


@contextmanager
def audit_snapshot() -> Iterator[None]:
    """One transaction for all an audit reads; on PostgreSQL one snapshot, so
    integrators may keep running meanwhile."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def log_audit(*, expected_keys: Collection[str] | None = None) -> AuditReport:
    """Checks the whole ledger. Raises AuditFailure naming the first bad thing.

    `expected_keys` are the verifier keys the log may have signed with; by
    default, those the operator's key material accounts for.
    """
    expected = _expected(operator_verifier_keys() if expected_keys is None else expected_keys)
    with audit_snapshot():
        return _audit(expected)


def _audit(expected: set[Verifier]) -> AuditReport:
    verifiers = _verifiers(expected)
    head = LogHead.objects.filter(pk=1).first()
    size = head.size if head else 0
    # Integration runs ahead of publication: entries and tiles past the newest checkpoint
    # are checked as the rest are, but no checkpoint may lie beyond them.
    latest = Checkpoint.objects.order_by("-id").first()
    if latest is not None and latest.size > size:
        raise AuditFailure("log head", f"size {size} is less than the newest checkpoint's")
    _check_no_strays(size)

    rebuild, upcoming = _Rebuild(), _Upcoming(_checkpoints())
    leaves: list[bytes] = []
    for expected_index, (index, data, sha256) in enumerate(_entries(size)):
        _check_entry(expected_index, index, data, sha256)
        leaves.append(leaf_hash(data))
        if len(leaves) == CHUNK:
            _advance(rebuild, leaves, upcoming, verifiers)
            leaves.clear()
    _advance(rebuild, leaves, upcoming, verifiers)
    if rebuild.size != size:
        raise AuditFailure(f"entry {rebuild.size}", f"missing: the log head says size {size}")
    if upcoming.next is not None:
        cp = upcoming.next
        raise AuditFailure(f"checkpoint {cp.id} (size {cp.size})", "size is out of order")
    rebuild.finish()
    previous = None
    for cp in _checkpoints():
        if previous is not None:
            _check_consistency(previous, cp)
        previous = cp
    return AuditReport(
        entries=size,
        tiles=rebuild.tiles_checked,
        checkpoints=upcoming.taken,
        root_hash=rebuild.root(),
    )
