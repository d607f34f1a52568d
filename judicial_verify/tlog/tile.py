"""C2SP tlog-tiles: tile coordinates, paths, hash reading and appending.

A tile at level L holds up to 256 consecutive hashes of tree level 8*L; the
levels between are recomputed from them. Rows only ever grow at the right, so
a partial tile is a prefix of the tile it becomes, and a reader may serve any
width up to the stored one from the same bytes.
"""

import re
import struct
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from .errors import MalformedError, TileError
from .tree import HASH_SIZE, Node, complete_subtree_hash, node_hash

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT
FULL_TILE_BYTES = TILE_WIDTH * HASH_SIZE
MAX_LEVEL = 63
ENTRIES_LEVEL = -1
"""The pseudo-level of entry bundles (`tile/entries/...`)."""


@dataclass(frozen=True, slots=True)
class Tile:
    """Tile `index` at `level` (ENTRIES_LEVEL for an entry bundle), `width` items wide."""

    level: int
    index: int
    width: int = TILE_WIDTH

    def __post_init__(self) -> None:
        if not ENTRIES_LEVEL <= self.level <= MAX_LEVEL:
            raise TileError(
                f"tile level {self.level} is neither entries nor between 0 and {MAX_LEVEL}"
            )
        if self.index < 0:
            raise TileError(f"tile index {self.index} is negative")
        if not 1 <= self.width <= TILE_WIDTH:
            raise TileError(f"tile width {self.width} is not between 1 and {TILE_WIDTH}")

    @property
    def is_full(self) -> bool:
        return self.width == TILE_WIDTH

    @property
    def path(self) -> str:
        """The tile's path below the log prefix, e.g. `tile/0/x001/x234/067.p/5`."""
        level = "entries" if self.level == ENTRIES_LEVEL else str(self.level)
        digits = f"{self.index:03d}"
        digits = "0" * (-len(digits) % 3) + digits
        groups = [digits[i : i + 3] for i in range(0, len(digits), 3)]
        index = "/".join([f"x{g}" for g in groups[:-1]] + groups[-1:])
        partial = "" if self.is_full else f".p/{self.width}"
        return f"tile/{level}/{index}{partial}"


_PATH = re.compile(
    r"tile/(?P<level>entries|0|[1-9][0-9]?)/(?P<index>(?:x[0-9]{3}/)*[0-9]{3})"
    r"(?:\.p/(?P<width>[1-9][0-9]{0,2}))?"
)


def parse_tile_path(path: str) -> Tile:
    """Parses a tile path (`tile/<L>/<N>[.p/<W>]`), accepting only its one canonical form."""
    m = _PATH.fullmatch(path)
    if m is None:
        raise TileError(f"malformed tile path {path!r}")
    level = ENTRIES_LEVEL if m["level"] == "entries" else int(m["level"])
    index = int(m["index"].replace("x", "").replace("/", ""))
    width = int(m["width"]) if m["width"] else TILE_WIDTH
    if m["width"] and width == TILE_WIDTH:
        raise TileError(f"malformed tile path {path!r}: a full tile has no .p/ suffix")
    tile = Tile(level, index, width)
    if tile.path != path:
        raise TileError(f"malformed tile path {path!r}: not canonical, expected {tile.path!r}")
    return tile


def tile_width_at(level: int, index: int, size: int) -> int:
    """Returns how many items tile (level, index) holds in a tree of `size` leaves (0: none)."""
    row = size >> (TILE_HEIGHT * max(level, 0))
    return max(0, min(TILE_WIDTH, row - index * TILE_WIDTH))


