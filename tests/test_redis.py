"""The Redis paths, against the real Redis at REDIS_URL."""

import uuid

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from judicial_verify.celery import app

pytestmark = pytest.mark.redis


def test_it_caches_in_redis() -> None:
    key = f"test:{uuid.uuid4()}"
    cache = caches["default"]
    assert isinstance(cache, RedisCache)
    cache.set(key, {"size": 3}, timeout=10)
    assert cache.get(key) == {"size": 3}
    cache.delete(key)


def test_it_reaches_the_celery_broker() -> None:
    assert settings.CELERY_TASK_ALWAYS_EAGER is False
    assert app.conf.broker_url == settings.REDIS_URL
    with app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=1)
