"""The witness's writes: trusting a log's key, and cosigning a checkpoint (C2SP tlog-witness v1).

checkpoint_add makes the spec's checks in the spec's terms, then records the
new checkpoint with one conditional UPDATE ... WHERE size = <old size>: the
check of the old size and the write are one atomic step, so a slower request
for a smaller tree can never overwrite a larger one it raced with.
"""

import time

from django.db import transaction
from django.utils import timezone

from judicial_verify.tlog.checkpoint import Checkpoint, origin_hash, parse_checkpoint
from judicial_verify.tlog.cosignature import (
    AddCheckpoint,
    format_signature_line,
    parse_add_checkpoint,
)
from judicial_verify.tlog.errors import (
    ConsistencyProofError,
    MalformedError,
    NoteError,
    RetiredKeyError,
)
from judicial_verify.tlog.key_list import ListedKey, check_not_retired
from judicial_verify.tlog.note import Note, Verifier, open_note
from judicial_verify.tlog.tree import EMPTY_ROOT, verify_consistency

from .keys import witness_cosigner
from .models import TrustedKey, WitnessedLog

# Sizes are stored as PostgreSQL bigint; no real log comes near 2**63 leaves.
MAX_STORED_SIZE = 2**63 - 1


class WitnessRefusal(Exception):
    """A request the witness does not cosign; each subclass is one answer of the spec."""


class MalformedRequest(WitnessRefusal):
    """The body is not an add-checkpoint request, or its old size exceeds the checkpoint's."""


class UnknownLog(WitnessRefusal):
    """The checkpoint's origin is not a log this witness cosigns for."""


class NotSignedByLog(WitnessRefusal):
    """No valid signature by a trusted key of the log, or an invalid one by such a key, or a
    signature by a key the log retired on a tree larger than the last one it signed."""


class RetirementRefused(Exception):
    """A retirement the witness cannot record: the key is known as retired at another size
    (a retirement is final), or the size is beyond any it stores."""


class OldSizeConflict(WitnessRefusal):
    """The old size is not the size of the latest checkpoint cosigned for the log."""

    def __init__(self, size: int) -> None:
        super().__init__(f"the latest checkpoint cosigned for this log has size {size}")
        self.size = size


class Inconsistent(WitnessRefusal):
    """The checkpoint is not consistent with the one cosigned before: a fork, or a bad proof."""


def log_trust(
    *, vkey: str, origin: str | None = None, last_size: int | None = None
) -> WitnessedLog:
    """Makes the witness accept checkpoints signed by vkey for the log `origin`, by default
    the key's name (as C2SP logs name their keys; the Go checksum database's origin, `go.sum
    database tree`, is not its key's name); with `last_size`, the log retired the key after
    signing that size, and only checkpoints up to it are accepted with its signature.

    Raises NoteError if vkey is not a note verifier key, MalformedError if origin cannot be
    a checkpoint's origin line, RetirementRefused if the key is known as retired at another
    size or the size is beyond 2**63-1. Trusting a key twice changes nothing; the log's
    cosigned state is kept when a key is added or retired.
    """
    verifier = Verifier(vkey)
    origin = verifier.name if origin is None else origin
    Checkpoint(origin, 0, EMPTY_ROOT)  # refuses what no checkpoint could name as its origin
    if last_size is not None and last_size > MAX_STORED_SIZE:
        raise RetirementRefused(f"size {last_size} is beyond 2**63-1")
    with transaction.atomic():
        log, _ = WitnessedLog.objects.get_or_create(
            origin=origin, defaults={"origin_hash": origin_hash(origin), "root_hash": EMPTY_ROOT}
        )
        key, _ = TrustedKey.objects.select_for_update().get_or_create(
            vkey=vkey, defaults={"log": log, "last_size": last_size}
        )
        if last_size is not None and key.last_size != last_size:
            if key.last_size is not None:
                raise RetirementRefused(
                    f"the key is already known as retired after size {key.last_size}"
                )
            key.last_size = last_size
            key.save(update_fields=["last_size"])
    return log


