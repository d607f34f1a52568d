"""One error shape everywhere under /api/: {"error": {"code", "message"}}, whatever failed and
wherever (DRF's exception handler or Django's error views), with the status that says what."""

import json
import logging
from typing import Any
from unittest import mock

import pytest
from django.conf import LazySettings
from django.test import Client
from rest_framework.test import APIClient

from tests.people import Actor, sha

pytestmark = pytest.mark.django_db

URL = "/api/v1/entries"


def error_code(response: Any, status: int) -> str:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert set(body) == {"error"}
    assert body["error"]["message"]
    return str(body["error"]["code"])


def test_it_answers_an_unknown_api_path_with_404() -> None:
    assert error_code(Client().get("/api/v1/no-such-thing"), 404) == "not_found"


def test_it_answers_a_post_to_an_unknown_api_path_with_404_not_a_csrf_failure() -> None:
    response = Client(enforce_csrf_checks=True).post("/api/v1/no-such-thing", {})
    assert error_code(response, 404) == "not_found"


def test_it_answers_a_method_the_endpoint_lacks_with_405(court: Actor) -> None:
    assert error_code(court.client.get(URL), 405) == "method_not_allowed"


def test_it_answers_a_body_it_cannot_parse_with_400(court: Actor) -> None:
    response = court.client.post(URL, "{not json", content_type="application/json")
    assert error_code(response, 400) == "malformed_request"


def test_it_answers_a_media_type_it_does_not_read_with_415(court: Actor) -> None:
    response = court.client.post(URL, "kind=evidence", content_type="text/plain")
    assert error_code(response, 415) == "unsupported_media_type"


def test_it_answers_an_accept_header_it_cannot_satisfy_with_406(court: Actor) -> None:
    body = {"kind": "evidence", "sha256": sha("photo")}
    response = court.client.post(URL, body, format="json", HTTP_ACCEPT="text/html")
    assert error_code(response, 406) == "not_acceptable"


def test_it_answers_a_token_it_does_not_know_with_401_naming_the_scheme() -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token jvn_no-such-token")
    response = client.post(URL, {}, format="json")
    assert error_code(response, 401) == "not_authenticated"
    assert response["WWW-Authenticate"] == "Token"


def test_it_answers_a_caller_without_the_right_with_403(lawyer: Actor) -> None:
    response = lawyer.client.post(URL, {"kind": "evidence", "sha256": sha("x")}, format="json")
    assert error_code(response, 403) == "permission_denied"


def test_it_answers_a_body_past_the_upload_limit_with_413(
    court: Actor, settings: LazySettings
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = [{"kind": "evidence", "sha256": sha(str(i))} for i in range(20)]
    assert error_code(court.client.post(URL, body, format="json"), 413) == "too_large"


def test_it_answers_a_wrong_host_under_api_with_400() -> None:
    response = Client().get("/api/v1/no-such-thing", HTTP_HOST="attacker.invalid")
    assert error_code(response, 400) == "malformed_request"


def test_it_answers_an_unexpected_exception_with_500_and_logs_it(
    court: Actor, caplog: pytest.LogCaptureFixture
) -> None:
    court.client.raise_request_exception = False
    failure = RuntimeError("the disk caught fire")
    with mock.patch("judicial_verify.api.views.entries_submit.records_anchor", side_effect=failure):
        response = court.client.post(URL, {"kind": "evidence", "sha256": sha("x")}, format="json")
    assert error_code(response, 500) == "internal_error"
    assert "fire" not in response.content.decode()
    logged = [r for r in caplog.records if r.levelno == logging.ERROR and r.exc_info]
    assert [r.exc_info[1] for r in logged if r.exc_info] == [failure]


def test_it_keeps_the_portal_s_own_error_pages_outside_the_api(db: None) -> None:
    response = Client().get("/no-such-page")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
