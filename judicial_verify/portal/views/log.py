"""The log page (/log/): its size, current checkpoint, verifier keys (which are retired, and
after which size), and how to check a receipt offline."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from judicial_verify.ledger import read


@require_safe
def log_page(request: HttpRequest) -> HttpResponse:
    try:
        checkpoint = read.checkpoint_latest()
    except read.NotFound:
        checkpoint = None
    keys = read.verifier_keys_as_of(checkpoint) if checkpoint else []
    retired = {key.vkey: key.last_size for key in read.key_list()}
    context = {
        "origin": settings.LOG_ORIGIN,
        "checkpoint": checkpoint,
        "note": bytes(checkpoint.note).decode() if checkpoint else "",
        # Each key with the last size it signed if it is retired (else None).
        "keys": [(vkey, retired.get(vkey)) for vkey in keys],
        "current_key": checkpoint.key.vkey if checkpoint else None,
    }
    return render(request, "portal/log.html", context)
