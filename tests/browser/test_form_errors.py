"""Errors nobody can miss, in Chromium (issue 14.2): a refused form comes back with its error
summary focused, in view and named for screen readers, in Chinese and English, on a 1280 px
desktop and a 360 px phone, with JavaScript and without; its links lead to the field; a
fingerprint pasted with spaces and line breaks is read. The screenshots of these journeys are
docs/screenshots/errors-*.png (issue 14.10)."""

import hashlib
import re
from pathlib import Path

import pytest
from django.conf import LazySettings
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.test import Client
from django.utils import translation
from playwright.sync_api import Browser, Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from judicial_verify.records.models import Node, Profile

from .conftest import Visit, anchor, screenshot

DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 360, "height": 800}
DEVICES = {"desktop": DESKTOP, "phone": PHONE}
LANGUAGES = {"en-GB": "en", "zh-CN": "zh"}
JUDGMENT = "民事判决书 (2026) 京0105民初1号\n".encode() * 50


def _speaking(locale: str, message: str) -> str:
    with translation.override("zh-hans" if locale.startswith("zh") else "en"):
        return translation.gettext(message)


def _assert_summary_focused(page: Page, locale: str) -> None:
    """The error summary has the focus and is in view, its heading names it and an alert
    inside it holds the errors."""
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(summary).to_have_accessible_name(_speaking(locale, "There is a problem"))
    expect(summary.get_by_role("alert")).to_be_visible()
    assert page.title().startswith(f"{_speaking(locale, 'Error:')} ")


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("locale", LANGUAGES)
def test_a_malformed_fingerprint_is_refused_at_the_top_of_its_form(
    visit: Visit, transactional_db: None, locale: str, device: str
) -> None:
    page = visit.page
    page.set_viewport_size(DEVICES[device])
    page.goto("/")
    typed = hashlib.sha256(b"a judgment").hexdigest()[:63]
    page.locator("#sha256").fill(typed)
    page.locator("section[aria-labelledby=by-hash] button[type=submit]").click()
    _assert_summary_focused(page, locale)
    link = page.locator("[data-error-summary] a")
    expect(link).to_have_attribute("href", "#sha256")
    expect(link).to_contain_text("63")
    field = page.locator("#sha256")
    expect(field).to_have_value(typed)
    expect(field).to_have_attribute("aria-invalid", "true")
    message = page.locator("#sha256-error").text_content() or "no message"
    expect(field).to_have_accessible_description(re.compile(re.escape(message.strip())))
    screenshot(page, f"errors-fingerprint-{LANGUAGES[locale]}-{device}")
    link.click()
    expect(field).to_be_focused()
    expect(page.locator("label[for=sha256]")).to_be_in_viewport()


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("locale", LANGUAGES)
def test_a_mistyped_code_is_refused_at_the_top_of_its_form(
    visit: Visit, transactional_db: None, locale: str, device: str
) -> None:
    page = visit.page
    page.set_viewport_size(DEVICES[device])
    page.goto("/")
    page.locator("#code").fill("ABCD-EFGH-JKMN-PQRS-TVW0")  # its check character is wrong
    page.locator("section[aria-labelledby=by-code] button[type=submit]").click()
    _assert_summary_focused(page, locale)
    expect(page.locator("#code")).to_have_value("ABCD-EFGH-JKMN-PQRS-TVW0")
    expect(page.locator("#code")).to_have_attribute("aria-invalid", "true")
    screenshot(page, f"errors-code-{LANGUAGES[locale]}-{device}")


@pytest.mark.parametrize("locale", LANGUAGES)
def test_a_bad_record_number_is_refused_with_the_fingerprint_kept(
    visit: Visit, court: Node, locale: str
) -> None:
    anchor(court, JUDGMENT)
    page = visit.page
    page.set_viewport_size(PHONE)
    page.goto("/")
    sha256 = hashlib.sha256(JUDGMENT).hexdigest()
    page.locator("#sha256").fill(sha256)
    page.locator("#index").fill("99")
    page.locator("section[aria-labelledby=by-hash] button[type=submit]").click()
    _assert_summary_focused(page, locale)
    expect(page.locator("[data-error-summary] a")).to_have_attribute("href", "#index")
    expect(page.locator("#sha256")).to_have_value(sha256)
    expect(page.locator("#index")).to_have_value("99")
    screenshot(page, f"errors-record-number-{LANGUAGES[locale]}-phone")


