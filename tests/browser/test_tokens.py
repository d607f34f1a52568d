"""A lawyer's journey to the API (issue 14, point 6): sign in through the form, land on the
tokens page, create a token, copy it, call the API with it, and revoke it; on a desktop and
on a phone, in Chinese and in English, each saved as docs/screenshots/lawyer-tokens-*.png."""

import re

import pytest
from django.conf import LazySettings
from django.contrib.auth.models import User
from django.utils import translation
from playwright.sync_api import ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from judicial_verify.records.models import Profile

from .conftest import Visit, screenshot

PASSWORD = "correct horse battery staple"  # noqa: S105 (a test user's)
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 360, "height": 800}
LANGUAGES = {"en-GB": ("en", "en"), "zh-CN": ("zh-hans", "zh")}


@pytest.mark.parametrize("device", ["desktop", "phone"])
@pytest.mark.parametrize("locale", ["en-GB", "zh-CN"])
def test_a_lawyer_signs_in_creates_copies_and_revokes_a_token(
    visit: Visit,
    live_server: LiveServer,
    transactional_db: None,
    settings: LazySettings,
    locale: str,
    device: str,
) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = User.objects.create_user("lawyer-li", password=PASSWORD)
    Profile.objects.create(user=user, role=Profile.Role.LAWYER)
    language, short = LANGUAGES[locale]
    page = visit.page
    viewport = PHONE if device == "phone" else DESKTOP
    page.set_viewport_size(viewport)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    with translation.override(language):
        create, copy = translation.gettext("Create a token"), translation.gettext("Copy")
        revoke = translation.gettext("Revoke")

    page.goto("/sign-in/")
    page.locator("#id_username").fill("lawyer-li")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/account/tokens/$"))
    expect(page.locator("html")).to_have_attribute("lang", language)

    page.locator("#token-name").fill("律所电脑" if short == "zh" else "office laptop")
    page.get_by_role("button", name=create).click()
    field = page.locator("#new-token")
    expect(field).to_have_value(re.compile(r"^jvp_[A-Za-z0-9_-]{43}$"))
    token = field.input_value()
    page.get_by_role("button", name=copy, exact=True).click()
    expect(page.locator("#copy-done")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == token
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(page, f"lawyer-tokens-{device}-{short}")

    api = page.request.get("/api/v1/log", headers={"Authorization": f"Token {token}"})
    assert api.status == 200
    listed = page.locator("table.tokens tbody tr")
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text(token[:10])
    listed.get_by_role("button", name=revoke).click()
    expect(page.locator("table.tokens")).to_have_count(0)
    refused = page.request.get("/api/v1/log", headers={"Authorization": f"Token {token}"})
    assert refused.status == 401
