"""A signed-in lawyer or judge creates, lists and revokes their personal API tokens: each shown
once, stored hashed, and only its owner may revoke it; signing in leads a lawyer here."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.conf import LazySettings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from judicial_verify.records.credentials import (
    PERSONAL_TOKENS_MAX,
    personal_token_issue,
)
from judicial_verify.records.models import ApiToken
from tests.people import PASSWORD, Actor

TOKENS = reverse("portal:tokens")
SIGN_IN = reverse("portal:sign-in")
TOKEN_IN_PAGE = re.compile(r'<input id="new-token"[^>]* value="(jvp_[A-Za-z0-9_-]{43})"')


def _page_client(person: Actor) -> Client:
    """The person's browser: signed in by session, sending no API token."""
    client = Client()
    assert person.user is not None
    client.force_login(person.user)
    return client


def _create(client: Client, name: str = "laptop") -> str:
    response = client.post(TOKENS, {"name": name})
    assert response.status_code == 200
    found = TOKEN_IN_PAGE.search(response.content.decode())
    assert found is not None, "the new token is shown"
    return found.group(1)


def _revoke_url(token: ApiToken) -> str:
    return reverse("portal:token-revoke", kwargs={"token_id": token.pk})


def _api_log(token: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get(reverse("api:log")).status_code


def test_it_shows_a_new_token_once_and_stores_only_its_hash(lawyer: Actor) -> None:
    client = _page_client(lawyer)
    token = _create(client)
    stored = ApiToken.objects.get(user=lawyer.user, name="laptop")
    assert stored.key_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {stored.key_hash, stored.prefix, stored.name}
    assert token.startswith(stored.prefix)
    assert len(stored.prefix) == 10
    listed = client.get(TOKENS)
    assert token not in listed.content.decode()
    assert f"<code>{stored.prefix}…</code>" in listed.content.decode()


def test_the_page_with_a_token_is_kept_by_no_cache(lawyer: Actor) -> None:
    response = _page_client(lawyer).post(TOKENS, {"name": "ci"})
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_a_new_token_calls_the_api_as_its_owner(lawyer: Actor) -> None:
    token = _create(_page_client(lawyer))
    assert _api_log(token) == 200


def test_it_lists_tokens_by_name_prefix_creation_and_last_use(lawyer: Actor) -> None:
    client = _page_client(lawyer)
    token = _create(client, "office desktop")
    never = client.get(TOKENS).content.decode()
    assert "office desktop" in never
    assert "Never" in never
    _api_log(token)
    used = ApiToken.objects.get(name="office desktop")
    assert used.last_used is not None
    assert f'<time datetime="{used.last_used.isoformat()}' in client.get(TOKENS).content.decode()


def test_it_notes_the_last_use_at_most_once_in_five_minutes(lawyer: Actor) -> None:
    token = _create(_page_client(lawyer))
    _api_log(token)
    first = ApiToken.objects.get(name="laptop").last_used
    _api_log(token)
    assert ApiToken.objects.get(name="laptop").last_used == first
    ApiToken.objects.filter(name="laptop").update(last_used=timezone.now() - timedelta(minutes=6))
    _api_log(token)
    later = ApiToken.objects.get(name="laptop").last_used
    assert first is not None
    assert later is not None
    assert later >= first


def test_a_revoked_token_gets_401_from_the_api(lawyer: Actor) -> None:
    client = _page_client(lawyer)
    token = _create(client)
    stored = ApiToken.objects.get(name="laptop")
    response = client.post(_revoke_url(stored))
    assert response.status_code == 302
    assert response["Location"] == TOKENS
    assert _api_log(token) == 401
    assert "laptop" not in client.get(TOKENS).content.decode()


def test_another_persons_token_cannot_be_revoked(lawyer: Actor, judge: Actor) -> None:
    _create(_page_client(lawyer))
    stored = ApiToken.objects.get(name="laptop")
    assert _page_client(judge).post(_revoke_url(stored)).status_code == 404
    stored.refresh_from_db()
    assert stored.revoked is None


def test_it_lists_no_one_elses_tokens(lawyer: Actor, judge: Actor) -> None:
    _create(_page_client(lawyer), "lawyer's laptop")
    page = _page_client(judge).get(TOKENS).content.decode()
    assert "lawyer&#x27;s laptop" not in page
    assert "You have no tokens in use." in page


def test_a_judge_creates_tokens_too(judge: Actor) -> None:
    assert _create(_page_client(judge)).startswith("jvp_")


def test_revoking_needs_a_post_with_the_csrf_token(lawyer: Actor) -> None:
    _create(_page_client(lawyer))
    stored = ApiToken.objects.get(name="laptop")
    assert _page_client(lawyer).get(_revoke_url(stored)).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    assert lawyer.user is not None
    strict.force_login(lawyer.user)
    assert strict.post(_revoke_url(stored)).status_code == 403
    assert strict.post(TOKENS, {"name": "forged"}).status_code == 403
    stored.refresh_from_db()
    assert stored.revoked is None
    assert not ApiToken.objects.filter(name="forged").exists()


def test_it_refuses_a_token_over_the_most_a_person_may_hold(lawyer: Actor) -> None:
    assert lawyer.user is not None
    for _ in range(PERSONAL_TOKENS_MAX - 1):  # the fixture's lawyer holds one already
        personal_token_issue(user=lawyer.user)
    response = _page_client(lawyer).post(TOKENS, {"name": "one too many"})
    assert response.status_code == 200
    assert "the most one person may hold" in response.content.decode()
    assert TOKEN_IN_PAGE.search(response.content.decode()) is None
    assert not ApiToken.objects.filter(name="one too many").exists()


def test_it_limits_the_tokens_created_from_one_address(
    lawyer: Actor, settings: LazySettings
) -> None:
    settings.PERSONAL_TOKEN_RATE = "2/hour"  # noqa: S105 (a rate, not a password)
    client = _page_client(lawyer)
    _create(client)
    _create(client)
    response = client.post(TOKENS, {"name": "third"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_signing_in_leads_a_lawyer_to_the_tokens_page(lawyer: Actor) -> None:
    client = Client()
    response = client.post(SIGN_IN, {"username": "lawyer", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == TOKENS
    assert client.get(TOKENS).status_code == 200


def test_signing_in_still_leads_a_judge_to_the_court_records(judge: Actor) -> None:
    response = Client().post(SIGN_IN, {"username": "judge-a", "password": PASSWORD})
    assert response["Location"] == reverse("portal:judge-search")


@pytest.mark.django_db
def test_a_person_without_a_role_is_told_so_not_refused(fast_passwords: None) -> None:
    User.objects.create_user("admin-clerk", password=PASSWORD)
    client = Client()
    response = client.post(SIGN_IN, {"username": "admin-clerk", "password": PASSWORD})
    assert response["Location"] == TOKENS
    page = client.get(TOKENS)
    assert page.status_code == 200
    assert "neither a judge's nor a lawyer's" in page.content.decode()
    assert client.post(TOKENS, {"name": "x"}).status_code == 200
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_a_visitor_not_signed_in_is_sent_to_sign_in() -> None:
    response = Client().get(TOKENS)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{SIGN_IN}?next=")


def test_the_header_links_the_court_records_for_judges_only(lawyer: Actor, judge: Actor) -> None:
    search = f'href="{reverse("portal:judge-search")}"'
    lawyer_page = _page_client(lawyer).get(TOKENS).content.decode()
    judge_page = _page_client(judge).get(TOKENS).content.decode()
    assert search not in lawyer_page
    assert search in judge_page
    assert f'href="{TOKENS}"' in lawyer_page
    assert f'href="{TOKENS}"' in judge_page
