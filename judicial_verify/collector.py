"""Pausing Python's cyclic garbage collector for a block that makes many lasting objects.

A node's batch of 1,000 records makes some 50,000 objects, nearly all of which live until
its answer is sent and are then freed by reference counting. While they live, each young
collection (every 700 allocations) scans the survivors again and moves them up, and the
older generations fill until a full collection scans them all: a tenth of the request's
time, to free nothing. Raising the collector's thresholds for the whole process did as
much for batches, but made the slowest of the other requests' answers four times as slow
(judicial_verify/wsgi.py), so only such a block pauses it.
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Runs the block with the collector paused, and resumes it after, if it was running.

    The pause is the process's: another thread's objects wait for the block's end too.
    Nothing is lost meanwhile; garbage in reference cycles is only freed later.
    """
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()
