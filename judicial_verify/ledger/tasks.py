"""Celery tasks of the ledger: thin, they call the integrator."""

from celery import shared_task
from django.core.cache import cache
from django.db import connection

from .integrate import LogBlocked, log_integrate

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


def integration_schedule() -> None:
    """Queues an integration unless one is already queued and not yet started."""
    if integrate_pending.app.conf.task_always_eager:
        # In-process there is no queue to flood, and a flag left by a lost task
        # must not hold up the embedded default.
        integrate_pending.apply()
    elif cache.add(scheduled_key(), True, timeout=SCHEDULED_TTL_SECONDS):
        integrate_pending.delay()
