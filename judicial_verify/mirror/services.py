"""Catching up with a followed log: fetch, verify (tlog.follow), store in one transaction."""

import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.db import transaction

from judicial_verify.tlog.checkpoint import origin_hash
from judicial_verify.tlog.follow import Chunk, Fetch, Held, catch_up, checkpoint_verify
from judicial_verify.tlog.policy import Policy
from judicial_verify.tlog.tile import ENTRIES_LEVEL, TILE_WIDTH, edge_tiles, parse_entry_bundle
from judicial_verify.tlog.tree import EMPTY_ROOT

from .models import MirrorCheckpoint, MirroredLog, MirrorTile

FETCH_TIMEOUT = 30.0
"""Seconds to wait for the followed log's answer to one request."""
# The largest entry bundle: 256 entries of 65,535 bytes, each with its 2-byte length.
MAX_RESPONSE_BYTES = TILE_WIDTH * (2 + 0xFFFF)
FETCH_CONCURRENCY = 8
"""Requests to the followed log at once: a chunk's bundles or tiles are fetched together."""


class FetchError(Exception):
    """The followed log did not answer a request; the message names it."""


def http_fetch(url: str, *, timeout: float = FETCH_TIMEOUT) -> Fetch:
    """Returns a tlog.follow Fetch reading paths below the log's base URL over HTTP(S),
    up to FETCH_CONCURRENCY of them at once."""
    base = url if url.endswith("/") else url + "/"
    if not base.startswith(("http://", "https://")):
        raise FetchError(f"{url} is not an http:// or https:// URL")

    def get(path: str) -> bytes:
        try:
            with urllib.request.urlopen(base + path, timeout=timeout) as response:  # noqa: S310
                data: bytes = response.read(MAX_RESPONSE_BYTES + 1)
        except urllib.error.HTTPError as e:
            raise FetchError(f"GET {base}{path} answered {e.code} {e.reason}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as e:
            raise FetchError(f"GET {base}{path} failed: {e}") from None
        if len(data) > MAX_RESPONSE_BYTES:
            raise FetchError(
                f"GET {base}{path} answered more than {MAX_RESPONSE_BYTES} bytes, "
                f"more than any checkpoint, tile or entry bundle"
            )
        return data

    def fetch(paths: Sequence[str]) -> list[bytes]:
        if len(paths) == 1:
            return [get(paths[0])]
        with ThreadPoolExecutor(max_workers=FETCH_CONCURRENCY) as pool:
            return list(pool.map(get, paths))

    return fetch


@dataclass(frozen=True)
class CaughtUp:
    """What one catch-up did: the copy of `origin` grew from old_size to new_size."""

    origin: str
    old_size: int
    new_size: int


def _held(log: MirroredLog) -> Held:
    latest = log.checkpoints.order_by("-id").first()
    if latest is None:
        return Held(size=0, root_hash=EMPTY_ROOT, edge={}, tail=())
    size = latest.size
    wanted = {(t.level, t.index) for t in edge_tiles(size)}
    if size % TILE_WIDTH:
        wanted.add((ENTRIES_LEVEL, size // TILE_WIDTH))
    rows = log.tiles.filter(level__in={level for level, _ in wanted}).filter(
        index__in={index for _, index in wanted}
    )
    stored = {
        (level, index): bytes(data)
        for level, index, data in rows.values_list("level", "index", "data")
        if (level, index) in wanted
    }
    tail = parse_entry_bundle(stored.get((ENTRIES_LEVEL, size // TILE_WIDTH), b""))
    edge = {t.level: stored.get((t.level, t.index), b"") for t in edge_tiles(size)}
    return Held(size=size, root_hash=bytes(latest.root_hash), edge=edge, tail=tail)


def _chunk_store(log: MirroredLog, chunk: Chunk) -> None:
    rows: Mapping[tuple[int, int], bytes] = {
        **{(ENTRIES_LEVEL, index): data for index, data in chunk.bundles.items()},
        **chunk.tiles,
    }
    MirrorTile.objects.bulk_create(
        [
            MirrorTile(log=log, level=level, index=index, data=data)
            for (level, index), data in rows.items()
        ],
        update_conflicts=True,
        unique_fields=["log", "level", "index"],
        update_fields=["data"],
    )


@transaction.atomic
def mirror_catch_up(*, fetch: Fetch, policy: Policy) -> CaughtUp:
    """Verifies the followed log's newest checkpoint and stores the copy grown to it.

    Raises FetchError, or a TlogError (tlog.follow.FollowError on an inconsistency, a
    NoteError or QuorumError on a checkpoint the policy does not accept); then nothing
    is stored.
    """
    (note,) = fetch(["checkpoint"])
    checkpoint, _ = checkpoint_verify(note, policy)
    log, _ = MirroredLog.objects.get_or_create(
        origin=checkpoint.origin, defaults={"origin_hash": origin_hash(checkpoint.origin)}
    )
    # Two catch-ups of one log take turns, each seeing what the last stored.
    log = MirroredLog.objects.select_for_update().get(pk=log.pk)
    held = _held(log)
    for chunk in catch_up(fetch=fetch, held=held, checkpoint=checkpoint):
        _chunk_store(log, chunk)
    # The same tree signed again (a new key, more cosignatures) is kept too: the mirror
    # serves what the log serves.
    latest = log.checkpoints.order_by("-id").values_list("note", flat=True).first()
    if latest is None or bytes(latest) != note:
        MirrorCheckpoint.objects.create(
            log=log, size=checkpoint.size, root_hash=checkpoint.root_hash, note=note
        )
    return CaughtUp(origin=checkpoint.origin, old_size=held.size, new_size=checkpoint.size)
