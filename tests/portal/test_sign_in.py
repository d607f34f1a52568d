"""Judges sign in with a password; an address is refused after ten failures in a window."""

from django.conf import LazySettings
from django.test import Client
from django.urls import reverse

from judicial_verify.portal.views.judges import SIGN_IN_ATTEMPTS, SIGN_IN_WINDOW_SECONDS

from .conftest import PASSWORD, Person

SIGN_IN = reverse("portal:sign-in")


def _sign_in(client: Client, password: str, forwarded_for: str = "") -> int:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    response = client.post(SIGN_IN, {"username": "judge-a", "password": password}, headers=headers)
    return response.status_code


def test_it_signs_a_judge_in_and_leads_to_the_court_records(judge: Person) -> None:
    response = Client().post(
        SIGN_IN,
        {"username": "judge-a", "password": PASSWORD, "next": reverse("portal:judge-search")},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:judge-search")


def test_a_judge_s_sign_in_lasts_a_working_day(judge: Person) -> None:
    client = Client()
    client.post(SIGN_IN, {"username": "judge-a", "password": PASSWORD})
    assert client.session.get_expiry_age() == 8 * 3600
    assert client.cookies["sessionid"]["max-age"] == 8 * 3600


def test_it_leads_a_judge_who_came_from_the_header_link_to_the_court_records(
    judge: Person,
) -> None:
    response = Client().post(SIGN_IN, {"username": "judge-a", "password": PASSWORD})
    assert response["Location"] == reverse("portal:judge-search")
    assert Client().get(response["Location"]).status_code == 302  # signed out: to sign in


def test_it_says_so_when_the_password_is_wrong(judge: Person) -> None:
    response = Client().post(SIGN_IN, {"username": "judge-a", "password": "wrong"})
    assert response.status_code == 200
    assert "The user name or password is not correct." in response.content.decode()


def test_it_refuses_an_address_after_ten_failures_even_with_the_right_password(
    judge: Person,
) -> None:
    client = Client()
    for _ in range(SIGN_IN_ATTEMPTS):
        assert _sign_in(client, "wrong") == 200
    response = client.post(SIGN_IN, {"username": "judge-a", "password": PASSWORD})
    assert response.status_code == 429
    assert response["Retry-After"] == str(SIGN_IN_WINDOW_SECONDS)
    assert "Too many failed attempts from this address" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_lets_a_judge_in_after_nine_failures(judge: Person) -> None:
    client = Client()
    for _ in range(SIGN_IN_ATTEMPTS - 1):
        _sign_in(client, "wrong")
    assert _sign_in(client, PASSWORD) == 302


def test_it_counts_failures_per_address(judge: Person) -> None:
    for _ in range(SIGN_IN_ATTEMPTS):
        _sign_in(Client(REMOTE_ADDR="203.0.113.1"), "wrong")
    assert _sign_in(Client(REMOTE_ADDR="203.0.113.1"), PASSWORD) == 429
    assert _sign_in(Client(REMOTE_ADDR="203.0.113.2"), PASSWORD) == 302


def test_it_counts_failures_per_client_behind_the_proxy(
    judge: Person, settings: LazySettings
) -> None:
    # In production every request comes from the proxy: the client is the hop it added.
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    for _ in range(SIGN_IN_ATTEMPTS):
        _sign_in(proxy, "wrong", forwarded_for="203.0.113.1")
    assert _sign_in(proxy, PASSWORD, forwarded_for="203.0.113.1") == 429
    assert _sign_in(proxy, PASSWORD, forwarded_for="203.0.113.2") == 302


def test_it_shows_the_sign_in_page_to_anyone(anonymous: Person) -> None:
    response = anonymous.client.get(SIGN_IN)
    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()