def test_a_fingerprint_pasted_with_spaces_and_line_breaks_is_verified(
    visit: Visit, court: Node
) -> None:
    anchor(court, JUDGMENT)
    page = visit.page
    sha256 = hashlib.sha256(JUDGMENT).hexdigest()
    pasted = f" {sha256[:32]} \n{sha256[32:].upper()}\n"
    page.goto("/")
    # As from a hashing tool's output; the field keeps the spaces, drops the line breaks.
    page.locator("#sha256").fill(pasted)
    page.locator("section[aria-labelledby=by-hash] button[type=submit]").click()
    expect(page.get_by_role("heading", name="Verified: this document is anchored")).to_be_visible()
    expect(page.locator(".fingerprint code")).to_have_text(sha256)


@pytest.mark.parametrize("locale", LANGUAGES)
def test_the_summary_is_focused_without_javascript(
    browser: Browser, live_server: LiveServer, transactional_db: None, locale: str
) -> None:
    context = browser.new_context(
        base_url=live_server.url, locale=locale, java_script_enabled=False, viewport=PHONE
    )
    page = context.new_page()
    page.goto("/?sha256=abc")
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    context.close()


@pytest.mark.parametrize("locale", LANGUAGES)
def test_a_wrong_password_is_refused_at_the_top_of_the_sign_in_form(
    visit: Visit, transactional_db: None, settings: LazySettings, locale: str
) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    User.objects.create_user("judge-a", password="correct horse battery staple")  # noqa: S106
    page = visit.page
    page.set_viewport_size(PHONE)
    page.goto("/sign-in/")
    page.locator("#id_username").fill("judge-a")
    page.locator("#id_password").fill("Correct horse battery staple")
    page.locator("main button[type=submit]").click()
    _assert_summary_focused(page, locale)
    expect(page.locator("[data-error-summary] a")).to_have_attribute("href", "#id_password")
    expect(page.locator("#id_username")).to_have_value("judge-a")
    expect(page.locator("#id_password")).to_have_attribute("aria-invalid", "true")
    screenshot(page, f"errors-sign-in-{LANGUAGES[locale]}-phone")


@pytest.mark.parametrize("locale", LANGUAGES)
def test_a_judges_empty_search_is_refused_at_the_top_of_its_form(
    visit: Visit, live_server: LiveServer, court: Node, locale: str
) -> None:
    user = User.objects.create_user("judge-a")
    Profile.objects.create(user=user, role=Profile.Role.JUDGE, court=court)
    client = Client()
    client.force_login(user)
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    visit.page.context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    page = visit.page
    page.set_viewport_size(PHONE)
    page.goto("/court/records/")
    page.locator("main button[type=submit]").click()
    _assert_summary_focused(page, locale)
    expect(page.locator("[data-error-summary] a")).to_have_attribute("href", "#case_number")
    expect(page.locator("#case_number")).to_have_attribute("aria-invalid", "true")


@pytest.mark.parametrize("locale", LANGUAGES)
def test_a_bad_record_number_for_files_is_refused_at_its_field(
    visit: Visit, court: Node, tmp_path: Path, locale: str
) -> None:
    anchor(court, JUDGMENT)
    files = [tmp_path / "judgment.pdf", tmp_path / "other.pdf"]
    files[0].write_bytes(JUDGMENT)
    files[1].write_bytes(b"other")
    page = visit.page
    page.set_viewport_size(PHONE)
    page.goto("/")
    field = page.locator("#file-index")
    field.fill("12a")
    page.set_input_files("#files", files)
    expect(field).to_be_focused()
    expect(field).to_have_attribute("aria-invalid", "true")
    message = _speaking(
        locale,
        "A record number is a whole number, such as 1024, as printed on the document. Leave "
        "the field empty if the document has none.",
    )
    expect(page.locator("#file-index-error")).to_contain_text(message)
    expect(field).to_have_accessible_description(re.compile(re.escape(message)))
    expect(page.locator("label[for=file-index]")).to_be_in_viewport()
    screenshot(page, f"errors-file-record-number-{LANGUAGES[locale]}-phone")
    field.fill(" 0\n")  # pasted: the judgment's record number, with white space
    page.set_input_files("#files", files)
    expect(page.locator("[data-results] tbody tr")).to_have_count(2)
    expect(field).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator("#file-index-error")).to_be_hidden()
