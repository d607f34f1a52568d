"""Times the scripts show (an entry's time once verified, a table's times, the witnesses'
cosignatures) read exactly as the server writes them: in the court's time zone, in the page's
language, whatever the browser's own zone (static/portal/js/court-time.js, with the wording the
page carries; judicial_verify/court_time.py)."""

from collections.abc import Iterator

import pytest
from django.conf import LazySettings
from django.utils import translation
from playwright.sync_api import Browser, Page
from pytest_django.live_server_helper import LiveServer

from judicial_verify.court_time import court_time

TIMES = [
    "2026-11-18T01:30:00Z",
    "2026-12-31T16:00:00.000Z",  # past midnight in Beijing: the next year there
    "2026-07-01T12:00:59.999Z",
    "2026-03-08T06:59:00Z",  # a minute before New York moves its clocks on
    "2026-03-08T07:00:00Z",
]
# Scripts are given the zone and words by the page; a browser elsewhere must not change them.
BROWSER_ZONE = "Europe/Berlin"


@pytest.fixture
def page_in_berlin(browser: Browser, live_server: LiveServer, locale: str) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url, locale=locale, timezone_id=BROWSER_ZONE)
    yield context.new_page()
    context.close()


def shown_by_script(page: Page, when: str) -> str:
    script = "async (when) => (await import('/static/portal/js/court-time.js')).courtTime(when)"
    shown: str = page.evaluate(script, when)
    return shown


@pytest.mark.parametrize(("locale", "language"), [("en-GB", "en"), ("zh-CN", "zh-hans")])
@pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/New_York", "Asia/Kolkata"])
def test_a_script_shows_a_time_as_the_server_does(
    page_in_berlin: Page, settings: LazySettings, language: str, zone: str
) -> None:
    settings.TIME_ZONE = zone
    page_in_berlin.goto("/")
    with translation.override(language):
        expected = [court_time(when) for when in TIMES]
    assert [shown_by_script(page_in_berlin, when) for when in TIMES] == expected


def test_in_beijing_time_it_names_the_zone_as_people_do(
    page_in_berlin: Page,
) -> None:
    page_in_berlin.goto("/")
    assert shown_by_script(page_in_berlin, TIMES[0]) == "18 Nov 2026, 09:30 (Beijing time, UTC+8)"
    assert shown_by_script(page_in_berlin, TIMES[1]) == "1 Jan 2027, 00:00 (Beijing time, UTC+8)"
