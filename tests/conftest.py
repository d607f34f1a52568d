"""Fixtures shared by the whole suite, and the service discipline (tests/service_discipline.py)."""

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import LazySettings

pytest_plugins = ["tests.service_discipline"]


def pytest_sessionstart(session: pytest.Session) -> None:
    """Compiles the translations as the set-up commands do, so that pytest run on its own
    renders the pages in Chinese too."""
    from django.core.management import call_command

    call_command("compile_translations", verbosity=0)


@pytest.fixture(autouse=True)
def log_state(tmp_path: Path, settings: LazySettings) -> Path:
    """Each test gets its own STATE_DIR, so its own signing key."""
    settings.STATE_DIR = tmp_path
    settings.LOG_SIGNING_KEY = None
    return tmp_path


@pytest.fixture(autouse=True)
def tasks_in_process() -> Iterator[None]:
    """Runs Celery tasks in-process even where REDIS_URL is set; the worker tests opt out."""
    from judicial_verify.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture(autouse=True)
def cache_per_test(settings: LazySettings) -> None:
    """Each test gets an empty cache of its own: a fresh key prefix, so throttle counts (and
    anything else cached) never carry over from another test, nor another run, and nothing
    is flushed from a Redis that the Celery broker shares."""
    settings.CACHES = {
        alias: {**config, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
        for alias, config in settings.CACHES.items()
    }


@pytest.fixture(autouse=True)
def tile_cache_cleared() -> Iterator[None]:
    """Each test's log starts anew, so no tile rows may carry over from another test's
    (sizes repeat between tests' logs)."""
    from judicial_verify.ledger.tile_store import TILE_CACHE

    TILE_CACHE.clear()
    yield
    TILE_CACHE.clear()
