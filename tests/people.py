"""The people the API and portal tests act as (the fixtures are in tests/conftest.py): each
an Actor with a client, which serves pages and the API alike, and what signs it in."""

import hashlib
from dataclasses import dataclass

from django.contrib.auth.models import User
from rest_framework.test import APIClient

from judicial_verify.records.models import Node

PASSWORD = "correct horse battery staple"  # noqa: S105 (a test user's)


@dataclass
class Actor:
    client: APIClient
    node: Node | None = None
    user: User | None = None
    token: str | None = None


def node_of(actor: Actor) -> Node:
    assert actor.node is not None
    return actor.node


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
