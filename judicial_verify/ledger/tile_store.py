"""Tiles in the database, seen through tlog's TileReader interface."""

from collections.abc import Iterable, Mapping, Sequence
from functools import reduce
from operator import or_

from django.db.models import Q

from judicial_verify.tlog.tile import Tile as TileCoord
from judicial_verify.tlog.tile import TileHashReader, TileReader, edge_tiles

from .models import Tile


def tiles_read(coords: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """Returns the stored data of each (level, index) that exists, in one query."""
    wanted = set(coords)
    if not wanted:
        return {}
    where = reduce(or_, (Q(level=level, index=index) for level, index in wanted))
    rows = Tile.objects.filter(where).values_list("level", "index", "data")
    return {(level, index): bytes(data) for level, index, data in rows}


def read_tiles(tiles: Sequence[TileCoord]) -> list[bytes]:
    """A tlog TileReader over the database; a missing tile reads as empty."""
    found = tiles_read((t.level, t.index) for t in tiles)
    return [found.get((t.level, t.index), b"") for t in tiles]


def memoized(read: TileReader) -> TileReader:
    """Wraps a TileReader so each tile is read at most once (for many proofs in one call)."""
    seen: dict[TileCoord, bytes] = {}

    def read_once(tiles: Sequence[TileCoord]) -> list[bytes]:
        missing = [t for t in dict.fromkeys(tiles) if t not in seen]
        if missing:
            seen.update(zip(missing, read(missing), strict=True))
        return [seen[t] for t in tiles]

    return read_once


def hash_reader(size: int) -> TileHashReader:
    """Returns a tree HashReader for the tree of `size` leaves, backed by stored tiles."""
    return TileHashReader(size, read_tiles)


def edge_read(size: int) -> dict[int, bytes]:
    """Returns each level's right-edge partial tile data for a tree of `size` leaves."""
    coords = {t.level: (t.level, t.index) for t in edge_tiles(size)}
    found = tiles_read(coords.values())
    return {level: found.get(coord, b"") for level, coord in coords.items()}


def tiles_write(changed: Mapping[tuple[int, int], bytes]) -> None:
    """Stores new and grown tiles; the database refuses any that does not extend the old."""
    Tile.objects.bulk_create(
        [Tile(level=level, index=index, data=data) for (level, index), data in changed.items()],
        update_conflicts=True,
        unique_fields=["level", "index"],
        update_fields=["data"],
    )
