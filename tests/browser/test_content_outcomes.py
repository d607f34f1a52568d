"""A PDF whose bytes are not anchored, in the browser: an incremental update of an anchored
document is its earlier revision, verified, with what was appended named; a copy of an
anchored document's text is "same text", worded as issue 15 words it; a PDF that differs
from a named record says which pages; each matching entry is checked in the browser against
what matched. Zh and en, desktop and phone, as the README shows them."""

import hashlib
import subprocess
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
from playwright.sync_api import Page, Route, ViewportSize, expect

from judicial_verify.records.models import Node
from judicial_verify.records.services import AnchorItem, record_code, records_anchor
from judicial_verify.tlog.fingerprint import fingerprint_pdf
from tests import anchoring, pdf_corpus
from tests.publishing import integrate_and_publish

from .conftest import Visit, anchor, screenshot, serve

PHONE: ViewportSize = {"width": 360, "height": 800}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}


def original_and(variant: str) -> tuple[bytes, bytes]:
    files = {item.name: item.data for item in pdf_corpus.corpus()}
    return files["judgment-fpdf2"], files[f"judgment-fpdf2-{variant}"]


def anchor_pdf(court: Node, data: bytes) -> int:
    """Anchors a PDF as a court's node does: its SHA-256, content fingerprint and pages."""
    fingerprint = fingerprint_pdf(data)
    return anchoring.anchor(
        court,
        hashlib.sha256(data).hexdigest(),
        kind="evidence",
        metadata={},
        content=fingerprint.content,
        pages=fingerprint.pages_hex(),
    )


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
    sent = (
        b"".join(body or b"" for _, _, body in visit.requests)
        + "".join(url for _, url, _ in visit.requests).encode()
    )
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


SAME_TEXT_EN = (
    "The text of this copy is identical to the anchored document; layout, images and "
    "signatures were not compared; a court decides what weight this copy has."
)
SAME_TEXT_ZH = (
    "该副本的文本与存证文件完全一致；版式、图片和签名未作比对；该副本的证明力由法院认定。"
)


@pytest.mark.parametrize("locale", ["en-GB", "zh-CN"])
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_printed_copy_of_an_anchored_pdf_has_the_same_text_checked_in_the_browser(
    visit: Visit, court: Node, tmp_path: Path, locale: str, viewport: str
) -> None:
    original, printed = original_and("printed-pdftocairo")
    index = anchor_pdf(court, original)
    page = visit.page
    size = PHONE if viewport == "phone" else DESKTOP
    page.set_viewport_size(size)
    path = tmp_path / "judgment-printed.pdf"
    path.write_bytes(printed)
    choose(page, path)
    outcome = page.locator('[data-outcome="same_text"]')
    expect(outcome).to_be_visible(timeout=30_000)
    expect(outcome).to_contain_text(SAME_TEXT_EN if locale == "en-GB" else SAME_TEXT_ZH)
    expect(outcome.locator('[data-slot="index"]')).to_have_text(str(index))
    content = fingerprint_pdf(original).content
    expect(outcome.locator('[data-slot="content"]')).to_have_text(str(content))
    article = page.locator("article.browser-check-entry")
    expect(article).to_have_attribute("data-verdict", "verified")
    expect(article.locator('[data-step-status="passed"]')).to_have_count(5)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= size["width"]
    language = "en" if locale == "en-GB" else "zh"
    screenshot(page, f"same-text-{language}-{viewport}")


def test_the_report_of_a_same_text_copy_states_that_outcome(
    visit: Visit, court: Node, tmp_path: Path
) -> None:
    original, printed = original_and("printed-pdftocairo")
    index = anchor_pdf(court, original)
    path = tmp_path / "judgment-printed.pdf"
    path.write_bytes(printed)
    page = visit.page
    choose(page, path)
    link = page.locator('[data-outcome="same_text"] [data-report]')
    expect(link).to_be_visible(timeout=30_000)
    href = str(link.get_attribute("href"))
    assert f"/report/{index}.pdf?sha256={hashlib.sha256(printed).hexdigest()}" in href
    assert "content=pdf-text%2Fv1%3A" in href
    report = page.request.get(href)
    assert report.ok
    report_path = tmp_path / "report.pdf"
    report_path.write_bytes(report.body())
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(report_path), "-"],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "Same text" in " ".join(text.split())


def test_an_answer_naming_another_text_is_refused_at_the_entry_step(
    visit: Visit, court: Node, tmp_path: Path
) -> None:
    original, _ = original_and("printed-pdftocairo")
    _, edited = original_and("edited")
    anchor_pdf(court, original)
    page = visit.page
    # The browser computed the edited copy's content fingerprint; an answer tampered with on
    # the way names the original's entry as its same text. The entry is refused, not believed.
    wrong = str(fingerprint_pdf(original).content)

    def tamper(route: Route) -> None:
        url = urlsplit(route.request.url)
        query = [(k, wrong if k == "content" else v) for k, v in parse_qsl(url.query)]
        route.continue_(url=urlunsplit(url._replace(query=urlencode(query))))

    page.route("**/api/v1/verify?*content=*", tamper)
    path = tmp_path / "judgment-edited.pdf"
    path.write_bytes(edited)
    choose(page, path)
    outcome = page.locator('[data-outcome="same_text"]')
    expect(outcome).to_be_visible(timeout=30_000)
    article = page.locator("article.browser-check-entry")
    expect(article).to_have_attribute("data-verdict", "failed")
    expect(article).to_have_attribute("data-failed-step", "entry_hash")


