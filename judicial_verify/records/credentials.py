"""API credentials: node tokens and personal tokens, shown once and stored hashed.

A token is a prefix naming its kind (`jvn_` a node's, `jvp_` a person's) and
32 random bytes in URL-safe base64. Only its SHA-256 is stored: 256 random
bits need no slow hash, and a stolen database yields no usable token.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from .models import ApiToken, Node, NodeToken

NODE_PREFIX = "jvn_"
PERSONAL_PREFIX = "jvp_"
# A person's token is listed by its first characters: the kind's prefix and 36 of its 256
# random bits, enough to tell one's tokens apart and far too few to guess one.
TOKEN_PREFIX_SHOWN = len(PERSONAL_PREFIX) + 6
# Enough for a lawyer's machines and scripts, each with its own; few enough to review.
PERSONAL_TOKENS_MAX = 20
LAST_USED_PRECISION = timedelta(minutes=5)


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


class TooManyTokens(ValueError):
    """A person who already holds PERSONAL_TOKENS_MAX live tokens asked for another."""


@transaction.atomic
def personal_token_issue(*, user: User, name: str = "") -> str:
    """Issues a personal API token for a person (shown once, stored hashed); raises
    TooManyTokens when they hold PERSONAL_TOKENS_MAX live ones already."""
    # Counted under a lock on the person, so two requests at once cannot both pass.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if personal_tokens_of(user=user).count() >= PERSONAL_TOKENS_MAX:
        raise TooManyTokens(f"at most {PERSONAL_TOKENS_MAX} live tokens a person")
    token, key_hash = _new_token(PERSONAL_PREFIX)
    ApiToken.objects.create(
        user=user, name=name, key_hash=key_hash, prefix=token[:TOKEN_PREFIX_SHOWN]
    )
    return token


def personal_tokens_of(*, user: User) -> QuerySet[ApiToken]:
    """A person's live tokens, newest first."""
    return ApiToken.objects.filter(user=user, revoked__isnull=True).order_by("-created", "-pk")


def personal_token_revoke(*, user: User, token_id: int) -> bool:
    """Revokes one of the person's own live tokens; False if they have no such token."""
    revoked = ApiToken.objects.filter(user=user, pk=token_id, revoked__isnull=True).update(
        revoked=timezone.now()
    )
    return revoked == 1


def _personal_token_used(token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used is not None and now - token.last_used < LAST_USED_PRECISION:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used=now)
    token.last_used = now


@dataclass(frozen=True)
class Credential:
    """Who a token belongs to: a node, or a person."""

    node: Node | None = None
    personal: ApiToken | None = None


def credential_find(token: str) -> Credential | None:
    """Returns the live credential a token names, or None; notes when a personal token was
    used (at most once in LAST_USED_PRECISION, so not a write on every request)."""
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
        if personal is None:
            return None
        _personal_token_used(personal)
        return Credential(personal=personal)
    return None
