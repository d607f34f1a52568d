"""Tiles in the database, seen through tlog's TileReader interface."""

from collections.abc import Iterable, Mapping, Sequence

from django.conf import settings
from django.db import connection

from judicial_verify.tlog.tile import Tile as TileCoord
from judicial_verify.tlog.tile import TileCache, TileHashReader, edge_tiles

from .models import Tile

# The stored tiles at some coordinates; {coordinates} is one "(%s, %s)", level and index, a
# tile (a proof needs a tile or two of each level).
TILES_AT = 'SELECT level, "index", data FROM ledger_tile WHERE (level, "index") IN ({coordinates})'


def tiles_read(coords: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """Returns the stored data of each (level, index) that exists, in one query."""
    wanted = sorted(set(coords))
    if not wanted:
        return {}
    sql = TILES_AT.format(coordinates=", ".join(["(%s, %s)"] * len(wanted)))
    with connection.cursor() as cursor:
        cursor.execute(sql, [n for coord in wanted for n in coord])
        return {(level, index): bytes(data) for level, index, data in cursor.fetchall()}


def read_tiles(tiles: Sequence[TileCoord]) -> list[bytes]:
    """A tlog TileReader over the database; a missing tile reads as empty."""
    found = tiles_read((t.level, t.index) for t in tiles)
    return [found.get((t.level, t.index), b"") for t in tiles]


# The rows of the tiles recent proofs needed, shared by everything in this process. Safe
# to keep: a tile at a given width never changes in an append-only log (a log whose
# database is replaced by another history needs its processes restarted anyway).
TILE_CACHE = TileCache(settings.LOG_TILE_CACHE_TILES)
# Without the shared cache, a call that proves many entries still reads each tile once.
CALL_CACHE_TILES = 256


def hash_reader(size: int, *, many: bool = False) -> TileHashReader:
    """Returns a tree HashReader for the tree of `size` leaves, backed by stored tiles.

    `many`: the reader serves many proofs in one call (a batch's receipts).
    """
    cache = TILE_CACHE if TILE_CACHE.capacity > 0 or not many else TileCache(CALL_CACHE_TILES)
    return TileHashReader(size, read_tiles, cache)


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
