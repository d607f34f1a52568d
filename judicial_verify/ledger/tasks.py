"""Celery tasks of the ledger: thin, they call the integrator."""

from celery import shared_task
from django.core.cache import cache

from .integrate import log_integrate

# While this key exists an integration task is queued and not yet started, so
# further submissions need not queue another: a burst of a thousand calls
# queues one task, not a thousand. The timeout bounds the damage of a lost task.
SCHEDULED_KEY = "ledger:integration-scheduled"
SCHEDULED_TTL_SECONDS = 10


@shared_task(ignore_result=True)
def integrate_pending() -> int:
    """Integrates everything pending; returns how many entries it added."""
    cache.delete(SCHEDULED_KEY)
    return log_integrate()


def integration_schedule() -> None:
    """Queues an integration unless one is already queued and not yet started."""
    if cache.add(SCHEDULED_KEY, True, timeout=SCHEDULED_TTL_SECONDS):
        integrate_pending.delay()
