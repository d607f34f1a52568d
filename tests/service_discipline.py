"""The service discipline, a pytest plugin. A test marked `postgres` needs the default
database to be PostgreSQL; one marked `redis` needs Redis answering at REDIS_URL. When the
service is missing the test is skipped on a developer's machine, but fails where CI or
REQUIRE_SERVICES is set: CI must never pass by skipping the tests that prove those paths."""

import functools
import os

import pytest


def pytest_runtest_setup(item: pytest.Item) -> None:
    for marker, missing in (("postgres", _postgres_missing), ("redis", _redis_missing)):
        if item.get_closest_marker(marker) is None:
            continue
        reason = missing()
        if reason is None:
            continue
        if services_required():
            pytest.fail(f"{reason} (required: CI or REQUIRE_SERVICES is set)", pytrace=False)
        pytest.skip(reason)


def services_required() -> bool:
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
