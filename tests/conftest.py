"""The service discipline. A test marked `postgres` needs the default database to be
PostgreSQL; one marked `redis` needs Redis answering at REDIS_URL. When the service is
missing the test is skipped on a developer's machine, but fails where CI or REQUIRE_SERVICES
is set: CI must never pass by skipping the tests that prove those paths."""

import functools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import LazySettings


def pytest_runtest_setup(item: pytest.Item) -> None:
    for marker, missing in (("postgres", _postgres_missing), ("redis", _redis_missing)):
        if item.get_closest_marker(marker) is None:
            continue
        reason = missing()
        if reason is None:
            continue
        if _services_required():
            pytest.fail(f"{reason} (required: CI or REQUIRE_SERVICES is set)", pytrace=False)
        pytest.skip(reason)


def _services_required() -> bool:
    return any(
        os.environ.get(name, "").lower() not in ("", "0", "false", "no")
        for name in ("CI", "REQUIRE_SERVICES")
    )


def _postgres_missing() -> str | None:
    from django.db import connection

    if connection.vendor == "postgresql":
        return None
    return "needs PostgreSQL: set DATABASE_URL=postgres://..."


@functools.cache
def _redis_missing() -> str | None:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        return "needs Redis: set REDIS_URL=redis://..."
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except redis.RedisError as exc:
        return f"needs Redis: REDIS_URL does not answer ({exc})"
    return None


@pytest.fixture(autouse=True)
def log_state(tmp_path: Path, settings: LazySettings) -> Iterator[Path]:
    """Each test gets its own STATE_DIR, so its own signing key."""
    from judicial_verify.ledger.keys import log_signer

    settings.STATE_DIR = tmp_path
    settings.LOG_SIGNING_KEY = None
    log_signer.cache_clear()
    yield tmp_path
    log_signer.cache_clear()


@pytest.fixture(autouse=True)
def tasks_in_process() -> Iterator[None]:
    """Runs Celery tasks in-process even where REDIS_URL is set; the worker tests opt out."""
    from judicial_verify.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before
