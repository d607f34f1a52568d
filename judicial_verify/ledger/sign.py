"""Signing checkpoints: the publisher's stage (publish.py) before the witnesses cosign."""

from collections.abc import Callable

from django.conf import settings
from django.utils import timezone

from judicial_verify.tlog.checkpoint import Checkpoint as CheckpointBody
from judicial_verify.tlog.checkpoint import format_checkpoint
from judicial_verify.tlog.note import sign_note

from .keys import log_signer, verifier_key_record
from .models import Checkpoint


def _unchanged(note: bytes) -> bytes:
    return note


def checkpoint_sign(
    *, size: int, root_hash: bytes, cosign: Callable[[bytes], bytes] = _unchanged
) -> Checkpoint:
    """Signs a checkpoint of the tree of `size` leaves with `root_hash`, has `cosign` return
    the signed note with the cosignatures it needs, and stores that."""
    signer = log_signer()
    key = verifier_key_record(signer)
    signed = timezone.now()
    body = format_checkpoint(CheckpointBody(settings.LOG_ORIGIN, size, root_hash))
    note = sign_note(body, [signer])
    return Checkpoint.objects.create(
        size=size, root_hash=root_hash, note=cosign(note), key=key, signed=signed
    )
