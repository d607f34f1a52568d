"""GET /status: whether each part the service needs answers, and how the log stands.

The database is always needed; Redis and a Celery worker only where REDIS_URL is set (in
the embedded default tasks run in the web process). The answer is 200 when every needed
part is up and integration and publication keep up: "down" (503) when a part is down,
"degraded" (503) when the oldest pending entry has waited longer than
INTEGRATION_BACKLOG_MAX_AGE, the integrator has found the log blocked, or integrated entries
wait for a checkpoint while the newest is older than that. With a witness policy
(WITNESS_POLICY), it is "degraded" while a witness fails but the others make the quorum,
and "down" when they cannot (nothing new is published) or the policy is unfit. A load
balancer or monitor can act on the status code alone. It names no host, URL or error, only
the blocked log's reason (an index and a size) and the failing witnesses (their names in
the published policy, and why, in the log's words): the details go to the log.

Asking the workers takes a second (a Celery ping collects replies for that long), so the
answer is kept in the cache for a few seconds and only one caller at a time asks again;
and each client address may ask a few times a minute.
"""

import logging
import time
from typing import Any

import redis
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from judicial_verify.api.errors import error_body
from judicial_verify.celery import app
from judicial_verify.health import database_answers
from judicial_verify.ledger import read
from judicial_verify.ledger.integrate import integration_backlog, integration_blocked
from judicial_verify.ledger.witnessing import witnessing_state
from judicial_verify.rate_limits import AddressLimit

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 1.0
# How long one look at the workers serves every caller.
WORKER_CHECK_SECONDS = 5
# Requests a client address may make a minute; a monitor needs a few.
REQUESTS_PER_MINUTE = 30

# A broken cache does not hide the status page: AddressLimit lets requests through then.
_STATUS_LIMIT = AddressLimit("status", REQUESTS_PER_MINUTE, 60)
_WORKERS_KEY = "status:workers"
_WORKER_CHECK_KEY = "status:worker-check"


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


def _workers_ping() -> int:
    try:
        replies = app.control.ping(timeout=TIMEOUT_SECONDS)
    except Exception as exc:  # whatever the broker's failure, no worker is known to be up
        logger.warning("status: cannot ask the Celery workers (%s)", exc)
        return 0
    return len(replies or [])


def _workers_answering() -> int:
    """How many workers answered the last ping, asked again when that is older than
    WORKER_CHECK_SECONDS. While one caller asks, the others take the last answer."""
    last: tuple[float, int] | None = cache.get(_WORKERS_KEY)
    if last is not None and time.time() - last[0] < WORKER_CHECK_SECONDS:
        return last[1]
    if last is not None and not cache.add(_WORKER_CHECK_KEY, True, timeout=TIMEOUT_SECONDS + 1):
        return last[1]
    workers = _workers_ping()
    cache.set(_WORKERS_KEY, (time.time(), workers), timeout=WORKER_CHECK_SECONDS * 10)
    cache.delete(_WORKER_CHECK_KEY)
    return workers


def _log(database: bool) -> dict[str, Any]:
    """The published size, the integrated size (publication runs behind integration by up
    to CHECKPOINT_INTERVAL) and the newest checkpoint's age."""
    log: dict[str, Any] = {"size": None, "integrated_size": None, "checkpoint_age_seconds": None}
    if not database:
        return log
    try:
        log["integrated_size"] = read.integrated_size()
        checkpoint = read.checkpoint_latest()
    except (read.NotFound, DatabaseError):
        return log
    except read.IntegrityAlarm:  # logged as critical where it was found
        return log | {"integrity_alarm": True}
    age = (timezone.now() - checkpoint.signed).total_seconds()
    return log | {"size": checkpoint.size, "checkpoint_age_seconds": round(age, 3)}


def _publication(log: dict[str, Any]) -> str:
    """The publication's state: "behind" when integrated entries wait for a checkpoint and
    the newest is older than INTEGRATION_BACKLOG_MAX_AGE, "unknown" before the first
    checkpoint, else "ok"."""
    if log["size"] is None or log["integrated_size"] is None:
        return "unknown"
    waiting = log["integrated_size"] > log["size"]
    if waiting and log["checkpoint_age_seconds"] > settings.INTEGRATION_BACKLOG_MAX_AGE:
        return "behind"
    return "ok"


