"""Django's PostgreSQL backend, with a health check that needs no round trip.

With CONN_HEALTH_CHECKS, Django checks a kept connection before each request uses it by
running SELECT 1: a round trip that cost public verification a tenth of its CPU
(benchmarks/RESULTS.md). A server that ends a connection (a restart, pg_terminate_backend,
idle_session_timeout) says so and closes its end, which leaves something to read on the
idle socket. So: nothing to read, and the connection is as usable as SELECT 1 would have
found it; something to read, and Django's own check decides. (A server that vanished
without a word is found by neither check until the network gives up.)
"""

import select
from typing import Any

import psycopg
from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus


class DatabaseWrapper(base.DatabaseWrapper):
    _kept_cursor: "psycopg.Cursor[Any] | None" = None

    def kept_cursor(self) -> "psycopg.Cursor[Any]":
        """A psycopg cursor of the open connection, kept for as long as that connection is.

        It binds parameters on the server, as Django's cursors do not, so a statement it
        runs can be prepared (records/rows.py). Kept, its row loaders are looked up once
        per connection rather than once per statement: a sixth of the statement's CPU.
        """
        cursor = self._kept_cursor
        if cursor is None or cursor.connection is not self.connection or cursor.closed:
            cursor = self._kept_cursor = psycopg.Cursor(self.connection)
        return cursor

    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if connection.info.transaction_status != TransactionStatus.IDLE:
            return bool(super().is_usable())
        return bool(super().is_usable()) if _readable(connection.fileno()) else True


def _readable(fd: int) -> bool:
    """Whether the socket has something to read, or has been closed, without waiting."""
    if hasattr(select, "poll"):  # poll, unlike select, takes descriptors past 1023
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        return bool(poller.poll(0))
    return bool(select.select([fd], [], [], 0)[0])
