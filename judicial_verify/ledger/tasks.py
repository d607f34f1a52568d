"""Celery tasks of the ledger: thin, they call the integrator and the publisher.

A submission queues an integration once it commits; an integration queues a publication
for when CHECKPOINT_INTERVAL allows one (publish.py), unless one is queued already; and a
publication that leaves anything integrated unpublished (integrated meanwhile, or another
publisher was first) queues the next.

So that no accepted entry is stranded when a worker dies mid-integration, every worker also
sweeps: it queues an integration when it starts and again every quarter of
INTEGRATION_BACKLOG_MAX_AGE (IntegrationSweep, a bootstep of the worker's consumer), which
queues a publication in turn, should one have been lost. Sweeps from several workers may
race each other and the submissions' tasks: integration takes one lock a batch, so the
extra tasks find nothing pending and end; publication takes one lock too, and signs nothing
within the interval.

What a task queues goes to the queue the task came from: it runs even where no worker
listens on the default queue.
"""

import logging
from typing import Any

from celery import Task, bootsteps, shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from .integrate import LogBlocked, log_integrate
from .publish import checkpoint_publish, log_publish, publication_delay
from .witnessing import QuorumNotMet

log = logging.getLogger(__name__)

# While this key exists an integration task is queued and not yet started, so
# further submissions need not queue another: a burst of a thousand calls
# queues one task, not a thousand. The timeout bounds the damage of a lost task.
SCHEDULED_TTL_SECONDS = 10


def scheduled_key() -> str:
    # Per database: logs (or test runs) sharing one Redis must not share the flag.
    return f"ledger:integration-scheduled:{connection.settings_dict['NAME']}"


def publication_key() -> str:
    # As scheduled_key, for a queued publication.
    return f"ledger:publication-scheduled:{connection.settings_dict['NAME']}"


def _queue(task: Task) -> str | None:
    """The queue `task` came from; None in-process."""
    info = task.request.delivery_info or {}
    queue = info.get("routing_key")
    return queue if isinstance(queue, str) else None


@shared_task(ignore_result=True, bind=True)
def integrate_pending(self: Task) -> int:
    """Integrates everything pending, and has it published; returns how many entries it
    added."""
    cache.delete(scheduled_key())
    try:
        added = log_integrate()
    except LogBlocked:
        # Reported by the integrator, once; failing the task would only repeat it each
        # sweep, and in-process fail the submission that queued it. What was integrated
        # before the block is still published.
        added = 0
    publication_schedule(queue=_queue(self))
    return added


@shared_task(ignore_result=True, bind=True)
def publish_integrated(self: Task) -> None:
    """Publishes everything integrated, if the interval allows, and queues the next
    publication if anything integrated is left unpublished."""
    cache.delete(publication_key())
    try:
        checkpoint_publish()
    except QuorumNotMet as e:
        # The entries stay integrated and unpublished; the next integration, or the next
        # sweep, asks the witnesses again, rather than this task at once and again.
        log.error("not published: %s", e)
        return
    publication_schedule(queue=_queue(self))


def publication_schedule(*, queue: str | None = None) -> None:
    """Has everything integrated published once the interval allows: queues a publication
    for then on `queue` (default: the default queue) unless one is queued already, or
    nothing waits for one. In-process, publishes here, waiting out the interval first."""
    if publish_integrated.app.conf.task_always_eager:
        try:
            log_publish()
        except QuorumNotMet as e:
            # As in publish_integrated; and the submission that queued this must not fail
            # for it.
            log.error("not published: %s", e)
        return
    delay = publication_delay()
    if delay is None:
        return
    if cache.add(publication_key(), True, timeout=int(delay) + SCHEDULED_TTL_SECONDS):
        queue = queue or publish_integrated.app.conf.task_default_queue
        publish_integrated.apply_async(countdown=delay, queue=queue)


def integration_schedule() -> None:
    """Queues an integration unless one is already queued and not yet started."""
    if integrate_pending.app.conf.task_always_eager:
        # In-process there is no queue to flood, and a flag left by a lost task
        # must not hold up the embedded default.
        integrate_pending.apply()
    elif cache.add(scheduled_key(), True, timeout=SCHEDULED_TTL_SECONDS):
        integrate_pending.delay()


def sweep_seconds() -> float:
    """How often a worker sweeps: four times within the age /status tolerates, so an entry
    left by a lost worker is integrated before the log counts as degraded."""
    return float(settings.INTEGRATION_BACKLOG_MAX_AGE) / 4


class IntegrationSweep(bootsteps.StartStopStep):
    """Queues an integration when the worker's consumer starts, and then periodically.

    The task goes to a queue this worker consumes, so it runs even where no other worker
    listens on the default queue. Queuing is all the step does: the worker's event loop
    runs it, and must not wait for the integration itself.
    """

    requires = ("celery.worker.consumer.tasks:Tasks",)

    def __init__(self, parent: Any, **kwargs: Any) -> None:
        super().__init__(parent, **kwargs)
        self.timer_entry: Any = None

    def start(self, parent: Any) -> None:
        queue = parent.task_consumer.queues[0].name
        self._sweep(queue)
        self.timer_entry = parent.timer.call_repeatedly(sweep_seconds(), self._sweep, (queue,))

    def stop(self, parent: Any) -> None:
        if self.timer_entry is not None:
            self.timer_entry.cancel()
            self.timer_entry = None

    @staticmethod
    def _sweep(queue: str) -> None:
        try:
            integrate_pending.apply_async(queue=queue)
        except Exception:  # the broker's failure, whatever it is: the next sweep retries
            log.exception("cannot queue the integration sweep")
