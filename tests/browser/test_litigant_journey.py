"""The litigant's journey (issue 14, points 1, 3, 4 and 10): the QR code on a served summons
opens /v/CODE; the litigant drops the PDF they received and learns in one sentence what was
proven, in their language and the court's time, with the receipt and the report at hand; a
re-saved copy is told what to do and whom to ask. On a 1280 px desktop and a 360 px phone, in
Chinese and English, each step saved as docs/screenshots/litigant-*.png for the README."""

import hashlib
import re

import pytest
from django.utils import translation
from playwright.sync_api import Page, ViewportSize, expect

from judicial_verify.court_time import court_time
from judicial_verify.records.models import Node
from judicial_verify.records.selectors import served_document_by_code

from .conftest import Visit, screenshot, serve
from .files import drop_files

SUMMONS = b"%PDF-1.7\n" + "传票 summons (2026) 京0105民初1号\n".encode() * 100
CONTACT = "010-12368"
SCREENS: dict[str, ViewportSize] = {
    "desktop": {"width": 1280, "height": 800},
    "phone": {"width": 360, "height": 800},
}
LANGUAGES = {"zh-CN": "zh-hans", "en-GB": "en"}


def words(language: str, message: str, **values: object) -> str:
    with translation.override(language):
        return translation.gettext(message) % values if values else translation.gettext(message)


def fits(page: Page, screen: str) -> None:
    width = SCREENS[screen]["width"]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("locale", LANGUAGES)
def test_a_litigant_checks_the_summons_they_received(
    visit: Visit, court: Node, locale: str, screen: str
) -> None:
    language = LANGUAGES[locale]
    court.contact = CONTACT
    court.save()
    code = serve(court, SUMMONS)
    document = served_document_by_code(code)
    assert document is not None
    page = visit.page
    page.set_viewport_size(SCREENS[screen])
    page.goto(f"/v/{code}")
    served = page.locator("main dl.entry").first
    with translation.override(language):
        expect(served).to_contain_text(court_time("2026-11-20T10:00:00+08:00"))
        anchored = court_time(document.entry.time)
    expect(served).not_to_contain_text("UTC)")

    drop_files(page, "[data-served-check] [data-drop-zone]", {"summons.pdf": SUMMONS})
    outcome = page.locator("[data-served-check] [data-outcome]")
    expect(outcome.get_by_role("heading")).to_have_text(
        words(language, "Verified: this file is the document that was served")
    )
    proven = words(
        language,
        "Anchored by %(court)s on %(time)s, record %(n)s, unchanged since.",
        court=court.name,
        time=anchored,
        n=document.index,
    )
    expect(outcome.locator(".proven")).to_have_text(proven)
    expect(outcome.get_by_text("summons.pdf")).to_be_visible()
    report = outcome.get_by_role("link", name=words(language, "Verification report (PDF)"))
    expect(report).to_have_attribute(
        "href", f"/report/{document.index}.pdf?sha256={hashlib.sha256(SUMMONS).hexdigest()}"
    )
    receipt_words = words(language, "Receipt for offline verification (.tlog-proof)")
    expect(outcome.get_by_role("link", name=receipt_words)).to_be_visible()
    technical = page.locator("[data-served-check] details.technical")
    expect(technical).not_to_have_attribute("open", re.compile(".*"))
    expect(technical.locator("[data-browser-check] article")).to_have_attribute(
        "data-verdict", "verified"
    )
    fits(page, screen)
    screenshot(page, f"litigant-verified-{screen}-{language[:2]}")

    drop_files(
        page, "[data-served-check] [data-drop-zone]", {"summons-resaved.pdf": SUMMONS + b" "}
    )
    expect(outcome.get_by_role("heading")).to_have_text(
        words(language, "Content differs from the document that was served")
    )
    expect(outcome.get_by_text("summons-resaved.pdf")).to_be_visible()
    expect(outcome).to_contain_text(
        words(
            language,
            "What to do: check that this is the PDF the court sent you, exactly as you received "
            "it (the attachment, or the download from the court's service), and check that file.",
        )
    )
    questions = words(
        language, "Questions: %(court)s, %(contact)s", court=court.name, contact=CONTACT
    )
    expect(outcome.locator(".contact")).to_have_text(questions)
    expect(outcome.locator("[data-wrong-file]:visible")).to_have_count(0)
    fits(page, screen)
    screenshot(page, f"litigant-differs-{screen}-{language[:2]}")
