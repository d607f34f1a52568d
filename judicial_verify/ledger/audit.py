"""The audit: recompute the whole tree from stored entries and check everything stored.

It trusts nothing but the entry bytes, the published verifier keys and the
configured origin: every tile is rebuilt and compared, every checkpoint's
signature and root are checked against the tree rebuilt up to its size, and
consecutive checkpoints are checked for consistency with proofs served from
the stored tiles, exactly as an outside auditor would. Memory stays bounded:
full tiles are compared and dropped as the rebuild passes them.
"""

from collections import deque
from collections.abc import Iterator, Sequence
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

from .models import Checkpoint, Entry, LogHead
from .models import Tile as StoredTile
from .tile_store import read_tiles, tiles_read

CHUNK = 4096


class AuditFailure(Exception):
    """The first thing found wrong: `what` names it (entry, tile or checkpoint)."""

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


def _advance(
    rebuild: _Rebuild,
    leaves: Sequence[bytes],
    pending: deque[Checkpoint],
    verifiers: dict[int, Verifier],
) -> None:
    """Appends leaves to the rebuild, stopping at each checkpoint's size to check it."""
    at = 0
    while True:
        while pending and pending[0].size == rebuild.size:
            _check_checkpoint(pending.popleft(), rebuild.root(), verifiers)
        if at == len(leaves) or (pending and pending[0].size < rebuild.size):
            return
        stop = len(leaves)
        if pending:
            stop = min(stop, at + pending[0].size - rebuild.size)
        rebuild.append(leaves[at:stop])
        at = stop


def log_audit() -> AuditReport:
    """Checks the whole ledger. Raises AuditFailure naming the first bad thing."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            # One snapshot for the whole audit, so integrators may keep running.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        return _audit()


def _audit() -> AuditReport:
    head = LogHead.objects.filter(pk=1).first()
    size = head.size if head else 0
    checkpoints = list(Checkpoint.objects.select_related("key").order_by("id"))
    verifiers = {cp.key_id: Verifier(cp.key.vkey) for cp in checkpoints}
    if checkpoints and checkpoints[-1].size != size:
        raise AuditFailure("log head", f"size {size} is not the newest checkpoint's")

    rebuild, pending = _Rebuild(), deque(checkpoints)
    leaves: list[bytes] = []
    for expected, (index, data, sha256) in enumerate(_entries(size)):
        _check_entry(expected, index, data, sha256)
        leaves.append(leaf_hash(data))
        if len(leaves) == CHUNK:
            _advance(rebuild, leaves, pending, verifiers)
            leaves.clear()
    _advance(rebuild, leaves, pending, verifiers)
    if rebuild.size != size:
        raise AuditFailure(f"entry {rebuild.size}", f"missing: the log head says size {size}")
    if pending:
        cp = pending[0]
        raise AuditFailure(f"checkpoint {cp.id} (size {cp.size})", "size is out of order")
    rebuild.finish()
    for prev, cp in zip(checkpoints, checkpoints[1:], strict=False):
        _check_consistency(prev, cp)
    return AuditReport(
        entries=size,
        tiles=rebuild.tiles_checked,
        checkpoints=len(checkpoints),
        root_hash=rebuild.root(),
    )
