"""Following another log over C2SP tlog-tiles, trusting nothing it serves.

A follower holds a verified prefix of the log: its size, the right-edge
partial tiles of that tree, and the entries of its last partial bundle. To
catch up it fetches the log's checkpoint, checks the signature by a log key
of the policy and the policy's witness quorum, downloads the entry bundles
past what it holds, rebuilds the tiles from the entries' leaf hashes, and
compares each tile the log serves with the rebuilt one. The rebuilt tree's
root must be the checkpoint's: since the rebuilt tree extends the one the
follower held, that equality is the proof that the new checkpoint is
consistent with the old (a fork, or a rewritten entry, cannot meet it).

I/O is the caller's: `fetch` returns the bytes at paths below the log's URL, a
chunk's bundles or tiles in one call, so the caller may fetch them concurrently.
"""

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from .checkpoint import Checkpoint, parse_checkpoint
from .errors import TlogError
from .note import Note, open_note
from .policy import Policy, check_quorum
from .tile import (
    ENTRIES_LEVEL,
    FULL_TILE_BYTES,
    TILE_WIDTH,
    Tile,
    TileHashReader,
    edge_tiles,
    extend_tiles,
    format_entry_bundle,
    parse_entry_bundle,
)
from .tree import HASH_SIZE, leaf_hash, tree_hash

Fetch = Callable[[Sequence[str]], Sequence[bytes]]
"""Returns the bytes the log serves at each path below its URL (`tile/...`), in order."""

CHUNK_BUNDLES = 64
"""Entry bundles rebuilt and handed to the caller at a time."""


class FollowError(TlogError):
    """The followed log served something inconsistent; the message says what."""


@dataclass(frozen=True)
class Held:
    """What the follower holds: a verified tree of `size` leaves.

    `edge` maps each level to its right-edge partial tile's data (as
    tile.edge_tiles(size) names them); `tail` is the entries of the last,
    partial entry bundle (empty when size is a multiple of 256).
    """

    size: int
    root_hash: bytes
    edge: Mapping[int, bytes]
    tail: Sequence[bytes]


@dataclass(frozen=True)
class Chunk:
    """Part of a catch-up: the tree grew to `size`.

    `bundles` maps a bundle index to its entries' bundle (at its new width),
    `tiles` maps (level, index) to every hash tile's new data; both hold only
    what changed, partial bundles and tiles at their new, wider, width.
    """

    size: int
    bundles: Mapping[int, bytes]
    tiles: Mapping[tuple[int, int], bytes]


def checkpoint_verify(note: bytes, policy: Policy) -> tuple[Checkpoint, Note]:
    """Opens a checkpoint note signed by a log key of the policy and witnessed by its quorum.

    Raises NoteError (the log's signature), MalformedError or QuorumError.
    """
    opened = open_note(note, [log.verifier for log in policy.logs])
    checkpoint = parse_checkpoint(opened.text)
    names = {sig.name for sig in opened.sigs}
    if checkpoint.origin not in names:
        raise FollowError(
            f"the checkpoint of origin {checkpoint.origin} is signed only by "
            f"{', '.join(sorted(names))}, not by a key named after its origin"
        )
    check_quorum(policy, opened.text, opened.unverified_sigs)
    return checkpoint, opened


def _bundle_check(tile: Tile, data: bytes, held: Sequence[bytes]) -> list[bytes]:
    """The entries of the bundle `tile`, checked to be `tile.width` and to start with `held`."""
    try:
        entries = parse_entry_bundle(data)
    except TlogError as e:
        raise FollowError(f"entry bundle {tile.path} is malformed: {e}") from None
    if len(entries) != tile.width or format_entry_bundle(entries) != data:
        raise FollowError(
            f"entry bundle {tile.path} holds {len(entries)} entries, not {tile.width}, "
            f"or is not in the bundle format"
        )
    for offset, (old, new) in enumerate(zip(held, entries, strict=False)):
        if old != new:
            raise FollowError(
                f"entry {tile.index * TILE_WIDTH + offset} in {tile.path} was rewritten: "
                f"it differs from the entry the mirror holds"
            )
    return entries


def _first_differing(fetch: Fetch, tiles: Iterable[tuple[tuple[int, int], bytes]]) -> str | None:
    """The path of the first of `tiles` ((level, index), data) the log serves otherwise."""
    tiles = list(tiles)
    paths = [Tile(level, index, len(data) // HASH_SIZE).path for (level, index), data in tiles]
    if not paths:
        return None
    for path, (_, data), served in zip(paths, tiles, fetch(paths), strict=True):
        if served != data:
            return path
    return None


def catch_up(
    *, fetch: Fetch, held: Held, checkpoint: Checkpoint, chunk_bundles: int = CHUNK_BUNDLES
) -> Iterator[Chunk]:
    """Yields the chunks that grow `held` to the verified `checkpoint`.

    Raises FollowError on a smaller checkpoint, a rewritten or malformed
    entry, a served tile that differs from its entries, or a root that is not
    the checkpoint's (a fork) — the last only after the last chunk, so a
    caller stores the chunks in one transaction and commits when this ends.
    A served tile that differs is reported after the root: when the root differs
    too, the log forked (its tiles may well match its own forked entries).
    """
    if checkpoint.size < held.size:
        raise FollowError(
            f"the log's checkpoint is of size {checkpoint.size}, smaller than the size "
            f"{held.size} the mirror holds: the log was rolled back"
        )
    size, edge, tail = held.size, dict(held.edge), list(held.tail)
    differing: str | None = None
    while size < checkpoint.size:
        first = size // TILE_WIDTH
        last = min((checkpoint.size - 1) // TILE_WIDTH, first + chunk_bundles - 1)
        bundles: dict[int, bytes] = {}
        leaves: list[bytes] = []
        wanted = [
            Tile(ENTRIES_LEVEL, index, min(TILE_WIDTH, checkpoint.size - index * TILE_WIDTH))
            for index in range(first, last + 1)
        ]
        for tile, data in zip(wanted, fetch([t.path for t in wanted]), strict=True):
            held_entries = tail if tile.index == first else []
            entries = _bundle_check(tile, data, held_entries)
            bundles[tile.index] = data
            leaves.extend(leaf_hash(entry) for entry in entries[len(held_entries) :])
            tail = entries if tile.width < TILE_WIDTH else []
        tiles = extend_tiles(size, edge, leaves)
        if differing is None:
            full = ((key, data) for key, data in tiles.items() if len(data) == FULL_TILE_BYTES)
            differing = _first_differing(fetch, full)
        size += len(leaves)
        edge = {
            t.level: tiles.get((t.level, t.index), edge.get(t.level, b"")) for t in edge_tiles(size)
        }
        yield Chunk(size=size, bundles=bundles, tiles=tiles)
    known = {(t.level, t.index): edge[t.level] for t in edge_tiles(size)}
    reader = TileHashReader(size, lambda tiles: [known[(t.level, t.index)] for t in tiles])
    root = tree_hash(size, reader)
    if root != checkpoint.root_hash:
        what = "the same size" if size == held.size else f"size {size}"
        raise FollowError(
            f"fork: the log signed a tree of {what} whose root is not the root of the tree "
            f"the mirror rebuilt from the entries it holds and the log's entries"
        )
    differing = differing or _first_differing(fetch, known.items())
    if differing is not None:
        raise FollowError(
            f"tile {differing} served by the log does not match the tile rebuilt from its entries"
        )
