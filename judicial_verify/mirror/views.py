"""A mirror's copies, served read-only as C2SP tlog-tiles below /mirror/<origin hash>/."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_safe

from judicial_verify.ledger.views import BINARY, ERROR, IMMUTABLE, MUTABLE, TEXT
from judicial_verify.tlog.errors import TileError
from judicial_verify.tlog.tile import parse_tile_path

from . import selectors


def _text(body: str, status: int = 200, cache: str = MUTABLE) -> HttpResponse:
    response = HttpResponse(body, content_type=TEXT, status=status)
    response["Cache-Control"] = cache
    return response


@require_safe
def checkpoint(request: HttpRequest, origin_hash: str) -> HttpResponse:
    try:
        note = selectors.mirror_checkpoint_get(origin_hash=origin_hash)
    except selectors.NotFound as e:
        return _text(f"{e}\n", status=404, cache=ERROR)
    return _text(note.decode())


@require_safe
@gzip_page
def tile(request: HttpRequest, origin_hash: str, path: str) -> HttpResponse:
    try:
        data = selectors.mirror_tile_get(origin_hash=origin_hash, tile=parse_tile_path(path))
    except TileError as e:
        return _text(f"{e}\n", status=400, cache=ERROR)
    except selectors.NotFound as e:
        return _text(f"{e}\n", status=404, cache=ERROR)
    response = HttpResponse(data, content_type=BINARY)
    response["Cache-Control"] = IMMUTABLE
    return response
