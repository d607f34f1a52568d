"""People of the portal: judges of a court and lawyers, each a Django user with a Profile."""

import secrets

from django.contrib.auth import password_validation
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from .models import Node, Profile

# 18 random bytes: 144 bits, as 24 URL-safe characters a person can copy.
GENERATED_PASSWORD_BYTES = 18


class PersonError(ValueError):
    """A person who cannot be created as asked: the message says why."""


def password_generate() -> str:
    """A strong random password, for a person who is given one rather than choosing it."""
    return secrets.token_urlsafe(GENERATED_PASSWORD_BYTES)


def password_check(password: str, *, username: str) -> None:
    """Runs Django's password validators (AUTH_PASSWORD_VALIDATORS); raises PersonError with
    every complaint they make."""
    try:
        password_validation.validate_password(password, user=User(username=username))
    except ValidationError as e:
        raise PersonError(" ".join(e.messages)) from None


def person_create(*, username: str, role: str, password: str, court: Node | None = None) -> User:
    """Creates a judge of `court` or a lawyer (Profile.Role) who signs in with `password`."""
    try:
        User.username_validator(username)
    except ValidationError as e:
        raise PersonError(f"user name {username!r}: {' '.join(e.messages)}") from None
    if (role == Profile.Role.JUDGE) != (court is not None):
        raise PersonError("a judge needs a court, and only a judge has one")
    password_check(password, username=username)
    try:
        with transaction.atomic():
            user = User.objects.create_user(username, password=password)
            Profile.objects.create(user=user, role=role, court=court)
    except IntegrityError:
        raise PersonError(f"a user {username!r} exists already") from None
    return user
