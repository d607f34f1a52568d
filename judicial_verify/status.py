"""GET /status: whether each part the service needs answers, and how the log stands.

The database is always needed; Redis and a Celery worker only where REDIS_URL is set (in
the embedded default tasks run in the web process). The answer is 200 when every needed
part is up, 503 otherwise, so a load balancer or monitor can act on the status code alone.
It names no host, URL or error: the details go to the log.
"""

import logging
from typing import Any

import redis
from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from judicial_verify.celery import app
from judicial_verify.health import database_answers
from judicial_verify.ledger import read

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 1.0


def _redis_up(url: str) -> bool:
    client = redis.Redis.from_url(
        url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS
    )
    try:
        client.ping()
    except redis.RedisError as exc:
        logger.warning("status: Redis does not answer (%s)", exc)
        return False
    finally:
        client.close()
    return True


def _workers_answering() -> int:
    try:
        replies = app.control.ping(timeout=TIMEOUT_SECONDS)
    except Exception as exc:  # whatever the broker's failure, no worker is known to be up
        logger.warning("status: cannot ask the Celery workers (%s)", exc)
        return 0
    return len(replies or [])


def _log() -> dict[str, Any]:
    try:
        checkpoint = read.checkpoint_latest()
    except (read.NotFound, DatabaseError):
        return {"size": None, "checkpoint_age_seconds": None}
    age = (timezone.now() - checkpoint.signed).total_seconds()
    return {"size": checkpoint.size, "checkpoint_age_seconds": round(age, 3)}


def _parts() -> dict[str, Any]:
    database = database_answers("status")
    parts: dict[str, Any] = {"database": "up" if database else "down"}
    if not settings.REDIS_URL:
        parts |= {"redis": "not configured", "worker": "in-process"}
    elif not _redis_up(settings.REDIS_URL):
        parts |= {"redis": "down", "worker": "down", "workers": 0}
    else:
        workers = _workers_answering()
        parts |= {"redis": "up", "worker": "up" if workers else "down", "workers": workers}
    parts["log"] = _log() if database else {"size": None, "checkpoint_age_seconds": None}
    return parts


@require_safe
@never_cache
def status(request: HttpRequest) -> JsonResponse:
    """{"status": "up"|"down", "database", "redis", "worker", ["workers"], "log": {"size",
    "checkpoint_age_seconds"}}: 200 when every needed part is up, else 503."""
    parts = _parts()
    up = all(parts[name] != "down" for name in ("database", "redis", "worker"))
    return JsonResponse({"status": "up" if up else "down", **parts}, status=200 if up else 503)
