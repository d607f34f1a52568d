"""The log page (/log/): its size, current checkpoint, the alliance's witnesses, verifier keys
(which are retired, and after which size), and how to check a receipt offline."""

import logging

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from judicial_verify.ledger import read

from ..alliance import Alliance, alliance_get

logger = logging.getLogger(__name__)


def _alliance() -> Alliance | None:
    try:
        return alliance_get(language=get_language())
    except ImproperlyConfigured:
        # An unfit policy stops publication and /status says so; the page still shows the log.
        logger.exception("the log page cannot show the alliance")
        return None


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
        "alliance": _alliance(),
    }
    return render(request, "portal/log.html", context)
