"""A PDF whose bytes are not anchored, in the browser: an incremental update of an anchored
document is its earlier revision, verified, with what was appended named; a copy of an
anchored document's text is "same text", worded as issue 15 words it; a PDF that differs
from a named record says which pages; each matching entry is checked in the browser against
what matched. Zh and en, desktop and phone, as the README shows them."""

import hashlib
from pathlib import Path

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from judicial_verify.records.models import Node
from tests import pdf_corpus

from .conftest import Visit, anchor, screenshot, serve

PHONE: ViewportSize = {"width": 360, "height": 800}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}


def original_and(variant: str) -> tuple[bytes, bytes]:
    files = {item.name: item.data for item in pdf_corpus.corpus()}
    return files["judgment-fpdf2"], files[f"judgment-fpdf2-{variant}"]


def choose(page: Page, path: Path, record_number: int | None = None) -> None:
    page.goto("/")
    if record_number is not None:
        page.locator("#file-index").fill(str(record_number))
    page.set_input_files("#files", [path])


@pytest.mark.parametrize("locale", ["en-GB", "zh-CN"])
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_signed_copy_of_an_anchored_pdf_is_its_earlier_revision_verified(
    visit: Visit, court: Node, tmp_path: Path, locale: str, viewport: str
) -> None:
    original, signed = original_and("signed")
    index = anchor(court, original)
    page = visit.page
    size = PHONE if viewport == "phone" else DESKTOP
    page.set_viewport_size(size)
    path = tmp_path / "judgment-signed.pdf"
    path.write_bytes(signed)
    choose(page, path)
    outcome = page.locator('[data-outcome="earlier_revision"]')
    expect(outcome).to_be_visible(timeout=30_000)
    appended = len(signed) - len(original)
    if locale == "en-GB":
        expect(outcome.locator("h3")).to_have_text(
            "Earlier revision verified: this file is an anchored document with an update appended"
        )
        expect(outcome).to_contain_text(
            f"Its first {len(original)} bytes are byte for byte the anchored document; the"
            f" {appended} bytes appended after them contain a signature, annotations, and form"
            " fields."
        )
    else:
        heading = "早期版本核验通过：该文件是已存证文件追加更新后的版本"
        expect(outcome.locator("h3")).to_have_text(heading)
        expect(outcome).to_contain_text(f"其前 {len(original)} 个字节与存证文件逐字节一致")
    expect(outcome.locator('[data-slot="index"]')).to_have_text(str(index))
    article = page.locator("article.browser-check-entry")
    expect(article).to_have_attribute("data-verdict", "verified")
    expect(article.locator('[data-step-status="passed"]')).to_have_count(5)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= size["width"]
    language = "en" if locale == "en-GB" else "zh"
    screenshot(page, f"earlier-revision-{language}-{viewport}")


def test_an_annotated_copy_names_its_annotations_and_only_fingerprints_leave(
    visit: Visit, court: Node, tmp_path: Path
) -> None:
    original, annotated = original_and("annotated")
    anchor(court, original)
    path = tmp_path / "judgment-annotated.pdf"
    path.write_bytes(annotated)
    page = visit.page
    choose(page, path)
    outcome = page.locator('[data-outcome="earlier_revision"]')
    expect(outcome).to_contain_text("contain annotations.", timeout=30_000)
    sent = b"".join(body or b"" for _, _, body in visit.requests) + "".join(
        url for _, url, _ in visit.requests
    ).encode()
    assert original[:200] not in sent
    assert hashlib.sha256(original).hexdigest().encode() in sent


def test_a_served_document_signed_after_service_is_its_earlier_revision(
    visit: Visit, court: Node, tmp_path: Path
) -> None:
    original, signed = original_and("signed")
    code = serve(court, original)
    path = tmp_path / "summons-signed.pdf"
    path.write_bytes(signed)
    page = visit.page
    page.goto(f"/v/{code}")
    page.set_input_files("#served-file", [path])
    outcome = page.locator('[data-outcome="earlier_revision"]')
    expect(outcome).to_contain_text("a signature", timeout=30_000)
    expect(page.locator("article.browser-check-entry")).to_have_attribute(
        "data-verdict", "verified"
    )


def test_a_table_of_files_names_earlier_revisions_and_unreadable_pdfs(
    visit: Visit, court: Node, tmp_path: Path
) -> None:
    from tests.pdfs import chinese_pdf, encrypted_pdf

    original, signed = original_and("signed")
    index = anchor(court, original)
    files = {
        "signed.pdf": signed,
        "locked.pdf": encrypted_pdf(chinese_pdf(["机密"]), user_password="secret"),  # noqa: S106
    }
    paths = []
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        paths.append(tmp_path / name)
    page = visit.page
    page.goto("/")
    page.set_input_files("#files", paths)
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2, timeout=30_000)
    expect(rows.nth(0)).to_have_attribute("data-outcome", "earlier_revision", timeout=30_000)
    expect(rows.nth(0)).to_contain_text(f"Earlier revision verified: record {index}")
    expect(rows.nth(0)).to_contain_text("Verified in your browser")
    expect(rows.nth(1)).to_have_attribute("data-outcome", "not_anchored", timeout=30_000)
    expect(rows.nth(1)).to_contain_text("protected by a password")
    expect(page.locator('[data-explain="earlier_revision"]')).to_be_visible()
