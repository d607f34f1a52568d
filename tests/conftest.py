"""Fixtures shared by the whole suite: the people of the API and portal tests (a court node
with its API token and another node, a judge of each court, a lawyer signed in and holding a
personal token, and the public), and the service discipline (tests/service_discipline.py)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import LazySettings
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from judicial_verify.records.credentials import node_create, personal_token_issue
from judicial_verify.records.models import Node, Profile
from tests import cache_keys
from tests.people import PASSWORD, Actor, node_of

pytest_plugins = ["tests.service_discipline"]


def pytest_sessionstart(session: pytest.Session) -> None:
    """Compiles the translations as the set-up commands do, so that pytest run on its own
    renders the pages in Chinese too; gives the caches the tests' key function before any
    cache is made."""
    from django.conf import settings
    from django.core.management import call_command

    for config in settings.CACHES.values():
        config["KEY_FUNCTION"] = "tests.cache_keys.test_key"
    call_command("compile_translations", verbosity=0)


@pytest.fixture(autouse=True)
def log_state(tmp_path: Path, settings: LazySettings) -> Path:
    """Each test gets its own STATE_DIR, so its own signing key."""
    settings.STATE_DIR = tmp_path
    settings.LOG_SIGNING_KEY = None
    return tmp_path


@pytest.fixture(autouse=True)
def checkpoint_interval(settings: LazySettings) -> float:
    """Publishes every integration at once (the worker tests' workers too): the tests of
    the interval set their own."""
    settings.CHECKPOINT_INTERVAL = 0.0
    return 0.0


@pytest.fixture(autouse=True)
def tasks_in_process() -> Iterator[None]:
    """Runs Celery tasks in-process even where REDIS_URL is set; the worker tests opt out."""
    from judicial_verify.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture(autouse=True)
def cache_per_test() -> None:
    """Each test gets an empty cache of its own (tests/cache_keys.py)."""
    cache_keys.prefix_new()


@pytest.fixture(autouse=True)
def tile_cache_cleared() -> Iterator[None]:
    """Each test's log starts anew, so no tile rows nor checkpoints may carry over from
    another test's (sizes and ids repeat between tests' logs)."""
    from judicial_verify.ledger.read import checkpoints_forget
    from judicial_verify.ledger.tile_store import TILE_CACHE

    TILE_CACHE.clear()
    checkpoints_forget()
    yield
    TILE_CACHE.clear()
    checkpoints_forget()


@pytest.fixture
def fast_passwords(settings: LazySettings) -> None:
    """A fast hasher for the people's passwords: the throttle tests sign in a dozen times."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _node_actor(code: str, name: str) -> Actor:
    node, token = node_create(code=code, name=name)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return Actor(client=client, node=node, token=token)


@pytest.fixture
def court(db: None) -> Actor:
    return _node_actor("court-a", "北京市朝阳区人民法院")


@pytest.fixture
def other_court(db: None) -> Actor:
    return _node_actor("court-b", "上海市浦东新区人民法院")


def _person(username: str, role: str, court: Node | None) -> Actor:
    """A person with a password, signed in."""
    user = User.objects.create_user(username, password=PASSWORD)
    Profile.objects.create(user=user, role=role, court=court)
    client = APIClient()
    client.force_login(user)
    return Actor(client=client, user=user)


@pytest.fixture
def judge(court: Actor, fast_passwords: None) -> Actor:
    return _person("judge-a", Profile.Role.JUDGE, node_of(court))


@pytest.fixture
def other_judge(other_court: Actor, fast_passwords: None) -> Actor:
    return _person("judge-b", Profile.Role.JUDGE, node_of(other_court))


@pytest.fixture
def lawyer(db: None, fast_passwords: None) -> Actor:
    """Signed in for the pages, and calling the API with a personal token."""
    lawyer = _person("lawyer", Profile.Role.LAWYER, None)
    assert lawyer.user is not None
    lawyer.token = personal_token_issue(user=lawyer.user)
    lawyer.client.credentials(HTTP_AUTHORIZATION=f"Token {lawyer.token}")
    return lawyer


@pytest.fixture
def public(db: None) -> Actor:
    return Actor(client=APIClient())
