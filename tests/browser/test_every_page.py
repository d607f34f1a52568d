"""Every page in a real browser: it fits a 360 px phone without sideways scrolling in either
language, works from the keyboard with a visible focus ring, and runs under the site's
Content-Security-Policy (the `visit` fixture fails a test on any console error, a CSP
violation included), the API's Swagger UI too."""

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from playwright.sync_api import ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from tests.portal.pages import Visitor, site_build

from .conftest import Visit

PHONE: ViewportSize = {"width": 360, "height": 800}
FOCUS_RING = "rgb(180, 83, 9) solid 3px"  # --focus in site.css


def _cookie(visit: Visit, live_server: LiveServer, name: str, value: str) -> None:
    visit.page.context.add_cookies([{"name": name, "value": value, "url": live_server.url}])


def _speak(visit: Visit, live_server: LiveServer, language: str) -> None:
    """The language as the switcher leaves it chosen (the context's locale is en-GB)."""
    _cookie(visit, live_server, settings.LANGUAGE_COOKIE_NAME, language)


def _sign_in_as_judge(visit: Visit, live_server: LiveServer) -> None:
    client = Client()
    client.force_login(User.objects.get(username="judge"))
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    _cookie(visit, live_server, settings.SESSION_COOKIE_NAME, session)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_page_fits_a_phone_without_sideways_scrolling(
    visit: Visit, live_server: LiveServer, transactional_db: None, language: str
) -> None:
    pages = [p for p in site_build() if p.status == 200 and p.visitor is not Visitor.LAWYER]
    _sign_in_as_judge(visit, live_server)  # the judge's header is the longest
    _speak(visit, live_server, language)
    page = visit.page
    page.set_viewport_size(PHONE)
    for portal_page in pages:
        page.goto(portal_page.path, wait_until="networkidle")
        expect(page.locator("html")).to_have_attribute("lang", language)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{portal_page.name}: {width} px wide"


def _tab_to(visit: Visit, element_id: str) -> None:
    for _ in range(30):
        visit.page.keyboard.press("Tab")
        if visit.page.evaluate("document.activeElement.id") == element_id:
            return
    pytest.fail(f"#{element_id} is not reached with the Tab key")


def _focus_ring(visit: Visit) -> str:
    return str(visit.page.evaluate("getComputedStyle(document.activeElement).outline"))


def test_the_skip_link_is_the_first_stop_and_leads_to_the_content(
    visit: Visit, transactional_db: None
) -> None:
    page = visit.page
    page.goto("/log/")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    assert _focus_ring(visit) == FOCUS_RING
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_the_language_switcher_works_from_the_keyboard(
    visit: Visit, live_server: LiveServer, transactional_db: None
) -> None:
    page = visit.page
    _speak(visit, live_server, "zh-hans")
    page.goto("/log/")
    expect(page.locator("h1")).to_have_text("存证日志")
    _tab_to(visit, "language")
    assert _focus_ring(visit) == FOCUS_RING
    page.keyboard.press("End")  # the last language: English
    page.keyboard.press("Tab")
    expect(page.locator(".language button")).to_be_focused()
    assert _focus_ring(visit) == FOCUS_RING
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("The log")
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_the_api_docs_run_under_the_content_security_policy(
    visit: Visit, transactional_db: None
) -> None:
    page = visit.page
    page.goto("/api/docs/", wait_until="networkidle")
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator(".opblock").count() >= 10
