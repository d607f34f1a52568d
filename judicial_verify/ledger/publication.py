"""Waiting for publication: until submitted entries are covered by a signed checkpoint.

An entry and the checkpoint that first covers it are written in one
transaction, so an integrated entry is always covered: waiting for the Entry
row is waiting for the checkpoint. Like Tessera's PublicationAwaiter.
"""

import time
from collections.abc import Sequence

from .models import Entry


class PublicationTimeout(Exception):
    """The entries were not all integrated within the allowed time."""


POLL_FIRST_SECONDS = 0.005
POLL_MAX_SECONDS = 0.1


def entries_await(*, submissions: Sequence[int], timeout: float) -> list[int]:
    """Returns the index of each submission once all are in a signed checkpoint.

    Raises PublicationTimeout after `timeout` seconds; they stay pending and
    will still be integrated.
    """
    deadline = time.monotonic() + timeout
    delay = POLL_FIRST_SECONDS
    while True:
        found = dict(
            Entry.objects.filter(submission__in=submissions).values_list("submission", "index")
        )
        if len(found) == len(set(submissions)):
            return [found[s] for s in submissions]
        if time.monotonic() + delay > deadline:
            raise PublicationTimeout(f"{len(submissions) - len(found)} entries still pending")
        time.sleep(delay)
        delay = min(delay * 2, POLL_MAX_SECONDS)
