"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Chromium is the system's (apt's `chromium`, which .ci/run installs), never one downloaded by
`playwright install`, which cannot reach its servers here. Every page a test opens is watched:
an error in the console (a Content-Security-Policy violation, a script error, a failed
request) fails the test.
"""

import hashlib
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright
from pytest_django.live_server_helper import LiveServer

from judicial_verify.ledger.models import Entry
from judicial_verify.records.credentials import node_create
from judicial_verify.records.models import Node
from judicial_verify.records.services import AnchorItem, record_code, records_anchor
from tests.publishing import integrate_and_publish
from tests.service_discipline import services_required

from .chromium import CHROMIUM_FLAGS

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Chromium for one test module: when it closes, Playwright's event loop stops, and with it
    the need to tell Django that database calls from this thread are safe."""
    executable = shutil.which("chromium")
    if executable is None:
        # As for PostgreSQL and Redis: skipped on a developer's machine without it, a failure
        # where CI or REQUIRE_SERVICES is set, so CI never passes without the browser tests.
        reason = (
            "the browser tests need Debian's Chromium on PATH: "
            "apt-get install chromium (.ci/run installs it)"
        )
        if services_required():
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    # Playwright's sync API runs an event loop in this thread, so Django would refuse the
    # tests' own database calls as "from an async context" without this, until it closes.
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()
    if before is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@dataclass
class Visit:
    """A browser tab on the live server, and the requests and console errors it saw."""

    page: Page
    requests: list[tuple[str, str, bytes | None]] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


@pytest.fixture
def locale() -> str:
    """The browser's language (Accept-Language); a test parametrizes it for another."""
    return "en-GB"


@pytest.fixture
def visit(browser: Browser, live_server: LiveServer, locale: str) -> Iterator[Visit]:
    context = browser.new_context(base_url=live_server.url, locale=locale)
    page = context.new_page()
    seen = Visit(page)

    def console(message: ConsoleMessage) -> None:
        url = message.location.get("url", "")
        # The browser asks for /favicon.ico by itself; the site has none. A log without a
        # witness policy answers /log/policy with 404, which the pages read as "no policy".
        expected = url.endswith("/favicon.ico") or (
            url.endswith("/log/policy") and "status of 404" in message.text
        )
        if message.type == "error" and not expected:
            seen.console_errors.append(f"{message.text} ({url})")

    page.on("console", console)
    page.on("pageerror", lambda error: seen.console_errors.append(f"uncaught: {error}"))
    page.on("request", lambda r: seen.requests.append((r.method, r.url, r.post_data_buffer)))
    yield seen
    # A test's route handler may still be answering a request its last assertion did not wait
    # for (route.fetch(), then the page closes): its "Response has been disposed" would then
    # surface in the next test's set-up. What a test checks, it has awaited already.
    page.unroute_all(behavior="ignoreErrors")
    context.close()
    assert seen.console_errors == [], "the browser's console reported errors"


@pytest.fixture
def court(transactional_db: None) -> Node:
    return node_create(code="bj-cy-court", name="北京市朝阳区人民法院")[0]


def anchor(node: Node, document: bytes, *, kind: str = "evidence") -> int:
    """Anchors the document's SHA-256 as `node`, integrates it, and returns its index."""
    item = AnchorItem(kind=kind, sha256=hashlib.sha256(document).hexdigest())
    (anchored,) = records_anchor(node=node, items=[item])
    integrate_and_publish()
    return Entry.objects.get(submission=anchored.record.submission).index


def serve(node: Node, document: bytes) -> str:
    """Anchors the document as served by `node`; returns its verification code."""
    metadata = {"document_type": "summons", "served_at": "2026-11-20T10:00:00+08:00"}
    item = AnchorItem(
        kind="served_document", sha256=hashlib.sha256(document).hexdigest(), metadata=metadata
    )
    (anchored,) = records_anchor(node=node, items=[item])
    integrate_and_publish()
    code = record_code(anchored.record)
    assert code is not None
    return code


def screenshot(page: Page, name: str) -> None:
    """Saves the whole page as docs/screenshots/NAME.png, for the README."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
