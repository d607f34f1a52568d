"""Judges sign in with a password; an address is refused after ten failures in a window,
at the judges' sign-in and the admin's together."""

import threading
from typing import Any
from unittest import mock

import pytest
from django.conf import LazySettings
from django.contrib.auth.backends import BaseBackend
from django.contrib.auth.models import User
from django.core.cache import caches
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse
from redis import ConnectionError as RedisConnectionError

from judicial_verify.portal.views.judges import SIGN_IN_ATTEMPTS, SIGN_IN_WINDOW_SECONDS
from tests.people import PASSWORD, Actor

SIGN_IN = reverse("portal:sign-in")
ADMIN_SIGN_IN = reverse("admin:login")


def _sign_in(client: Client, password: str, forwarded_for: str = "") -> int:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    response = client.post(SIGN_IN, {"username": "judge-a", "password": password}, headers=headers)
    return response.status_code


def test_it_signs_a_judge_in_and_leads_to_the_court_records(judge: Actor) -> None:
    response = Client().post(
        SIGN_IN,
        {"username": "judge-a", "password": PASSWORD, "next": reverse("portal:judge-search")},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:judge-search")


def test_a_judge_s_sign_in_lasts_a_working_day(judge: Actor) -> None:
    client = Client()
    client.post(SIGN_IN, {"username": "judge-a", "password": PASSWORD})
    assert client.session.get_expiry_age() == 8 * 3600
    assert client.cookies["sessionid"]["max-age"] == 8 * 3600


def test_it_leads_a_judge_who_came_from_the_header_link_to_the_court_records(
    judge: Actor,
) -> None:
    response = Client().post(SIGN_IN, {"username": "judge-a", "password": PASSWORD})
    assert response["Location"] == reverse("portal:judge-search")
    assert Client().get(response["Location"]).status_code == 302  # signed out: to sign in


def test_it_says_so_when_the_password_is_wrong(judge: Actor) -> None:
    response = Client().post(SIGN_IN, {"username": "judge-a", "password": "wrong"})
    assert response.status_code == 200
    assert "The user name or password is not correct." in response.content.decode()


def test_it_refuses_an_address_after_ten_failures_even_with_the_right_password(
    judge: Actor,
) -> None:
    client = Client()
    for _ in range(SIGN_IN_ATTEMPTS):
        assert _sign_in(client, "wrong") == 200
    response = client.post(SIGN_IN, {"username": "judge-a", "password": PASSWORD})
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= SIGN_IN_WINDOW_SECONDS
    assert "Too many failed attempts from this address" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_lets_a_judge_in_after_nine_failures(judge: Actor) -> None:
    client = Client()
    for _ in range(SIGN_IN_ATTEMPTS - 1):
        _sign_in(client, "wrong")
    assert _sign_in(client, PASSWORD) == 302


def test_it_counts_failures_per_address(judge: Actor) -> None:
    for _ in range(SIGN_IN_ATTEMPTS):
        _sign_in(Client(REMOTE_ADDR="203.0.113.1"), "wrong")
    assert _sign_in(Client(REMOTE_ADDR="203.0.113.1"), PASSWORD) == 429
    assert _sign_in(Client(REMOTE_ADDR="203.0.113.2"), PASSWORD) == 302


def test_it_counts_failures_per_client_behind_the_proxy(
    judge: Actor, settings: LazySettings
) -> None:
    # Behind a proxy every request comes from it: the client is the hop it added.
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    for _ in range(SIGN_IN_ATTEMPTS):
        _sign_in(proxy, "wrong", forwarded_for="203.0.113.1")
    assert _sign_in(proxy, PASSWORD, forwarded_for="203.0.113.1") == 429
    assert _sign_in(proxy, PASSWORD, forwarded_for="203.0.113.2") == 302


def test_it_shows_the_sign_in_page_to_anyone(public: Actor) -> None:
    response = public.client.get(SIGN_IN)
    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()


def test_a_forged_forwarded_for_header_does_not_escape_the_limit(judge: Actor) -> None:
    client = Client(REMOTE_ADDR="203.0.113.1")
    for n in range(SIGN_IN_ATTEMPTS):
        _sign_in(client, "wrong", forwarded_for=f"198.51.100.{n}")
    assert _sign_in(client, PASSWORD, forwarded_for="198.51.100.99") == 429


def test_signing_in_does_not_use_up_the_limit(judge: Actor) -> None:
    for _ in range(SIGN_IN_ATTEMPTS + 2):
        assert _sign_in(Client(), PASSWORD) == 302


class CountingBackend(BaseBackend):
    """Counts the passwords checked, and lets no one in."""

    checked = 0
    lock = threading.Lock()

    def authenticate(self, request: HttpRequest | None, **credentials: Any) -> User | None:
        with self.lock:
            CountingBackend.checked += 1
        return None


def test_it_checks_no_more_than_ten_of_forty_parallel_wrong_passwords(
    settings: LazySettings,
) -> None:
    settings.AUTHENTICATION_BACKENDS = [f"{__name__}.CountingBackend"]
    CountingBackend.checked = 0
    start = threading.Barrier(40)
    statuses: list[int] = []

    def guess() -> None:
        client = Client(REMOTE_ADDR="203.0.113.1")
        start.wait()
        statuses.append(_sign_in(client, "wrong"))

    threads = [threading.Thread(target=guess) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert CountingBackend.checked == SIGN_IN_ATTEMPTS
    assert sorted(statuses) == [200] * SIGN_IN_ATTEMPTS + [429] * (40 - SIGN_IN_ATTEMPTS)


@pytest.fixture
def admin_user(db: None, fast_passwords: None) -> User:
    return User.objects.create_superuser("root", "root@example.com", PASSWORD)


def _admin_sign_in(client: Client, password: str) -> int:
    response = client.post(ADMIN_SIGN_IN, {"username": "root", "password": password})
    return response.status_code


def test_the_admin_signs_in_at_its_own_page(admin_user: User) -> None:
    client = Client()
    assert client.get(ADMIN_SIGN_IN).status_code == 200
    response = client.post(ADMIN_SIGN_IN, {"username": "root", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_admin_sign_in_refuses_an_address_after_ten_failures(admin_user: User) -> None:
    client = Client()
    for _ in range(SIGN_IN_ATTEMPTS):
        assert _admin_sign_in(client, "wrong") == 200
    response = client.post(ADMIN_SIGN_IN, {"username": "root", "password": PASSWORD})
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= SIGN_IN_WINDOW_SECONDS
    assert "Too many failed attempts from this address" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_at_the_admin_count_at_the_judges_sign_in_too(
    admin_user: User, judge: Actor
) -> None:
    client = Client()
    for _ in range(SIGN_IN_ATTEMPTS):
        _admin_sign_in(client, "wrong")
    assert _sign_in(client, PASSWORD) == 429


def test_the_admin_sign_in_counts_no_post_without_a_csrf_token(admin_user: User) -> None:
    forged = Client(enforce_csrf_checks=True)
    for _ in range(SIGN_IN_ATTEMPTS):
        assert _admin_sign_in(forged, "wrong") == 403
    assert _admin_sign_in(Client(), PASSWORD) == 302


def test_a_judge_signs_in_when_the_cache_does_not_answer(
    judge: Actor, caplog: pytest.LogCaptureFixture
) -> None:
    down = RedisConnectionError("connection refused")
    cache = type(caches["default"])
    with (
        mock.patch.object(cache, "incr", side_effect=down),
        mock.patch.object(cache, "add", side_effect=down),
        mock.patch.object(cache, "decr", side_effect=down),
    ):
        assert _sign_in(Client(), PASSWORD) == 302
    assert "the cache does not answer" in caplog.text
