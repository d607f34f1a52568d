"""Judges on a phone (issue 14.7), in Chromium: the search and record pages are readable on a
360 px phone in Chinese and English, a case number on one line, not one character a line;
a judge who verifies their court's evidence on / is led to the record. The screenshots of
these journeys are docs/screenshots/judge-phone-*.png, and judge-desktop-*.png at 1280 px
(issue 14.10)."""

import hashlib
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.utils import translation
from playwright.sync_api import Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from judicial_verify.ledger.models import Entry
from judicial_verify.records.models import Node, Profile
from judicial_verify.records.services import AnchorItem, records_anchor
from tests.publishing import integrate_and_publish

from .conftest import Visit, screenshot

PHONE: ViewportSize = {"width": 360, "height": 800}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
LANGUAGES = {"en-GB": "en", "zh-CN": "zh"}
CASE_NUMBER = "(2026)京0108民初12345号"
EVIDENCE = "微信聊天记录截图 (2026)京0108民初12345号\n".encode() * 40
METADATA = {
    "case_number": CASE_NUMBER,
    # A long title, as many are: it may wrap, the case number beside it may not.
    "title": "北京某某网络科技有限公司诉上海某某信息技术有限公司、王某网络服务合同纠纷",
    "submitted_by": "北京某科技有限公司",
    "collected_at": "2026-11-20T10:00:00+08:00",
}
# How many lines an element's text takes: its height over its line height.
LINES = (
    "e => Math.round(e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight))"
)

# The lines of a table cell's text, measured on a range around it (the cell itself is as tall
# as its row).
CELL_LINES = """c => {
  const range = document.createRange();
  range.selectNodeContents(c);
  return Math.round(range.getBoundingClientRect().height
    / parseFloat(getComputedStyle(c).lineHeight));
}"""


@pytest.fixture
def evidence(court: Node) -> int:
    """The court's piece of evidence in a case, anchored and published; its index."""
    item = AnchorItem(
        kind="evidence", sha256=hashlib.sha256(EVIDENCE).hexdigest(), metadata=METADATA
    )
    (anchored,) = records_anchor(node=court, items=[item])
    integrate_and_publish()
    return Entry.objects.get(submission=anchored.record.submission).index


def _sign_in_as_judge(visit: Visit, live_server: LiveServer, court: Node) -> None:
    user = User.objects.create_user("judge-phone")
    Profile.objects.create(user=user, role=Profile.Role.JUDGE, court=court)
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    visit.page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )


def _case_number_lines(page: Page) -> list[int]:
    """The lines each showing of the case number takes, wherever the page shows it."""
    shown = page.locator("dd", has_text=re.compile(rf"^{re.escape(CASE_NUMBER)}$"))
    expect(shown.first).to_be_visible()
    return [int(shown.nth(i).evaluate(LINES)) for i in range(shown.count())]


def _fits(page: Page, viewport: ViewportSize) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"{width} px wide"


@pytest.mark.parametrize("locale", LANGUAGES)
def test_the_search_shows_each_record_as_a_card_on_a_phone(
    visit: Visit, live_server: LiveServer, court: Node, evidence: int, locale: str
) -> None:
    _sign_in_as_judge(visit, live_server, court)
    page = visit.page
    page.set_viewport_size(PHONE)
    page.goto(f"/court/records/?case_number={CASE_NUMBER}")
    assert _case_number_lines(page) == [1]
    _fits(page, PHONE)
    row = page.locator("table.records tbody tr")
    # A card as wide as the page's content, each value under its column's name.
    assert row.evaluate("r => r.getBoundingClientRect().width") >= 300
    with translation.override("zh-hans" if locale.startswith("zh") else "en"):
        label = translation.gettext("Record number")
    expect(row.locator("td").first).to_have_attribute("data-label", label)
    label_shown = row.locator("td").first.evaluate("td => getComputedStyle(td, '::before').content")
    assert label_shown == f'"{label}"'
    screenshot(page, f"judge-phone-search-{LANGUAGES[locale]}")


@pytest.mark.parametrize("locale", LANGUAGES)
def test_the_search_keeps_a_case_number_on_one_line_on_a_desktop(
    visit: Visit, live_server: LiveServer, court: Node, evidence: int, locale: str
) -> None:
    _sign_in_as_judge(visit, live_server, court)
    page = visit.page
    page.set_viewport_size(DESKTOP)
    page.goto(f"/court/records/?case_number={CASE_NUMBER}")
    assert _case_number_lines(page) == [1]
    expect(page.locator("table.records thead")).to_be_visible()  # a table, not cards
    # No heading and no kind one character a line: each line holds at least two characters.
    cells = page.locator("table.records th, table.records tbody td:nth-child(2)")
    for i in range(cells.count()):
        cell = cells.nth(i)
        text = (cell.text_content() or "").strip()
        lines = int(cell.evaluate(CELL_LINES))
        assert lines <= max(1, len(text) // 2), f"{text!r} takes {lines} lines"
    screenshot(page, f"judge-desktop-search-{LANGUAGES[locale]}")


@pytest.mark.parametrize("locale", LANGUAGES)
def test_the_record_page_is_readable_on_a_phone(
    visit: Visit, live_server: LiveServer, court: Node, evidence: int, locale: str
) -> None:
    _sign_in_as_judge(visit, live_server, court)
    page = visit.page
    page.set_viewport_size(PHONE)
    page.goto(f"/court/records/{evidence}")
    assert _case_number_lines(page) == [1]
    _fits(page, PHONE)
    screenshot(page, f"judge-phone-record-{LANGUAGES[locale]}")


@pytest.mark.parametrize("locale", LANGUAGES)
def test_a_judge_verifying_their_courts_evidence_is_led_to_the_record(
    visit: Visit, live_server: LiveServer, court: Node, evidence: int, locale: str
) -> None:
    _sign_in_as_judge(visit, live_server, court)
    page = visit.page
    page.set_viewport_size(PHONE)
    page.goto("/")
    page.locator("#sha256").fill(hashlib.sha256(EVIDENCE).hexdigest())
    page.locator("section[aria-labelledby=by-hash] button[type=submit]").click()
    link = page.locator(".judge-opens a")
    expect(link).to_have_attribute("href", f"/court/records/{evidence}")
    _fits(page, PHONE)
    screenshot(page, f"judge-phone-verified-{LANGUAGES[locale]}")
    link.click()
    expect(page).to_have_url(re.compile(rf"/court/records/{evidence}$"))
    assert _case_number_lines(page) == [1]
