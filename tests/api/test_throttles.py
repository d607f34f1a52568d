"""Rate limits per role, counted in the cache: the public, lawyers (personal token), judges
(signed in) and nodes each have their own rate, and each caller its own count."""

import json
import os
from typing import Any
from unittest import mock

import pytest
from django.conf import LazySettings
from django.contrib.auth.models import User
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from redis import ConnectionError as RedisConnectionError
from redis import Redis
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from judicial_verify.api.throttles import RoleRateThrottle
from judicial_verify.rate_limits import client_address, rate_parse
from judicial_verify.records.credentials import node_create, personal_token_issue
from tests.people import Actor

from .test_codes import SUMMONS, guess, serve

pytestmark = pytest.mark.django_db


class Constant(APIView):
    """A view with the API's default authentication and throttles."""

    def get(self, request: Request) -> Response:
        return Response({"ok": True})


def ask(
    *,
    token: str | None = None,
    user: User | None = None,
    address: str = "192.0.2.1",
    forwarded_for: str = "",
) -> Response:
    headers: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Token {token}"} if token else {}
    if forwarded_for:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    request = APIRequestFactory().get("/api/v1/constant", REMOTE_ADDR=address, **headers)
    if user is not None:
        force_authenticate(request, user=user)  # as a session would
    response: Response = Constant.as_view()(request)
    return response


def statuses(count: int, **who: Any) -> list[int]:
    return [ask(**who).status_code for _ in range(count)]


@pytest.fixture
def rates(settings: LazySettings) -> None:
    config: dict[str, Any] = dict(settings.REST_FRAMEWORK)
    config["DEFAULT_THROTTLE_RATES"] = {
        **api_settings.DEFAULT_THROTTLE_RATES,
        "anon": "3/minute",
        "lawyer": "6/minute",
        "judge": "2/minute",
        "node": "4/minute",
    }
    settings.REST_FRAMEWORK = config


def lawyer_token(name: str = "lawyer") -> str:
    return personal_token_issue(user=User.objects.create_user(name))


@pytest.mark.usefixtures("rates")
def test_the_public_is_refused_before_a_lawyer_would_be() -> None:
    token = lawyer_token()
    assert statuses(4) == [200, 200, 200, 429]
    assert statuses(4, token=token) == [200, 200, 200, 200]


@pytest.mark.usefixtures("rates")
def test_a_lawyer_is_refused_past_the_lawyer_rate() -> None:
    assert statuses(7, token=lawyer_token()) == [200] * 6 + [429]


@pytest.mark.usefixtures("rates")
def test_a_refusal_is_in_the_error_shape_and_says_when_to_retry() -> None:
    statuses(3)
    response = ask()
    response.render()
    assert response.status_code == 429
    assert json.loads(response.content)["error"]["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 60


@pytest.mark.usefixtures("rates")
def test_a_judge_signed_in_has_the_judge_rate() -> None:
    judge = User.objects.create_user("judge")
    assert statuses(3, user=judge) == [200, 200, 429]


@pytest.mark.usefixtures("rates")
def test_a_node_has_the_node_rate() -> None:
    _, token = node_create(code="court-a", name="Court A")
    assert statuses(5, token=token) == [200] * 4 + [429]


@pytest.mark.usefixtures("rates")
def test_each_caller_has_a_count_of_its_own() -> None:
    assert statuses(4, address="192.0.2.1")[-1] == 429
    assert statuses(3, address="192.0.2.2") == [200, 200, 200]
    assert statuses(6, token=lawyer_token("a")) == [200] * 6
    assert statuses(6, token=lawyer_token("b")) == [200] * 6


def test_by_default_lawyers_may_ask_more_often_than_the_public() -> None:
    default = api_settings.DEFAULT_THROTTLE_RATES
    per_second = {role: n / s for role, (n, s) in ((r, rate_parse(default[r])) for r in default)}
    assert per_second["lawyer"] > per_second["anon"]


@pytest.mark.usefixtures("rates")
def test_requests_pass_when_the_cache_does_not_answer(caplog: pytest.LogCaptureFixture) -> None:
    down = RedisConnectionError("connection refused")
    cache = type(caches["default"])
    with (
        mock.patch.object(cache, "incr", side_effect=down),
        mock.patch.object(cache, "add", side_effect=down),
    ):
        assert statuses(5) == [200] * 5
    assert "the cache does not answer" in caplog.text


@pytest.mark.redis
@pytest.mark.usefixtures("rates")
def test_it_counts_in_redis_with_redis_url() -> None:
    assert isinstance(caches["default"], RedisCache)
    assert statuses(4) == [200, 200, 200, 429]


def test_it_is_every_api_view_s_default() -> None:
    assert APIView.throttle_classes == [RoleRateThrottle]


@pytest.mark.usefixtures("rates")
def test_a_request_in_a_begun_window_only_increments_its_count() -> None:
    cache = type(caches["default"])
    assert statuses(1) == [200]  # the window's first request makes its count
    with (
        mock.patch.object(cache, "add", wraps=caches["default"].add) as add,
        mock.patch.object(cache, "incr", wraps=caches["default"].incr) as incr,
    ):
        assert statuses(2) == [200, 200]
    assert add.call_count == 0
    assert incr.call_count == 2


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded_for", "client"),
    [
        # No proxy trusted: a forged header changes nothing.
        ([], "198.51.100.1", "203.0.113.5", "198.51.100.1"),
        (["10.0.0.1"], "10.0.0.1", "203.0.113.5", "203.0.113.5"),
        # Left of the address the proxy added is what the client wrote itself.
        (["10.0.0.1"], "10.0.0.1", "6.6.6.6, 203.0.113.5", "203.0.113.5"),
        # Proxies behind proxies, named as a network.
        (["10.0.0.0/8"], "10.0.0.2", "6.6.6.6, 203.0.113.5, 10.0.0.1", "203.0.113.5"),
        (["2001:db8::/32"], "2001:db8::1", "203.0.113.5", "203.0.113.5"),
        # A header that did not come through a trusted proxy.
        (["10.0.0.1"], "198.51.100.1", "203.0.113.5", "198.51.100.1"),
        (["10.0.0.1"], "10.0.0.1", "", "10.0.0.1"),
        (["10.0.0.1"], "10.0.0.1", "not-an-address", "10.0.0.1"),
    ],
)
def test_the_client_address_believes_forwarded_for_from_trusted_proxies_only(
    settings: LazySettings, trusted: list[str], remote: str, forwarded_for: str, client: str
) -> None:
    settings.TRUSTED_PROXIES = trusted
    request = APIRequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded_for)
    assert client_address(request) == client


