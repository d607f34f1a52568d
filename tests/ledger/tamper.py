"""Editing the database behind the ledger's back, as an attacker with database access would."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connection
from django.utils import timezone

from judicial_verify.ledger.models import Checkpoint, VerifierKey
from judicial_verify.tlog.checkpoint import Checkpoint as CheckpointBody
from judicial_verify.tlog.checkpoint import format_checkpoint
from judicial_verify.tlog.note import Signer, sign_note


@contextmanager
def guards_lifted(table: str) -> Iterator[None]:
    """Disables the append-only triggers on `table` (PostgreSQL; SQLite has none)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        # Django's foreign keys are deferred; ALTER TABLE wants no pending checks.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")  # noqa: S608 (fixed names)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")  # noqa: S608


def flip_byte(data: bytes, at: int) -> bytes:
    """Returns `data` with the byte at `at` changed to another printable one."""
    changed = bytearray(data)
    changed[at] = ord("A") if changed[at] != ord("A") else ord("B")
    return bytes(changed)


def checkpoint_forge(signer: Signer) -> Checkpoint:
    """Signs the tree as it stands with `signer` (a key the log never held, or one it retired),
    recording the key as the log's if it is not: the newest checkpoint the log publishes is
    then the forger's."""
    latest = Checkpoint.objects.latest()
    body = format_checkpoint(
        CheckpointBody(settings.LOG_ORIGIN, latest.size, bytes(latest.root_hash))
    )
    key, _ = VerifierKey.objects.get_or_create(
        vkey=signer.verifier_key,
        defaults={"key_id": f"{signer.key_id:08x}", "name": signer.name},
    )
    return Checkpoint.objects.create(
        size=latest.size,
        root_hash=latest.root_hash,
        note=sign_note(body, [signer]),
        key=key,
        signed=timezone.now(),
    )
