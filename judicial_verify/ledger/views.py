"""The C2SP tlog-tiles HTTP API, the published verifier keys and witness policy. Thin: read.py
and witnessing.py do the work."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_safe

from judicial_verify.tlog.errors import TileError
from judicial_verify.tlog.key_list import format_key_list
from judicial_verify.tlog.tile import Tile, parse_tile_path

from . import read, witnessing

TEXT = "text/plain; charset=utf-8"
BINARY = "application/octet-stream"
# A tile path names the same bytes forever, partial ones included (.p/W fixes
# the width), so every tile may be cached for good; the checkpoint changes.
IMMUTABLE = "public, max-age=31536000, immutable"
MUTABLE = "public, max-age=2"
ERROR = "no-store"


def text_response(body: str, status: int = 200, cache: str = MUTABLE) -> HttpResponse:
    response = HttpResponse(body, content_type=TEXT, status=status)
    response["Cache-Control"] = cache
    return response


def saved_as(response: HttpResponse, filename: str) -> HttpResponse:
    """Shown in the browser, and saved under `filename`: the name the offline verifier's
    steps (the log page's) give the file."""
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def tile_response(
    path: str, tile_read: Callable[[Tile], bytes], not_found: type[Exception]
) -> HttpResponse:
    """A tile's bytes by its tlog-tiles path, from `tile_read` (which raises `not_found` for
    a tile it lacks): the log's own tiles and a mirror's copies answer alike."""
    try:
        data = tile_read(parse_tile_path(path))
    except TileError as e:
        return text_response(f"{e}\n", status=400, cache=ERROR)
    except not_found as e:
        return text_response(f"{e}\n", status=404, cache=ERROR)
    response = HttpResponse(data, content_type=BINARY)
    response["Cache-Control"] = IMMUTABLE
    return response


@require_safe
def checkpoint(request: HttpRequest) -> HttpResponse:
    try:
        note = read.checkpoint_latest().note
    except read.NotFound as e:
        return text_response(f"{e}\n", status=404, cache=ERROR)
    return text_response(bytes(note).decode())


@require_safe
@gzip_page
def tile(request: HttpRequest, path: str) -> HttpResponse:
    return tile_response(path, read.tile_get, read.NotFound)


@require_safe
def key(request: HttpRequest) -> HttpResponse:
    """The verifier key of the newest checkpoint, as one text line."""
    try:
        vkey = read.checkpoint_latest().key.vkey
    except read.NotFound as e:
        return text_response(f"{e}\n", status=404, cache=ERROR)
    return text_response(f"{vkey}\n")


@require_safe
def keys(request: HttpRequest) -> HttpResponse:
    """The log's key list: every verifier key that ever signed a checkpoint, newest first, one
    a line, a retired one followed by ` retired <size of the last tree it signed>`."""
    response = text_response(format_key_list((k.vkey, k.last_size) for k in read.key_list()))
    return saved_as(response, "log.keys")


@require_safe
def policy(request: HttpRequest) -> HttpResponse:
    """The log's C2SP tlog-policy file as it is configured, byte for byte; 404 without one."""
    loaded = witnessing.witness_policy()
    if loaded is None:
        return text_response("this log has no witness policy (quorum none)\n", 404, ERROR)
    response = HttpResponse(loaded.text, content_type=TEXT)
    response["Cache-Control"] = MUTABLE
    return saved_as(response, "log.policy")