@pytest.mark.usefixtures("rates")
def test_the_public_behind_a_trusted_proxy_is_counted_per_client(settings: LazySettings) -> None:
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    assert statuses(4, address="10.0.0.1", forwarded_for="203.0.113.1")[-1] == 429
    assert statuses(3, address="10.0.0.1", forwarded_for="203.0.113.2") == [200, 200, 200]


@pytest.mark.usefixtures("rates")
def test_a_forwarded_for_header_from_an_untrusted_address_escapes_no_limit() -> None:
    forged = [ask(forwarded_for=f"203.0.113.{n}").status_code for n in range(4)]
    assert forged == [200, 200, 200, 429]


def test_a_person_who_opens_a_served_page_and_checks_five_files_is_not_throttled(
    court: Actor, public: Actor, settings: LazySettings
) -> None:
    settings.CODE_LOOKUP_RATE = "3/minute"
    code = serve(court)["code"]
    assert public.client.get(f"/v/{code}").status_code == 200
    assert public.client.get(f"/api/v1/codes/{code}/qr").status_code == 200
    for n in range(5):
        body = {"sha256": SUMMONS if n % 2 else "0" * 64}
        checked = public.client.post(f"/api/v1/codes/{code}/check", body, format="json")
        assert checked.status_code == 200
    assert public.client.get(f"/v/{code}", {"sha256": SUMMONS}).status_code == 200


def test_an_address_trying_31_distinct_codes_on_pages_and_the_api_is_refused(
    public: Actor, settings: LazySettings
) -> None:
    assert rate_parse(settings.CODE_LOOKUP_RATE) == (30, 60)
    pages_and_api = [
        public.client.get(f"/v/{guess(n)}" if n % 2 else f"/api/v1/codes/{guess(n)}").status_code
        for n in range(30)
    ]
    assert pages_and_api == [404] * 30
    page = public.client.get(f"/v/{guess(30)}")
    assert page.status_code == 429
    assert 0 < int(page["Retry-After"]) <= 60
    assert public.client.get(f"/api/v1/codes/{guess(31)}").status_code == 429


def test_a_code_allowed_once_is_allowed_again_past_the_limit(
    court: Actor, public: Actor, settings: LazySettings
) -> None:
    settings.CODE_LOOKUP_RATE = "2/minute"
    code = serve(court)["code"]
    assert public.client.get(f"/v/{code}").status_code == 200
    assert public.client.get(f"/v/{guess(0)}").status_code == 404
    assert public.client.get(f"/v/{guess(1)}").status_code == 429
    assert public.client.get(f"/v/{guess(1)}").status_code == 429  # refused: not allowed now
    assert public.client.get(f"/v/{code.lower()}").status_code == 200


@pytest.mark.redis
def test_the_cache_s_keys_hold_no_verification_code(court: Actor, public: Actor) -> None:
    code = serve(court)["code"]
    assert public.client.get(f"/v/{code}").status_code == 200
    redis = Redis.from_url(os.environ["REDIS_URL"])
    prefix = caches["default"].make_key("limit:")
    assert list(redis.scan_iter(f"{prefix}code*"))
    assert not [key for key in redis.scan_iter(f"{prefix}*") if code.encode() in key]


def test_a_served_page_answers_when_the_cache_does_not(
    court: Actor, public: Actor, caplog: pytest.LogCaptureFixture
) -> None:
    code = serve(court)["code"]
    down = RedisConnectionError("connection refused")
    cache = type(caches["default"])
    with (
        mock.patch.object(cache, "get", side_effect=down),
        mock.patch.object(cache, "incr", side_effect=down),
        mock.patch.object(cache, "add", side_effect=down),
    ):
        assert public.client.get(f"/v/{code}").status_code == 200
    assert "the cache does not answer" in caplog.text
