"""A mirror's copies, served read-only as C2SP tlog-tiles below /mirror/<origin hash>/."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_safe

from judicial_verify.ledger.views import ERROR, text_response, tile_response

from . import selectors


@require_safe
def checkpoint(request: HttpRequest, origin_hash: str) -> HttpResponse:
    try:
        note = selectors.mirror_checkpoint_get(origin_hash=origin_hash)
    except selectors.NotFound as e:
        return text_response(f"{e}\n", status=404, cache=ERROR)
    return text_response(note.decode())


@require_safe
@gzip_page
def tile(request: HttpRequest, origin_hash: str, path: str) -> HttpResponse:
    return tile_response(
        path,
        lambda tile: selectors.mirror_tile_get(origin_hash=origin_hash, tile=tile),
        selectors.NotFound,
    )
