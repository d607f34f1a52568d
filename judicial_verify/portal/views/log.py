"""The log page (/log/): its size, current checkpoint, the alliance's witnesses, verifier keys
(which are retired, and after which size), and the steps that verify a receipt offline, with
the verifier's wheel they install (/log/verifier/NAME.whl)."""

import logging

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from judicial_verify.ledger import read
from judicial_verify.ledger.models import Checkpoint
from judicial_verify.ledger.positions import position_parse

from ..alliance import Alliance, alliance_get
from ..offline_commands import (
    DOCUMENT,
    KEYS_FILE,
    POLICY_FILE,
    VENV,
    offline_commands,
    receipt_file,
)
from ..verifier_wheel import verifier_wheel

logger = logging.getLogger(__name__)

# The wheel's name changes with its contents (verifier_wheel), so a name is one file forever.
IMMUTABLE = "public, max-age=31536000, immutable"


def _alliance() -> Alliance | None:
    try:
        return alliance_get(language=get_language())
    except ImproperlyConfigured:
        # An unfit policy stops publication and /status says so; the page still shows the log.
        logger.exception("the log page cannot show the alliance")
        return None


def _record(text: str | None, checkpoint: Checkpoint | None) -> tuple[int | None, str]:
    """The record number `?record=` names, and what is wrong with it: "" (nothing, or no
    number asked for), "invalid" (not a number) or "missing" (none such published yet)."""
    if text is None:
        return None, ""
    try:
        index = position_parse(text.strip())
    except ValueError:
        return None, "invalid"
    if checkpoint is None or index >= checkpoint.size:
        return index, "missing"
    return index, ""


@require_safe
def log_page(request: HttpRequest) -> HttpResponse:
    try:
        checkpoint = read.checkpoint_latest()
    except read.NotFound:
        checkpoint = None
    keys = read.verifier_keys_as_of(checkpoint) if checkpoint else []
    retired = {key.vkey: key.last_size for key in read.key_list()}
    alliance = _alliance()
    asked, record_error = _record(request.GET.get("record"), checkpoint)
    index = None if record_error else asked
    receipt = "entry-NUMBER.tlog-proof" if index is None else receipt_file(index)
    wheel = verifier_wheel()
    wheel_path = reverse("portal:verifier-wheel", kwargs={"filename": wheel.filename})
    receipt_path = (
        None if index is None else reverse("api:entries-receipt", kwargs={"index": index})
    )
    policy_path = None if alliance is None else reverse("ledger:policy")
    context = {
        "origin": settings.LOG_ORIGIN,
        "checkpoint": checkpoint,
        "note": bytes(checkpoint.note).decode() if checkpoint else "",
        # Each key with the last size it signed if it is retired (else None).
        "keys": [(vkey, retired.get(vkey)) for vkey in keys],
        "current_key": checkpoint.key.vkey if checkpoint else None,
        "alliance": alliance,
        "wheel": wheel,
        "wheel_path": wheel_path,
        "record": index,
        "record_asked": asked,
        "record_error": record_error,
        "receipt_path": receipt_path,
        "receipt_file": receipt,
        "venv": VENV,
        "keys_file": KEYS_FILE,
        "policy_file": POLICY_FILE,
        "document": DOCUMENT,
        "commands": offline_commands(
            wheel_url=request.build_absolute_uri(wheel_path),
            wheel_sha256=wheel.sha256,
            keys_url=request.build_absolute_uri(reverse("ledger:keys")),
            policy_url=None if policy_path is None else request.build_absolute_uri(policy_path),
            receipt_url=None if receipt_path is None else request.build_absolute_uri(receipt_path),
            receipt=receipt,
        ),
    }
    return render(request, "portal/log.html", context, status=400 if record_error else 200)


@require_safe
def verifier_wheel_download(request: HttpRequest, filename: str) -> HttpResponse:
    """The offline verifier's wheel, by the one name it has while these sources are served."""
    wheel = verifier_wheel()
    if filename != wheel.filename:
        raise Http404("no such wheel")
    response = HttpResponse(wheel.data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{wheel.filename}"'
    response["Cache-Control"] = IMMUTABLE
    return response
