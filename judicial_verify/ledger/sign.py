"""Signing checkpoints: the last stage of integration."""

from django.conf import settings
from django.utils import timezone

from judicial_verify.tlog.checkpoint import Checkpoint as CheckpointBody
from judicial_verify.tlog.checkpoint import format_checkpoint
from judicial_verify.tlog.note import sign_note

from .keys import log_signer, verifier_key_record
from .models import Checkpoint


def checkpoint_sign(*, size: int, root_hash: bytes) -> Checkpoint:
    """Signs and stores a checkpoint for the tree of `size` leaves with `root_hash`."""
    signer = log_signer()
    body = format_checkpoint(CheckpointBody(settings.LOG_ORIGIN, size, root_hash))
    return Checkpoint.objects.create(
        size=size,
        root_hash=root_hash,
        note=sign_note(body, [signer]),
        key=verifier_key_record(signer),
        signed=timezone.now(),
    )
