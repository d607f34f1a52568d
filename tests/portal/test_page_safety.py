"""Safe by default: a Content-Security-Policy that allows no inline script or style, and no
template or page that needs one; a CSRF token in every form that posts, and forms refused
without it; the security headers on every page, HSTS and secure cookies in production."""

import re
from pathlib import Path

import pytest
from django.conf import LazySettings
from django.http import HttpResponseBase
from django.test import Client

from tests.test_settings import PRODUCTION, django

from .pages import client_for, site_build, templates

SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
# Data blocks: the browser runs none of them, so the CSP has nothing to block.
DATA_TYPES = re.compile(r"""\btype\s*=\s*["']?application/(ld\+)?json""", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form\s*>", re.IGNORECASE | re.DOTALL)
POSTS = re.compile(r"""\bmethod\s*=\s*["']?post\b""", re.IGNORECASE)


def inline_code(html: str) -> list[str]:
    """What in `html` the CSP would block, or needs 'unsafe-inline' for: script bodies,
    style elements and attributes, event handler attributes, javascript: URLs."""
    found = [
        f"<script{attributes}>{body.strip()[:60]}"
        for attributes, body in SCRIPT.findall(html)
        if body.strip() and not DATA_TYPES.search(attributes)
    ]
    found += [match.group() for match in INLINE_STYLE.finditer(html)]
    found += [match.group() for match in EVENT_HANDLER.finditer(html)]
    found += ["javascript:"] * html.lower().count("javascript:")
    return found


def test_there_are_templates_to_check() -> None:
    names = {path.name for path in templates()}
    assert {"base.html", "verify.html", "404.html", "500.html"} <= names


@pytest.mark.parametrize("template", templates(), ids=lambda path: path.name)
def test_no_template_has_inline_script_or_style(template: Path) -> None:
    assert inline_code(template.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("template", templates(), ids=lambda path: path.name)
def test_every_form_in_a_template_that_posts_has_a_csrf_token(template: Path) -> None:
    for attributes, body in FORM.findall(template.read_text(encoding="utf-8")):
        if POSTS.search(attributes):
            assert "{% csrf_token %}" in body, f"<form{attributes}>"


@pytest.mark.django_db
def test_no_page_has_inline_script_or_style_and_every_form_that_posts_has_its_token() -> None:
    for page in site_build():
        html = client_for(page.visitor, "zh-CN").get(page.path).content.decode()
        assert inline_code(html) == [], page.name
        forms = [body for attributes, body in FORM.findall(html) if POSTS.search(attributes)]
        assert forms, f"{page.name}: no language switcher"
        for body in forms:
            assert re.search(r'name="csrfmiddlewaretoken" value="[^"]{32,}"', body), page.name


@pytest.mark.django_db
def test_the_language_switcher_refuses_a_post_without_a_csrf_token() -> None:
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="zh-CN")
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 403
    assert "<h1>表单已失效</h1>" in response.content.decode()


@pytest.mark.django_db
def test_sign_in_refuses_a_post_without_a_csrf_token() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/sign-in/", {"username": "judge", "password": "secret"})
    assert response.status_code == 403
    assert "<h1>The form has expired</h1>" in response.content.decode()


def _policy(header: str) -> dict[str, list[str]]:
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in directives}


@pytest.mark.django_db
def test_pages_allow_scripts_and_styles_from_this_site_only() -> None:
    policy = _policy(Client().get("/")["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    # 'wasm-unsafe-eval' compiles the vendored SHA-256 WebAssembly; it allows no eval() of script.
    assert policy["script-src"] == ["'self'", "'wasm-unsafe-eval'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert not [v for values in policy.values() for v in values if "unsafe-inline" in v]


@pytest.mark.django_db
def test_pages_carry_the_security_headers() -> None:
    response = Client().get("/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_error_pages_carry_the_security_headers_too() -> None:
    response = Client().get("/no-such-page")
    assert response.status_code == 404
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def _carries_the_security_headers(response: HttpResponseBase) -> None:
    assert _policy(response["Content-Security-Policy"]) == _policy(
        Client().get("/")["Content-Security-Policy"]
    )
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_the_400_page_for_a_disallowed_host_carries_the_security_headers() -> None:
    response = Client().get("/", HTTP_HOST="attacker.invalid")
    assert response.status_code == 400
    _carries_the_security_headers(response)


@pytest.mark.django_db
def test_static_files_carry_the_security_headers(settings: LazySettings) -> None:
    # whitenoise serves them before any view; from the source folders, as under runserver.
    settings.WHITENOISE_USE_FINDERS = True
    response = Client().get("/static/portal/css/site.css")
    assert response.status_code == 200
    _carries_the_security_headers(response)


def test_production_pages_demand_https_and_send_cookies_over_it_only(tmp_path: Path) -> None:
    code = (
        "from django.conf import settings\n"
        # No collectstatic here: static files keep their plain names.
        "settings.STORAGES = {**settings.STORAGES, 'staticfiles': {'BACKEND':"
        " 'django.contrib.staticfiles.storage.StaticFilesStorage'}}\n"
        # The verify page pins the log's keys, which it reads from the database.
        "from django.core.management import call_command\n"
        "call_command('migrate', verbosity=0)\n"
        "from django.test import Client\n"
        "client = Client(HTTP_HOST='verify.court.example', HTTP_X_FORWARDED_PROTO='https')\n"
        "page = client.get('/')\n"
        "print(page.status_code, page['Strict-Transport-Security'])\n"
        "print(page.cookies['csrftoken'].output())\n"
        "switched = client.post('/i18n/setlang/', {'language': 'zh-hans', 'next': '/',"
        " 'csrfmiddlewaretoken': page.cookies['csrftoken'].value},"
        " HTTP_REFERER='https://verify.court.example/')\n"
        "print(switched.cookies['django_language'].output())\n"
    )
    result = django(tmp_path, code, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    status, csrf_cookie, language_cookie = result.stdout.splitlines()
    assert status == "200 max-age=31536000; includeSubDomains; preload"
    assert "; Secure" in csrf_cookie
    assert "SameSite=Lax" in csrf_cookie
    assert "; Secure" in language_cookie
    assert "HttpOnly" in language_cookie
