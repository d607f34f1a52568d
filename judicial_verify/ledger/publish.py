"""The publisher: checkpoints of everything integrated, at most once per CHECKPOINT_INTERVAL.

Integration (integrate.py) appends entries and tiles and signs nothing. A publisher signs
a checkpoint of the tree as integrated so far, has the alliance's witnesses cosign it
(witnessing.py) and stores it: only then is it published, and every read is bounded by it
(read.py). However fast entries arrive, witnesses are asked, and auditors have to check, at
most one checkpoint an interval, as in Tessera.

Publishers take turns by a lock of their own, not the log head's, so integration goes on
while one waits on witnesses; it reads only what integration has committed (the head's
size, then the tiles, which grow only at the right and so cover that size). Under the lock
a publisher signs nothing while the newest checkpoint is younger than the interval: however
many workers publish, checkpoints are at least CHECKPOINT_INTERVAL apart. A key rotation
takes the same lock (keys.py), so no checkpoint is signed with a key being retired.
"""

import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import read
from .locks import publisher_lock
from .models import Checkpoint
from .sign import checkpoint_sign


def _newest() -> Checkpoint | None:
    return Checkpoint.objects.order_by("-id").only("size", "signed").first()


def _wait(newest: Checkpoint | None) -> float:
    """Seconds until the interval since `newest` was signed is over (0: it is)."""
    if newest is None:
        return 0.0
    age = (timezone.now() - newest.signed).total_seconds()
    return max(0.0, settings.CHECKPOINT_INTERVAL - age)


def _sign(size: int) -> Checkpoint:
    return checkpoint_sign(size=size, root_hash=read.integrated_root(size))


@transaction.atomic
def checkpoint_publish() -> Checkpoint | None:
    """Publishes a checkpoint of everything integrated and returns it; None, signing
    nothing, when the newest checkpoint covers it all already or was signed less than
    CHECKPOINT_INTERVAL ago. A new log's first checkpoint (its empty tree, so that it shows
    a checkpoint and its key from the start) is published at once. Raises QuorumNotMet,
    storing nothing, when the witnesses' cosignatures do not make the policy's quorum."""
    publisher_lock()
    newest = _newest()
    size = read.integrated_size()
    if newest is not None and (newest.size >= size or _wait(newest) > 0):
        return None
    return _sign(size)


@transaction.atomic
def checkpoint_refresh() -> Checkpoint:
    """Publishes the tree as integrated now, signed with the current key, whatever the
    interval (after a key rotation, so that the new key shows at once); raises QuorumNotMet
    as checkpoint_publish does."""
    publisher_lock()
    return _sign(read.integrated_size())


def publication_delay() -> float | None:
    """Seconds until what is integrated may be published (0: now); None when no integrated
    entry waits for a checkpoint."""
    newest = _newest()
    if (0 if newest is None else newest.size) >= read.integrated_size():
        return None
    return _wait(newest)


def log_publish() -> None:
    """Returns once a checkpoint covers everything integrated when called: publishes it in
    this process, waiting out the rest of the interval first. For callers that have no
    worker to leave it to (the embedded default's tasks, manage.py integrate). Raises
    QuorumNotMet as checkpoint_publish does, rather than ask the witnesses again at once."""
    size = read.integrated_size()
    while (newest := _newest()) is None or newest.size < size:
        time.sleep(_wait(newest))
        checkpoint_publish()
