"""Rate limits per role, counted in the cache: the public, lawyers (personal token), judges
(signed in) and nodes each have their own rate, and each caller its own count."""

import json
from typing import Any
from unittest import mock

import pytest
from django.conf import LazySettings
from django.contrib.auth.models import User
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from redis import ConnectionError as RedisConnectionError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from judicial_verify.api.throttles import RoleRateThrottle, rate_parse
from judicial_verify.records.credentials import node_create, personal_token_issue

pytestmark = pytest.mark.django_db


class Constant(APIView):
    """A view with the API's default authentication and throttles."""

    def get(self, request: Request) -> Response:
        return Response({"ok": True})


def ask(
    *, token: str | None = None, user: User | None = None, address: str = "192.0.2.1"
) -> Response:
    headers: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Token {token}"} if token else {}
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
