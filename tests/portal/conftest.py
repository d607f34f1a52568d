"""The people of the portal tests, each with a browser (Django's test client): a judge of
the anchoring court, a judge of another court, a lawyer and an anonymous visitor; and
records anchored through the real service and integrated into the log."""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

import pytest
from django.conf import LazySettings
from django.contrib.auth.models import User
from django.test import Client

from judicial_verify.records.credentials import node_create
from judicial_verify.records.models import Node, Profile
from judicial_verify.records.services import AnchorItem, records_anchor
from tests.anchoring import CASE, CASE_NUMBER, TITLE, anchor

__all__ = ["CASE", "CASE_NUMBER", "TITLE", "anchor"]  # for the tests that import them from here

PASSWORD = "correct horse battery staple"  # noqa: S105 (a test user's)


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Person:
    client: Client
    user: User | None = None


@pytest.fixture(autouse=True)
def fast_passwords(settings: LazySettings) -> None:
    """A fast hasher: the throttle tests sign in a dozen times each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def court(db: None) -> Node:
    return node_create(code="bj-cy-court", name="北京市朝阳区人民法院")[0]


@pytest.fixture
def other_court(db: None) -> Node:
    return node_create(code="sh-pd-court", name="上海市浦东新区人民法院")[0]


def _person(username: str, role: str, court: Node | None) -> Person:
    user = User.objects.create_user(username, password=PASSWORD)
    Profile.objects.create(user=user, role=role, court=court)
    client = Client()
    client.force_login(user)
    return Person(client=client, user=user)


@pytest.fixture
def judge(court: Node) -> Person:
    return _person("judge-a", Profile.Role.JUDGE, court)


@pytest.fixture
def other_judge(other_court: Node) -> Person:
    return _person("judge-b", Profile.Role.JUDGE, other_court)


@pytest.fixture
def lawyer(db: None) -> Person:
    return _person("lawyer", Profile.Role.LAWYER, None)


@pytest.fixture
def anonymous(db: None) -> Person:
    return Person(client=Client())


def anchor_pending(node: Node, sha256: str, metadata: Mapping[str, object] = CASE) -> None:
    """Anchors one case file as `node` and leaves it for the integrator: no index yet."""
    records_anchor(
        node=node, items=[AnchorItem(kind="case_file", sha256=sha256, metadata=metadata)]
    )
