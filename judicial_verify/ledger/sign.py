"""Signing checkpoints: the publisher's stage (publish.py), with the witnesses' cosignatures."""

from django.conf import settings
from django.utils import timezone

from judicial_verify.tlog.checkpoint import Checkpoint as CheckpointBody
from judicial_verify.tlog.checkpoint import format_checkpoint
from judicial_verify.tlog.note import sign_note

from . import read
from .keys import log_signer, verifier_key_record
from .models import Checkpoint
from .witnessing import checkpoint_cosign


def checkpoint_sign(*, size: int, root_hash: bytes) -> Checkpoint:
    """Signs and stores a checkpoint for the tree of `size` integrated leaves with
    `root_hash`, with the cosignatures of the witnesses' quorum (witnessing.py); raises
    QuorumNotMet without it."""
    signer = log_signer()
    key = verifier_key_record(signer)
    signed = timezone.now()
    body = format_checkpoint(CheckpointBody(settings.LOG_ORIGIN, size, root_hash))
    previous = Checkpoint.objects.order_by("-id").values_list("size", flat=True).first()
    note = checkpoint_cosign(
        sign_note(body, [signer]),
        size,
        previous or 0,
        lambda old: read.integrated_consistency_proof(old, size),
    )
    return Checkpoint.objects.create(
        size=size, root_hash=root_hash, note=note, key=key, signed=signed
    )
