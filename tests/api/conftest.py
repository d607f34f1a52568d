"""The people of the API tests: a court node and another node, a judge of each court,
a lawyer with a personal token, and the anonymous public."""

import hashlib
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from judicial_verify.records.credentials import node_create, personal_token_issue
from judicial_verify.records.models import Node, Profile


@dataclass
class Actor:
    client: APIClient
    node: Node | None = None
    user: User | None = None
    token: str | None = None


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _node_actor(code: str, name: str) -> Actor:
    node, token = node_create(code=code, name=name)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return Actor(client=client, node=node, token=token)


@pytest.fixture
def court(db: None) -> Actor:
    return _node_actor("court-a", "Court A")


@pytest.fixture
def other_court(db: None) -> Actor:
    return _node_actor("court-b", "Court B")


def _judge(username: str, court: Node) -> Actor:
    user = User.objects.create_user(username)
    Profile.objects.create(user=user, role=Profile.Role.JUDGE, court=court)
    client = APIClient()
    client.force_login(user)
    return Actor(client=client, user=user)


@pytest.fixture
def judge(court: Actor) -> Actor:
    assert court.node is not None
    return _judge("judge-a", court.node)


@pytest.fixture
def other_judge(other_court: Actor) -> Actor:
    assert other_court.node is not None
    return _judge("judge-b", other_court.node)


@pytest.fixture
def lawyer(db: None) -> Actor:
    user = User.objects.create_user("lawyer")
    Profile.objects.create(user=user, role=Profile.Role.LAWYER)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {personal_token_issue(user=user)}")
    return Actor(client=client, user=user)


@pytest.fixture
def public(db: None) -> Actor:
    return Actor(client=APIClient())