def _origin(note: bytes) -> str:
    # The origin is the note's first line; the note is only opened once the
    # origin tells which keys to open it with.
    try:
        return note.split(b"\n", 1)[0].decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedRequest("the checkpoint is not UTF-8") from None


def _open_checkpoint(request: AddCheckpoint) -> tuple[WitnessedLog, Note, Checkpoint]:
    origin = _origin(request.checkpoint)
    # By the origin's hash: the origin is the client's text, and may hold
    # bytes (NUL) that PostgreSQL refuses in a text parameter.
    log = WitnessedLog.objects.filter(origin_hash=origin_hash(origin)).first()
    if log is None:
        raise UnknownLog(f"this witness does not cosign for the log {origin!r}")
    keys = [ListedKey(Verifier(key.vkey), key.last_size) for key in log.keys.all()]
    verifiers = [key.verifier for key in keys]
    try:
        note = open_note(request.checkpoint, verifiers)
    except NoteError as e:
        # A note that does not open carries no valid signature by a trusted
        # key, whatever else is wrong with it: the spec's 403, as in
        # litewitness, which reads a signature line this stricter parser
        # refuses before ever verifying it.
        raise NotSignedByLog(f"the checkpoint is not signed by the log: {e}") from None
    try:
        checkpoint = parse_checkpoint(note.text)
    except MalformedError as e:
        raise MalformedRequest(str(e)) from None
    retired = {key.verifier: key.last_size for key in keys if key.last_size is not None}
    try:
        check_not_retired(checkpoint.size, note.sigs, verifiers, retired)
    except RetiredKeyError as e:
        raise NotSignedByLog(f"{e}: it is not the log's") from None
    return log, note, checkpoint


def _check_consistency(request: AddCheckpoint, log: WitnessedLog, checkpoint: Checkpoint) -> None:
    if request.old_size > checkpoint.size:
        raise MalformedRequest(
            f"old size {request.old_size} is larger than the checkpoint's size {checkpoint.size}"
        )
    if checkpoint.size > MAX_STORED_SIZE:
        raise MalformedRequest(f"checkpoint size {checkpoint.size} is beyond 2**63-1")
    if checkpoint.size == 0 and checkpoint.root_hash != EMPTY_ROOT:
        raise Inconsistent("a checkpoint of size 0 must have the empty tree's root hash")
    if request.old_size != log.size:
        raise OldSizeConflict(log.size)
    try:
        verify_consistency(
            size1=log.size,
            size2=checkpoint.size,
            proof=request.proof,
            root1=bytes(log.root_hash),
            root2=checkpoint.root_hash,
        )
    except ConsistencyProofError as e:
        raise Inconsistent(f"not consistent with the checkpoint cosigned before: {e}") from None


def checkpoint_add(*, body: bytes) -> str:
    """Cosigns the checkpoint of an add-checkpoint request body; returns the cosignature line.

    Raises a WitnessRefusal subclass for each refusal the spec names. The
    new checkpoint is stored before this returns.
    """
    try:
        request = parse_add_checkpoint(body)
    except MalformedError as e:
        raise MalformedRequest(str(e)) from None
    log, note, checkpoint = _open_checkpoint(request)
    _check_consistency(request, log, checkpoint)
    cosignature = witness_cosigner().cosign(note.text, int(time.time()))
    signed = [*(format_signature_line(s) for s in note.sigs), format_signature_line(cosignature)]
    swapped = WitnessedLog.objects.filter(pk=log.pk, size=request.old_size).update(
        size=checkpoint.size,
        root_hash=checkpoint.root_hash,
        note=(note.text + "\n" + "".join(signed)).encode("utf-8"),
        cosigned=timezone.now(),
    )
    if swapped != 1:
        raise OldSizeConflict(WitnessedLog.objects.get(pk=log.pk).size)
    return format_signature_line(cosignature)
