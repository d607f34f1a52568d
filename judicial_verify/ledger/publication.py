"""Waiting for publication: until submitted entries are covered by a published checkpoint.

An entry is integrated first and published later, by the next checkpoint (publish.py), so
waiting is looking for its Entry row below the newest checkpoint's size. Like Tessera's
PublicationAwaiter.
"""

import logging
import time
from collections.abc import Sequence

from django.db import InterfaceError, OperationalError, connection
from django.db.models import Subquery

from .integrate import LogBlocked, integration_blocked
from .models import Checkpoint, Entry

log = logging.getLogger(__name__)


class PublicationTimeout(Exception):
    """The entries were not all published within the allowed time."""


POLL_FIRST_SECONDS = 0.005
# A waiting node looks again at most this long after its last look. A look is one row
# found by a unique index, so looking often costs little; an answer found late holds the
# node's next batch back.
POLL_MAX_SECONDS = 0.02


def entries_await(*, submissions: Sequence[int], timeout: float) -> list[int]:
    """Returns the index of each submission once all are in a published checkpoint.

    Raises PublicationTimeout after `timeout` seconds, and LogBlocked as soon as the
    integrator has found the log blocked; either way they stay pending and will still be
    integrated and published. A database connection lost while waiting is replaced (outside a
    transaction): the entries are committed, so only the look is lost.
    """
    if not submissions:
        return []
    deadline = time.monotonic() + timeout
    delay = POLL_FIRST_SECONDS
    published = Entry.objects.filter(
        index__lt=Subquery(Checkpoint.objects.order_by("-id").values("size")[:1])
    )
    wanted = len(set(submissions))
    # While waiting it polls, with the query compiled once. Each poll first looks for the
    # newest submission alone, one row by a unique index: the integrator takes the oldest
    # pending entries first (integrate.py), and a checkpoint covers every entry integrated
    # before it, so the others are seldom still unpublished by then. Only then does it read
    # them all.
    newest = published.filter(submission=max(submissions)).values("pk")
    newest_sql, newest_params = newest.query.sql_with_params()
    every = published.filter(submission__any=submissions).values_list("submission", "index")
    sql, params = every.query.sql_with_params()

    def found(everything: bool) -> dict[int, int]:
        with connection.cursor() as cursor:
            if not everything:
                cursor.execute(f"SELECT EXISTS ({newest_sql})", newest_params)  # noqa: S608
                (newest_in,) = cursor.fetchone() or (False,)
                if not newest_in:
                    return {}
            cursor.execute(sql, params)
            return dict(cursor.fetchall())

    while True:
        last = time.monotonic() + delay > deadline
        try:
            indices = found(everything=last)
        except (OperationalError, InterfaceError):
            if last or connection.in_atomic_block:
                raise
            log.warning("the database connection failed while waiting; reconnecting")
            connection.close()
        else:
            if len(indices) == wanted:
                return [indices[s] for s in submissions]
            if (reason := integration_blocked()) is not None:
                raise LogBlocked(reason)
            if last:
                raise PublicationTimeout(f"{wanted - len(indices)} entries still pending")
        time.sleep(delay)
        delay = min(delay * 2, POLL_MAX_SECONDS)
