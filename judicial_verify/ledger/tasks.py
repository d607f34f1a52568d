"""Celery tasks of the ledger: thin, they call the integrator.

A submission queues an integration once it commits. So that no accepted entry is
stranded when a worker dies mid-integration, every worker also sweeps: it queues an
integration when it starts and again every quarter of INTEGRATION_BACKLOG_MAX_AGE
(IntegrationSweep, a bootstep of the worker's consumer). Sweeps from several workers may
race each other and the submissions' tasks: integration takes one lock a batch, so the
extra tasks find nothing pending and end.
"""

import logging
from typing import Any

from celery import bootsteps, shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from .integrate import LogBlocked, log_integrate
from .witnessing import QuorumNotMet

log = logging.getLogger(__name__)

# While this key exists an integration task is queued and not yet started, so
# further submissions need not queue another: a burst of a thousand calls
# queues one task, not a thousand. The timeout bounds the damage of a lost task.
SCHEDULED_TTL_SECONDS = 10


def scheduled_key() -> str:
    # Per database: logs (or test runs) sharing one Redis must not share the flag.
    return f"ledger:integration-scheduled:{connection.settings_dict['NAME']}"


@shared_task(ignore_result=True)
def integrate_pending() -> int:
    """Integrates everything pending; returns how many entries it added."""
    cache.delete(scheduled_key())
    try:
        return log_integrate()
    except LogBlocked:
        # Reported by the integrator, once; failing the task would only repeat it each
        # sweep, and in-process fail the submission that queued it.
        return 0
    except QuorumNotMet as e:
        # The entries stay pending and the next sweep asks the witnesses again; in-process,
        # the submission that queued this must not fail for it.
        log.error("not published: %s", e)
        return 0


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
