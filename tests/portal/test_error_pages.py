"""The portal's own error pages, in the visitor's language and in the site's layout; under
/api/ the same failures keep answering the API's JSON error shape."""

from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.template import loader
from django.test import Client
from django.utils import translation

from judicial_verify.ledger.models import Entry
from judicial_verify.records.models import Profile
from tests.anchoring import anchor
from tests.ledger.tamper import guards_lifted
from tests.people import Actor, node_of


@pytest.mark.parametrize(
    ("accept_language", "heading"),
    [("zh-CN", "<h1>页面不存在</h1>"), ("en", "<h1>Page not found</h1>")],
)
@pytest.mark.django_db
def test_an_unknown_page_is_a_404_page_in_the_visitors_language(
    accept_language: str, heading: str
) -> None:
    response = Client().get("/no-such-page", HTTP_ACCEPT_LANGUAGE=accept_language)
    assert response.status_code == 404
    assert response["Content-Type"] == "text/html; charset=utf-8"
    page = response.content.decode()
    assert heading in page
    assert 'id="language"' in page  # the site's layout, switcher and all


@pytest.mark.django_db
def test_an_unknown_verification_code_is_the_same_404_page() -> None:
    response = Client().get("/v/ABCD-EFGH-JKMN-PQRS-TVW0", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.status_code == 404
    assert "<h1>页面不存在</h1>" in response.content.decode()


@pytest.mark.django_db
def test_an_unknown_api_path_keeps_its_json_404() -> None:
    response = Client().get("/api/v1/no-such-thing", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.django_db
def test_a_forbidden_page_is_a_403_page_saying_why() -> None:
    lawyer = User.objects.create_user("lawyer")
    Profile.objects.create(user=lawyer, role=Profile.Role.LAWYER)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-CN")
    client.force_login(lawyer)
    response = client.get("/court/records/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "<h1>无权访问</h1>" in page
    assert "仅法官可以查看法院的存证记录。" in page


@pytest.mark.django_db
def test_a_server_failure_is_a_500_page_that_reveals_nothing() -> None:
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="zh-CN")
    failure = RuntimeError("the disk caught fire")
    with mock.patch("judicial_verify.ledger.read.checkpoint_latest", side_effect=failure):
        response = client.get("/log/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "<h1>服务器错误</h1>" in page
    assert "fire" not in page


@pytest.mark.django_db
def test_a_server_failure_under_the_api_keeps_its_json_500() -> None:
    client = Client(raise_request_exception=False)
    failure = RuntimeError("the disk caught fire")
    with mock.patch("judicial_verify.ledger.read.checkpoint_latest", side_effect=failure):
        response = client.get("/api/v1/log")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"


def test_the_500_page_renders_without_a_request() -> None:
    # Django renders it with no context at all: whatever broke may be the request's handling.
    with translation.override("en"):  # whatever language an earlier test left active
        page = loader.get_template("500.html").render()
    assert "<h1>Server error</h1>" in page
    assert 'href="/static/portal/css/site.css"' in page


def test_a_request_for_another_host_is_a_400_page() -> None:
    response = Client().get("/", HTTP_HOST="attacker.invalid")
    assert response.status_code == 400
    assert "<h1>Bad request</h1>" in response.content.decode()


@pytest.mark.django_db
def test_stored_data_that_fails_its_checks_is_a_503_page_in_the_visitors_language(
    court: Actor,
) -> None:
    sha256 = "ab" * 32
    index = anchor(node_of(court), sha256)
    with guards_lifted("ledger_entry"):
        Entry.objects.filter(index=index).update(data=b"not an entry")
    for language, heading in [
        ("zh-CN", "<h1>服务暂不可用</h1>"),
        ("en", "<h1>Service unavailable</h1>"),
    ]:
        response = Client().get("/", {"sha256": sha256}, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 503
        assert heading in response.content.decode()