def edge_tiles(size: int) -> list[Tile]:
    """Returns the partial tiles at the right edge of a tree of `size` leaves, level 0 first."""
    tiles, level = [], 0
    while size >> (TILE_HEIGHT * level):
        row = size >> (TILE_HEIGHT * level)
        if row % TILE_WIDTH:
            tiles.append(Tile(level, row // TILE_WIDTH, row % TILE_WIDTH))
        level += 1
    return tiles


def split_hashes(data: bytes) -> list[bytes]:
    """Splits tile data into its 32-byte hashes."""
    if len(data) % HASH_SIZE:
        raise TileError(f"tile data of {len(data)} bytes is not a whole number of hashes")
    return [data[i : i + HASH_SIZE] for i in range(0, len(data), HASH_SIZE)]


TileReader = Callable[[Sequence[Tile]], Sequence[bytes]]
"""Returns the data of each requested tile, at least as wide as asked (wider is fine)."""


def tile_rows(data: bytes) -> list[bytes]:
    """Returns a tile's rows: row r holds the hash of each complete run of 2**r of its
    hashes, concatenated (row 0 is the tile itself; a full tile has 9 rows, the last its root).
    """
    rows = [data]
    while len(rows[-1]) >= 2 * HASH_SIZE:
        row = rows[-1]
        rows.append(
            b"".join(
                node_hash(row[i : i + HASH_SIZE], row[i + HASH_SIZE : i + 2 * HASH_SIZE])
                for i in range(0, len(row) - HASH_SIZE, 2 * HASH_SIZE)
            )
        )
    return rows


class TileCache:
    """The rows of tiles, kept for up to `capacity` tiles, least recently used out first.

    A tile at a given width never changes (rows grow only at the right, and a
    wider tile is another Tile), so its rows can be kept for good: every proof
    then reads from the database only the tiles no recent proof has needed.
    Safe to share between threads.
    """

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._rows: OrderedDict[Tile, list[bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, tile: Tile) -> list[bytes] | None:
        """Returns the tile's rows if they are kept, else None."""
        with self._lock:
            rows = self._rows.get(tile)
            if rows is not None:
                self._rows.move_to_end(tile)
            return rows

    def clear(self) -> None:
        """Forgets every tile."""
        with self._lock:
            self._rows.clear()

    def put(self, tile: Tile, rows: list[bytes]) -> None:
        """Keeps the tile's rows (tile_rows of its data), forgetting the oldest beyond capacity."""
        if self.capacity <= 0:
            return
        with self._lock:
            self._rows[tile] = rows
            self._rows.move_to_end(tile)
            while len(self._rows) > self.capacity:
                self._rows.popitem(last=False)


class TileHashReader:
    """A tree.HashReader for a tree of `size` leaves, computing hashes from tiles.

    Each tile a call needs is read once and its rows computed once; with a
    TileCache, tiles an earlier call needed are not read or hashed again.
    """

    def __init__(self, size: int, read_tiles: TileReader, cache: TileCache | None = None) -> None:
        self._size = size
        self._read_tiles = read_tiles
        self._cache = cache

    def __call__(self, nodes: Sequence[Node]) -> list[bytes]:
        # A proof's nodes fall in a handful of tiles: all of them are read at once.
        spans = [self._locate(node) for node in nodes]
        rows = self._rows(list(dict.fromkeys(tile for tile, _, _ in spans)))
        return [rows[tile][rise][at : at + HASH_SIZE] for tile, rise, at in spans]

    def _locate(self, node: Node) -> tuple[Tile, int, int]:
        """The tile holding the node's hash, the row of that tile's rows it is in, and its
        byte offset in that row."""
        if (node.index + 1) << node.level > self._size:
            raise TileError(f"node {node.level}/{node.index} is beyond tree size {self._size}")
        rise = node.level % TILE_HEIGHT
        first = node.index << rise  # the first of the node's hashes in the tile's level
        level, index = node.level // TILE_HEIGHT, first // TILE_WIDTH
        tile = Tile(level, index, tile_width_at(level, index, self._size))
        return tile, rise, ((first % TILE_WIDTH) >> rise) * HASH_SIZE

    def _rows(self, tiles: Sequence[Tile]) -> dict[Tile, list[bytes]]:
        """The rows of each tile, from the cache or else read, all missing ones at once."""
        found: dict[Tile, list[bytes]] = {}
        missing: list[Tile] = []
        for tile in tiles:
            cached = self._cache.get(tile) if self._cache is not None else None
            if cached is None:
                missing.append(tile)
            else:
                found[tile] = cached
        if missing:
            for tile, data in zip(missing, self._read_tiles(missing), strict=True):
                if len(data) < tile.width * HASH_SIZE:
                    raise TileError(f"tile {tile.path} holds {len(data) // HASH_SIZE} hashes")
                found[tile] = tile_rows(data[: tile.width * HASH_SIZE])
                if self._cache is not None:
                    self._cache.put(tile, found[tile])
        return found


def extend_tiles(
    size: int, edge: Mapping[int, bytes], leaf_hashes: Sequence[bytes]
) -> dict[tuple[int, int], bytes]:
    """Appends leaf hashes to a tree of `size` leaves; returns every tile that changed.

    `edge` maps each level to the data of its right-edge partial tile (as
    edge_tiles(size) names them; absent or empty where that level has none).
    The result maps (level, index) to the tile's whole new data; a tile that
    fills up is hashed into the level above.
    """
    for level in range(max([*edge, (size.bit_length() + TILE_HEIGHT - 1) // TILE_HEIGHT]) + 1):
        expected = (size >> (TILE_HEIGHT * level)) % TILE_WIDTH * HASH_SIZE
        if len(edge.get(level, b"")) != expected:
            raise TileError(f"edge tile at level {level} is not {expected} bytes for size {size}")
    changed: dict[tuple[int, int], bytearray] = {}

    def push(level: int, position: int, h: bytes) -> None:
        key = (level, position // TILE_WIDTH)
        data = changed.get(key)
        if data is None:
            data = changed[key] = bytearray(edge.get(level, b"") if position % TILE_WIDTH else b"")
        data += h
        if len(data) == FULL_TILE_BYTES:
            push(level + 1, key[1], complete_subtree_hash(split_hashes(bytes(data))))

    for offset, h in enumerate(leaf_hashes):
        if len(h) != HASH_SIZE:
            raise TileError(f"leaf hash {offset} is {len(h)} bytes, not {HASH_SIZE}")
        push(0, size + offset, h)
    return {key: bytes(data) for key, data in changed.items()}


def format_entry_bundle(entries: Sequence[bytes]) -> bytes:
    """Returns an entry bundle: each entry prefixed by its big-endian uint16 length."""
    if len(entries) > TILE_WIDTH:
        raise MalformedError(f"{len(entries)} entries do not fit one bundle of {TILE_WIDTH}")
    out = bytearray()
    for entry in entries:
        if len(entry) > 0xFFFF:
            raise MalformedError(f"entry of {len(entry)} bytes does not fit a uint16 length")
        out += struct.pack(">H", len(entry)) + entry
    return bytes(out)


def parse_entry_bundle(data: bytes) -> list[bytes]:
    """Splits an entry bundle into its entries."""
    entries, at = [], 0
    while at < len(data):
        if at + 2 > len(data):
            raise MalformedError("entry bundle ends inside a length prefix")
        (n,) = struct.unpack_from(">H", data, at)
        if at + 2 + n > len(data):
            raise MalformedError("entry bundle ends inside an entry")
        entries.append(data[at + 2 : at + 2 + n])
        at += 2 + n
    if len(entries) > TILE_WIDTH:
        raise MalformedError(f"entry bundle holds {len(entries)} entries, more than {TILE_WIDTH}")
    return entries