def serve_pdf(court: Node, data: bytes) -> str:
    """Anchors a PDF as a served document with its content and page fingerprints; its code."""
    fingerprint = fingerprint_pdf(data)
    metadata = {"document_type": "judgment", "served_at": "2026-11-20T10:00:00+08:00"}
    item = AnchorItem.of_document(
        kind="served_document",
        sha256=hashlib.sha256(data).hexdigest(),
        fingerprint=fingerprint,
        ref=None,
    )
    (anchored,) = records_anchor(node=court, items=[replace(item, metadata=metadata)])
    integrate_and_publish()
    code = record_code(anchored.record)
    assert code is not None
    return code


def test_a_pdf_that_differs_from_the_served_document_names_the_page_that_differs(
    visit: Visit, court: Node, tmp_path: Path
) -> None:
    original, edited = original_and("edited")
    code = serve_pdf(court, original)
    path = tmp_path / "judgment-edited.pdf"
    path.write_bytes(edited)
    page = visit.page
    page.goto(f"/v/{code}")
    page.set_input_files("#served-file", [path])
    outcome = page.locator('[data-outcome="content_differs"]')
    expect(outcome).to_contain_text(
        "The text differs on page 2 of 3; the other pages' text is the anchored document's.",
        timeout=30_000,
    )


def test_a_printed_copy_of_a_served_document_has_its_text(
    visit: Visit, court: Node, tmp_path: Path
) -> None:
    original, printed = original_and("printed-ghostscript")
    code = serve_pdf(court, original)
    path = tmp_path / "judgment-printed.pdf"
    path.write_bytes(printed)
    page = visit.page
    page.goto(f"/v/{code}")
    page.set_input_files("#served-file", [path])
    outcome = page.locator('[data-outcome="same_text"]')
    expect(outcome).to_contain_text(SAME_TEXT_EN, timeout=30_000)
    expect(page.locator("article.browser-check-entry")).to_have_attribute(
        "data-verdict", "verified"
    )


def test_a_pdf_that_differs_from_its_named_record_names_the_page_that_differs(
    visit: Visit, court: Node, tmp_path: Path
) -> None:
    original, edited = original_and("edited")
    index = anchor_pdf(court, original)
    path = tmp_path / "judgment-edited.pdf"
    path.write_bytes(edited)
    page = visit.page
    choose(page, path, record_number=index)
    outcome = page.locator('[data-outcome="content_differs"]')
    expect(outcome).to_contain_text(
        "The text differs on page 2 of 3; the other pages' text is the anchored document's.",
        timeout=30_000,
    )
    expect(outcome.locator('[data-slot="index"]')).to_have_text(str(index))


def test_a_signed_copy_of_the_named_record_is_its_earlier_revision(
    visit: Visit, court: Node, tmp_path: Path
) -> None:
    original, signed = original_and("signed")
    index = anchor_pdf(court, original)
    path = tmp_path / "judgment-signed.pdf"
    path.write_bytes(signed)
    page = visit.page
    choose(page, path, record_number=index)
    outcome = page.locator('[data-outcome="earlier_revision"]')
    expect(outcome.locator('[data-slot="index"]')).to_have_text(str(index), timeout=30_000)
    expect(page.locator("article.browser-check-entry")).to_have_attribute(
        "data-verdict", "verified"
    )


NO_TEXT = (
    "This PDF has no text to read (a scan or photographed pages have none), so it has no "
    "content fingerprint: only its bytes were compared."
)


def test_a_scanned_pdf_alone_is_said_to_have_no_content_fingerprint(
    visit: Visit, court: Node, tmp_path: Path
) -> None:
    from tests.pdfs import scanned_pdf

    anchor(court, b"%PDF-1.7\nsomething else anchored")
    path = tmp_path / "scan.pdf"
    path.write_bytes(scanned_pdf())
    page = visit.page
    choose(page, path)
    expect(page.get_by_role("heading", name="Not anchored: the log has no record")).to_be_visible(
        timeout=30_000
    )
    expect(page.get_by_text("File checked: scan.pdf")).to_be_visible()
    expect(page.locator("[data-text-note]")).to_have_text(NO_TEXT)
    # The reason travels in the fragment, which the server never sees.
    assert all("scan" not in url.split("#")[0] for _, url, _ in visit.requests)


def test_a_result_page_shows_no_reason_its_words_lack(visit: Visit, court: Node) -> None:
    page = visit.page
    page.goto("/?sha256=" + "ab" * 32 + "#file=x.pdf&kind=pdf&text=x%22%5D%2Cbody")
    expect(page.get_by_text("File checked: x.pdf")).to_be_visible()
    expect(page.locator("[data-text-note]")).to_be_hidden()


def test_an_encrypted_pdf_on_a_served_documents_page_says_why_its_text_was_not_read(
    visit: Visit, court: Node, tmp_path: Path
) -> None:
    from tests.pdfs import chinese_pdf, encrypted_pdf

    original, _ = original_and("signed")
    code = serve_pdf(court, original)
    path = tmp_path / "locked.pdf"
    locked = encrypted_pdf(chinese_pdf(["机密"]), user_password="secret")  # noqa: S106
    path.write_bytes(locked)
    page = visit.page
    page.goto(f"/v/{code}")
    page.set_input_files("#served-file", [path])
    outcome = page.locator('[data-outcome="content_differs"]')
    expect(outcome).to_contain_text("File checked: locked.pdf", timeout=30_000)
    expect(outcome.locator("[data-text-note]")).to_have_text(
        "This PDF is protected by a password, so its text could not be read: only its bytes "
        "were compared."
    )
