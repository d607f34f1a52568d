"""Signing checkpoints: the last stage of integration."""

from django.conf import settings
from django.utils import timezone

from judicial_verify.tlog.checkpoint import Checkpoint as CheckpointBody
from judicial_verify.tlog.checkpoint import format_checkpoint
from judicial_verify.tlog.note import sign_note
from judicial_verify.tlog.tile import TileHashReader
from judicial_verify.tlog.tree import consistency_proof

from .keys import log_signer, verifier_key_record
from .models import Checkpoint
from .tile_store import read_tiles
from .witnessing import checkpoint_cosign


def checkpoint_sign(*, size: int, root_hash: bytes) -> Checkpoint:
    """Signs and stores a checkpoint for the tree of `size` leaves with `root_hash`, with the
    cosignatures of the witnesses' quorum (witnessing.py); raises QuorumNotMet without it."""
    signer = log_signer()
    body = format_checkpoint(CheckpointBody(settings.LOG_ORIGIN, size, root_hash))
    previous = Checkpoint.objects.order_by("-id").values_list("size", flat=True).first()
    # The tiles may be this transaction's own, not yet committed: they are read afresh,
    # never through the tile cache other proofs share.
    reader = TileHashReader(size, read_tiles)
    note = checkpoint_cosign(
        sign_note(body, [signer]),
        size,
        previous or 0,
        lambda old: consistency_proof(old, size, reader),
    )
    return Checkpoint.objects.create(
        size=size,
        root_hash=root_hash,
        note=note,
        key=verifier_key_record(signer),
        signed=timezone.now(),
    )
