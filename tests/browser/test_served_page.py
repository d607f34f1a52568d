"""The served-document page (/v/CODE) by file: the file is hashed on the device and only its
fingerprint is posted, with the CSRF token, to the code's check; the served document is then
verified in the browser too."""

import hashlib
import json
import re
from pathlib import Path

from playwright.sync_api import Request, expect

from judicial_verify.records.models import Node

from .conftest import Visit, screenshot, serve
from .files import drop_files

SUMMONS = "传票 summons (2026) 京0105民初1号\n".encode() * 100


def test_the_served_file_is_verified_and_checked_in_the_browser(
    visit: Visit, court: Node, tmp_path: Path
) -> None:
    code = serve(court, SUMMONS)
    summons = tmp_path / "summons.pdf"
    summons.write_bytes(SUMMONS)
    page = visit.page
    page.goto(f"/v/{code}")
    with page.expect_request("**/check") as posted:
        page.get_by_label("Choose the file, or drop it here").set_input_files(summons)
    request: Request = posted.value
    assert json.loads(request.post_data or "") == {"sha256": hashlib.sha256(SUMMONS).hexdigest()}
    token = page.locator("[data-served-check] [name=csrfmiddlewaretoken]").input_value()
    assert request.headers["x-csrftoken"] == token
    expect(
        page.get_by_role("heading", name="Verified: this file is the document that was served")
    ).to_be_visible()
    expect(page.get_by_text("File checked: summons.pdf")).to_be_visible()
    expect(page.get_by_text(f"Anchored by {court.name} on ")).to_contain_text("unchanged since.")
    expect(page.get_by_role("link", name="Verification report (PDF)")).to_have_attribute(
        "href", re.compile(rf"/report/\d+\.pdf\?sha256={hashlib.sha256(SUMMONS).hexdigest()}$")
    )
    expect(page.get_by_role("link", name="Receipt for offline verification")).to_be_visible()
    entry = page.locator("[data-served-check] [data-browser-check] article")
    expect(entry).to_have_attribute("data-verdict", "verified")
    # The checks, hashes and keys are there for a careful reader who opens them.
    fingerprint = page.locator("[data-technical] code").first
    expect(fingerprint).to_have_text(hashlib.sha256(SUMMONS).hexdigest())
    expect(fingerprint).to_be_hidden()
    expect(entry).to_be_hidden()
    page.get_by_text("Technical details").click()
    expect(fingerprint).to_be_visible()
    expect(entry).to_be_visible()
    screenshot(page, "served-document")


def test_another_file_differs_from_the_served_document(
    visit: Visit, court: Node, tmp_path: Path
) -> None:
    code = serve(court, SUMMONS)
    page = visit.page
    page.goto(f"/v/{code}")
    drop_files(page, "[data-served-check] [data-drop-zone]", {"printed.pdf": SUMMONS + b"\n"})
    expect(
        page.get_by_role("heading", name="Content differs from the document that was served")
    ).to_be_visible()
    expect(page.get_by_text("File checked: printed.pdf")).to_be_visible()
    expect(
        page.get_by_text("A printed, scanned, photographed or re-saved copy (a PDF opened")
    ).to_be_visible()
    expect(page.get_by_text("This file is not a PDF: it may be the wrong file.")).to_be_visible()
    expect(page.locator("[data-served-check] [data-browser-check]")).to_be_hidden()
    posts = [(url, body) for method, url, body in visit.requests if method == "POST"]
    assert len(posts) == 1
    assert posts[0][0].endswith(f"/api/v1/codes/{code}/check")
    assert posts[0][1] is not None
    assert SUMMONS not in posts[0][1]
