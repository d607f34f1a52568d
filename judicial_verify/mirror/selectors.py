"""What a mirror serves: its copies' newest checkpoints, tiles and entry bundles."""

from judicial_verify.tlog.tile import (
    ENTRIES_LEVEL,
    Tile,
    format_entry_bundle,
    parse_entry_bundle,
    tile_width_at,
)
from judicial_verify.tlog.tree import HASH_SIZE

from .models import MirrorCheckpoint, MirrorTile


class NotFound(Exception):
    """The mirror holds no such log, checkpoint or tile."""


def _latest(origin_hash: str) -> MirrorCheckpoint:
    latest = MirrorCheckpoint.objects.filter(log__origin_hash=origin_hash).order_by("-id").first()
    if latest is None:
        raise NotFound(f"this mirror holds no log whose origin hashes to {origin_hash}")
    return latest


def mirror_checkpoint_get(*, origin_hash: str) -> bytes:
    """Returns the newest checkpoint note the mirror verified of the log."""
    return bytes(_latest(origin_hash).note)


def mirror_tile_get(*, origin_hash: str, tile: Tile) -> bytes:
    """Returns a hash tile or entry bundle of the log's copy, as of its newest checkpoint.

    As the log's own tiles API: a partial tile at any width it has reached.
    """
    latest = _latest(origin_hash)
    if tile_width_at(tile.level, tile.index, latest.size) < tile.width:
        raise NotFound(f"{tile.path} does not exist at tree size {latest.size}")
    data = bytes(
        MirrorTile.objects.filter(log_id=latest.log_id, level=tile.level, index=tile.index)
        .values_list("data", flat=True)
        .get()
    )
    if tile.level == ENTRIES_LEVEL:
        return format_entry_bundle(parse_entry_bundle(data)[: tile.width])
    return data[: tile.width * HASH_SIZE]
