"""API credentials: node tokens and personal tokens, shown once and stored hashed.

A token is a prefix naming its kind (`jvn_` a node's, `jvp_` a person's) and
32 random bytes in URL-safe base64. Only its SHA-256 is stored: 256 random
bits need no slow hash, and a stolen database yields no usable token.
"""

import hashlib
import secrets
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from .models import ApiToken, Node, NodeToken

NODE_PREFIX = "jvn_"
PERSONAL_PREFIX = "jvp_"


def _new_token(prefix: str) -> tuple[str, str]:
    token = prefix + secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def node_token_rotate(*, node: Node) -> str:
    """Revokes the node's tokens and returns a new one (shown once, stored hashed)."""
    NodeToken.objects.filter(node=node, revoked__isnull=True).update(revoked=timezone.now())
    token, key_hash = _new_token(NODE_PREFIX)
    NodeToken.objects.create(node=node, key_hash=key_hash)
    return token


def node_create(*, code: str, name: str, type: str = Node.Type.COURT) -> tuple[Node, str]:
    """Registers a node and returns it with its first token."""
    node = Node(code=code, name=name, type=type)
    node.full_clean()
    with transaction.atomic():
        node.save()
        return node, node_token_rotate(node=node)


def personal_token_issue(*, user: User, name: str = "") -> str:
    """Issues a personal API token for a person (shown once, stored hashed)."""
    token, key_hash = _new_token(PERSONAL_PREFIX)
    ApiToken.objects.create(user=user, name=name, key_hash=key_hash)
    return token


@dataclass(frozen=True)
class Credential:
    """Who a token belongs to: a node, or a person."""

    node: Node | None = None
    personal: ApiToken | None = None


def credential_find(token: str) -> Credential | None:
    """Returns the live credential a token names, or None."""
    key_hash = token_hash(token)
    if token.startswith(NODE_PREFIX):
        found = (
            NodeToken.objects.select_related("node")
            .filter(key_hash=key_hash, revoked__isnull=True)
            .first()
        )
        return Credential(node=found.node) if found else None
    if token.startswith(PERSONAL_PREFIX):
        personal = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=key_hash, revoked__isnull=True, user__is_active=True)
            .first()
        )
        return Credential(personal=personal) if personal else None
    return None
