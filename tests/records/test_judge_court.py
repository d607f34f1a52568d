"""judge_court: the one answer to "which court's records may this person see in full"."""

import pytest
from django.contrib.auth.models import AnonymousUser, User

from judicial_verify.records.credentials import node_create
from judicial_verify.records.models import Node, Profile
from judicial_verify.records.selectors import judge_court

pytestmark = pytest.mark.django_db


@pytest.fixture
def court() -> Node:
    return node_create(code="bj-hd-court", name="Haidian court")[0]


def person(username: str, role: str | None = None, court: Node | None = None) -> User:
    user = User.objects.create_user(username)
    if role is not None:
        Profile.objects.create(user=user, role=role, court=court)
    return user


def test_it_gives_a_judge_their_court(court: Node) -> None:
    node_create(code="sh-pd-court", name="Pudong court")
    assert judge_court(user=person("judge", Profile.Role.JUDGE, court)) == court


def test_a_lawyer_has_no_court(court: Node) -> None:
    assert judge_court(user=person("lawyer", Profile.Role.LAWYER)) is None


def test_a_person_without_a_profile_has_no_court(court: Node) -> None:
    assert judge_court(user=person("clerk")) is None


def test_nobody_signed_in_has_no_court() -> None:
    assert judge_court(user=AnonymousUser()) is None
