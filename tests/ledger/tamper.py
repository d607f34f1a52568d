"""Editing the database behind the ledger's back, as an attacker with database access would."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


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
