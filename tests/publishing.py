"""The log's pipeline run by hand, as a worker runs it: integrate what is pending, then
publish a checkpoint of it (at once under the tests' CHECKPOINT_INTERVAL of 0); and a
publisher that holds back, to show who waits for publication rather than integration."""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

from judicial_verify.ledger.integrate import DEFAULT_BATCH_SIZE, log_integrate
from judicial_verify.ledger.models import PendingEntry
from judicial_verify.ledger.publish import checkpoint_publish, log_publish


def integrate_and_publish(*, batch_size: int = DEFAULT_BATCH_SIZE) -> int:
    """Integrates everything pending and publishes it; returns how many entries it added."""
    added = log_integrate(batch_size=batch_size)
    log_publish()
    return added


@contextmanager
def publication_held_back(seconds: float) -> Iterator[list[float]]:
    """In a thread of its own (so on a connection of its own: PostgreSQL), waits for an entry
    to be submitted, integrates it at once and publishes it only `seconds` later. Yields a
    list that then holds the time.monotonic() at which publishing started."""
    publishing: list[float] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            deadline = time.monotonic() + 30
            while not PendingEntry.objects.exists():
                assert time.monotonic() < deadline, "nothing was submitted"
                time.sleep(0.01)
            log_integrate()
            time.sleep(seconds)
            publishing.append(time.monotonic())
            checkpoint_publish()
        except BaseException as e:  # noqa: BLE001 (raised again in the test's thread)
            errors.append(e)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    try:
        yield publishing
    finally:
        thread.join()
    if errors:
        raise errors[0]
