"""Fixtures shared by the whole suite, and the service discipline (tests/service_discipline.py)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import LazySettings

pytest_plugins = ["tests.service_discipline"]


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