def _integration(database: bool) -> dict[str, Any]:
    """The integration's state, "ok", "behind" (the oldest pending entry is too old),
    "blocked" (with "blocked_reason") or "unknown" (no database), and the backlog."""
    backlog: dict[str, Any] = {
        "pending": None,
        "oldest_age_seconds": None,
        "max_age_seconds": settings.INTEGRATION_BACKLOG_MAX_AGE,
    }
    try:
        pending = integration_backlog() if database else None
    except DatabaseError:
        logger.exception("status: cannot read the backlog")
        pending = None
    if pending is None:
        return {"integration": "unknown", "backlog": backlog}
    backlog["pending"] = pending.pending
    if pending.oldest is not None:
        age = (timezone.now() - pending.oldest).total_seconds()
        backlog["oldest_age_seconds"] = round(age, 3)
    parts: dict[str, Any] = {"integration": "ok", "backlog": backlog}
    if (reason := integration_blocked()) is not None:
        parts |= {"integration": "blocked", "blocked_reason": reason}
    elif (backlog["oldest_age_seconds"] or 0) > backlog["max_age_seconds"]:
        parts["integration"] = "behind"
    return parts


def _witnessing(database: bool) -> dict[str, Any]:
    """The witnessing's state: "not configured" (no policy), "ok", "degraded" or "failing"
    (with "failing_witnesses"), "misconfigured" (an unfit policy) or "unknown" (no
    database)."""
    if not database:
        return {"witnessing": "unknown"}
    try:
        state = witnessing_state()
    except ImproperlyConfigured:
        logger.exception("status: the witness policy is unfit")
        return {"witnessing": "misconfigured"}
    except DatabaseError:
        logger.exception("status: cannot read the witnesses' statuses")
        return {"witnessing": "unknown"}
    if state is None:
        return {"witnessing": "not configured"}
    failing = [
        {"name": f.name, "error": f.error, "since": f.since.isoformat()} for f in state.failing
    ]
    return {"witnessing": state.state, "failing_witnesses": failing}


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
    parts["log"] = _log(database)
    parts["publication"] = _publication(parts["log"])
    return parts | _integration(database) | _witnessing(database)


@require_safe
@never_cache
def status(request: HttpRequest) -> JsonResponse:
    """{"status": "up"|"degraded"|"down", "database", "redis", "worker", ["workers"], "log":
    {"size", "integrated_size", "checkpoint_age_seconds", ["integrity_alarm"]},
    "publication": "ok"|"behind"|"unknown",
    "integration": "ok"|"behind"|"blocked"|"unknown", ["blocked_reason"],
    "backlog": {"pending", "oldest_age_seconds", "max_age_seconds"},
    "witnessing": "not configured"|"ok"|"degraded"|"failing"|"misconfigured"|"unknown",
    ["failing_witnesses": [{"name", "error", "since"}]]}:
    200 when "up", else 503; 429 to an address that asks too often."""
    if (wait := _STATUS_LIMIT.count(request).wait) is not None:
        body = error_body("throttled", f"too many requests; try again in {wait} seconds")
        response = JsonResponse(body, status=429)
        response["Retry-After"] = str(wait)
        return response
    parts = _parts()
    if any(parts[name] == "down" for name in ("database", "redis", "worker")):
        state = "down"
    elif parts["log"].get("integrity_alarm"):
        # Nothing can be answered from the stored log until an operator has looked.
        state = "down"
    elif parts["witnessing"] in ("failing", "misconfigured"):
        # Nothing new can be published until enough witnesses answer again.
        state = "down"
    elif (
        parts["integration"] in ("behind", "blocked")
        or parts["publication"] == "behind"
        or parts["witnessing"] == "degraded"
    ):
        state = "degraded"
    else:
        state = "up"
    return JsonResponse({"status": state, **parts}, status=200 if state == "up" else 503)
