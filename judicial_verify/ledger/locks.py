"""The ledger's two locks, each held to the end of the transaction that takes it.

Integrators take turns by the log head's row (integrate.py); publishers, and a key rotation,
by the publishers' lock (publish.py, keys.py). Two locks, so that integration goes on while a
publisher waits on its witnesses.
"""

from django.db import connection
from django.db.transaction import TransactionManagementError

from .models import LogHead

# On PostgreSQL the publishers' lock is an advisory lock of the transaction, on a number
# nothing else in the database locks.
PUBLISHER_LOCK = "SELECT pg_advisory_xact_lock(%s)"
PUBLISHER_LOCK_ID = 0x6A76_7075_626C  # "jvpubl"


def head_lock() -> LogHead:
    """Locks the log head's row and returns it; creates it for a new log."""
    LogHead.objects.get_or_create(pk=1)
    return LogHead.objects.select_for_update().get(pk=1)


def publisher_lock() -> None:
    """Takes the publishers' lock. On SQLite every transaction holds the database's write
    lock from its start (settings: transaction_mode IMMEDIATE), which serves as well."""
    if not connection.in_atomic_block:
        raise TransactionManagementError("the publishers' lock is taken inside a transaction")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(PUBLISHER_LOCK, [PUBLISHER_LOCK_ID])
