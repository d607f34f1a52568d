"""C2SP tlog-witness v1 over HTTP: add-checkpoint, and the monitors' checkpoint read.

Machine endpoints with text bodies, like the tiles API: no session, no CSRF
token, errors as one line of plain text. Thin: services and selectors do the work.
"""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from judicial_verify.tlog.cosignature import TLOG_SIZE_CONTENT_TYPE, format_tlog_size

from . import selectors, services

TEXT = "text/plain; charset=utf-8"
# The largest request: 63 proof lines and a checkpoint with up to note.py's
# 100 signatures fit in far less; past this the body is not read at all.
MAX_REQUEST_BYTES = 64 * 1024
# The spec lets a witness delay the monitors' view by up to an hour; a minute
# keeps it fresh while letting a cache in front absorb the reads.
CHECKPOINT_CACHE = "public, max-age=60"

STATUSES: dict[type[services.WitnessRefusal], int] = {
    services.MalformedRequest: 400,
    services.NotSignedByLog: 403,
    services.UnknownLog: 404,
    services.Inconsistent: 422,
}


def _text(body: str, status: int) -> HttpResponse:
    response = HttpResponse(body, content_type=TEXT, status=status)
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt
@require_POST
def add_checkpoint(request: HttpRequest) -> HttpResponse:
    body = request.read(MAX_REQUEST_BYTES + 1)
    if len(body) > MAX_REQUEST_BYTES:
        return _text(f"the request is larger than {MAX_REQUEST_BYTES} bytes\n", 413)
    try:
        cosignature = services.checkpoint_add(body=body)
    except services.OldSizeConflict as e:
        response = HttpResponse(
            format_tlog_size(e.size), content_type=TLOG_SIZE_CONTENT_TYPE, status=409
        )
        response["Cache-Control"] = "no-store"
        return response
    except services.WitnessRefusal as e:
        return _text(f"{e}\n", STATUSES[type(e)])
    return _text(cosignature, 200)


@require_safe
def checkpoint(request: HttpRequest, origin_hash: str) -> HttpResponse:
    try:
        note = selectors.checkpoint_cosigned(origin_hash=origin_hash)
    except selectors.NotCosigned as e:
        return _text(f"{e}\n", 404)
    response = HttpResponse(note, content_type=TEXT)
    response["Cache-Control"] = CHECKPOINT_CACHE
    return response
