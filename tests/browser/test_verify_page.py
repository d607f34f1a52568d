"""The verify page by file: one file opens its result, worded as the server words it, and an
anchored one is verified again in the browser; several files give a table of outcomes."""

import hashlib
from pathlib import Path

from django.utils import translation
from playwright.sync_api import Page, expect

from judicial_verify.court_time import court_time
from judicial_verify.ledger.models import Entry
from judicial_verify.ledger.read import checkpoint_latest
from judicial_verify.records.models import Node
from judicial_verify.tlog.entry import decode_entry

from .conftest import Visit, anchor, screenshot

JUDGMENT = "民事判决书 (2026) 京0105民初1号\n".encode() * 200
EVIDENCE = b"chat log exported 2026-11-01\n" * 300
UNKNOWN = b"a file no court anchored\n"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def fill_log(court: Node, count: int) -> None:
    """Other records first, so that proofs have hashes to check."""
    for n in range(count):
        anchor(court, f"earlier record {n}".encode())


def choose(page: Page, *paths: Path, record_number: int | None = None) -> None:
    page.goto("/")
    if record_number is not None:
        page.get_by_label("Record number printed on the document").fill(str(record_number))
    page.set_input_files("#files", list(paths))


def test_an_anchored_file_is_verified_in_the_browser(
    visit: Visit, court: Node, tmp_path: Path
) -> None:
    fill_log(court, 6)
    index = anchor(court, JUDGMENT)
    fill_log(court, 3)  # the proof leads to a larger tree than the one the entry joined
    page = visit.page
    choose(page, write(tmp_path, "judgment.pdf", JUDGMENT))
    expect(page.get_by_role("heading", name="Verified: this document is anchored")).to_be_visible()
    check = page.locator("[data-browser-check]")
    expect(check).to_have_attribute("data-verdict", "verified")
    entry = check.locator("article")
    expect(entry).to_have_attribute("data-verdict", "verified")
    expect(entry.locator("h3")).to_have_text(f"Record number {index}")
    expect(entry.locator("[data-step]")).to_have_count(5)
    expect(entry.locator('[data-step-status="passed"]')).to_have_count(5)
    key = checkpoint_latest().key.vkey
    expect(entry.locator("[data-signed-by] code")).to_have_text(key)
    expect(check.locator("[data-log-keys] li")).to_have_text([key])
    screenshot(page, "verified-in-browser")


def test_a_file_no_court_anchored_is_not_anchored(
    visit: Visit, court: Node, tmp_path: Path
) -> None:
    anchor(court, JUDGMENT)
    page = visit.page
    choose(page, write(tmp_path, "unknown.pdf", UNKNOWN))
    expect(page.get_by_role("heading", name="Not anchored: the log has no record")).to_be_visible()
    expect(page.locator("[data-browser-check]")).to_have_count(0)
    expect(page.get_by_text("File checked: unknown.pdf")).to_be_visible()
    expect(page.get_by_text("This file is not a PDF: it may be the wrong file.")).to_be_visible()
    expect(
        page.get_by_text("What to do: check that this is the PDF the court sent")
    ).to_be_visible()
    screenshot(page, "not-anchored")


def test_a_photo_is_said_to_be_perhaps_the_wrong_file(
    visit: Visit, court: Node, tmp_path: Path
) -> None:
    anchor(court, JUDGMENT)
    page = visit.page
    choose(page, write(tmp_path, "IMG_0412.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + UNKNOWN))
    expect(page.get_by_text("File checked: IMG_0412.jpg")).to_be_visible()
    expect(
        page.get_by_text("This file is a picture (a photo, a scan or a screenshot)")
    ).to_be_visible()
    expect(page.get_by_text("This file is not a PDF")).to_be_hidden()
    # The name and what the file looks like stay on the device: the server hears neither.
    assert all("IMG_0412" not in url.split("#")[0] for _, url, _ in visit.requests)


def test_a_file_that_is_not_the_named_record_differs(
    visit: Visit, court: Node, tmp_path: Path
) -> None:
    index = anchor(court, JUDGMENT)
    court.contact = "010-12368"
    court.save()
    page = visit.page
    resaved = write(tmp_path, "judgment-resaved.pdf", b"%PDF-1.7\n" + JUDGMENT)
    choose(page, resaved, record_number=index)
    expect(page.get_by_role("heading", name=f"Content differs from record {index}")).to_be_visible()
    expect(page.get_by_text("File checked: judgment-resaved.pdf")).to_be_visible()
    expect(page.get_by_text("A printed, scanned, photographed or re-saved copy")).to_be_visible()
    expect(page.locator("[data-wrong-file]:visible")).to_have_count(0)
    expect(page.get_by_text("Questions: 北京市朝阳区人民法院, 010-12368")).to_be_visible()
    screenshot(page, "content-differs")


def test_many_files_give_a_table_of_outcomes(visit: Visit, court: Node, tmp_path: Path) -> None:
    fill_log(court, 4)
    judgment, evidence = anchor(court, JUDGMENT), anchor(court, EVIDENCE, kind="evidence")
    page = visit.page
    files = [
        write(tmp_path, "judgment.pdf", JUDGMENT),
        write(tmp_path, "unknown.pdf", UNKNOWN),
        write(tmp_path, "chat-log.txt", EVIDENCE),
    ]
    choose(page, *files)
    rows = page.locator("[data-results] tbody tr")
    expect(page.locator("[data-file-check] [data-status]")).to_have_text(
        "3 files checked; the results are in the table below."
    )
    expect(rows).to_have_count(3)
    expect(rows.locator("th")).to_have_text(["judgment.pdf", "unknown.pdf", "chat-log.txt"])
    expect(rows.locator("td:nth-child(2)")).to_have_text(
        [hashlib.sha256(f.read_bytes()).hexdigest() for f in files]
    )
    expect(rows.locator("td:nth-child(3)")).to_have_text(
        [
            "Verified: this document is anchored in the log",
            "Not anchored: the log has no record of this document "
            "This file is not a PDF: it may be the wrong file.",
            "Verified: this document is anchored in the log",
        ]
    )
    expect(rows.locator("td:nth-child(4)")).to_have_text([str(judgment), "", str(evidence)])
    expect(rows.locator("td:nth-child(5)")).to_have_text(
        ["北京市朝阳区人民法院 (bj-cy-court)", "", "北京市朝阳区人民法院 (bj-cy-court)"]
    )
    # The verified entry's time, in its cell as the server's pages show times: the court's.
    time = decode_entry(bytes(Entry.objects.get(index=judgment).data)).time
    expect(rows.locator("td:nth-child(6) time").first).to_have_attribute("datetime", time)
    with translation.override("en"):
        expect(rows.locator("td:nth-child(6)").first).to_have_text(court_time(time))
    expect(rows.locator("td:nth-child(7)")).to_have_text(
        ["Verified in your browser", "", "Verified in your browser"]
    )
    expect(page.locator('[data-explain="not_anchored"]')).to_be_visible()
    expect(page.locator('[data-explain="content_differs"]')).to_be_hidden()
    screenshot(page, "many-files")


def test_many_files_against_a_record_number_name_the_one_that_is_it(
    visit: Visit, court: Node, tmp_path: Path
) -> None:
    index = anchor(court, JUDGMENT)
    page = visit.page
    # A copy that starts as a PDF gets no hint that it may be the wrong file; as PDFium
    # cannot open it, it is said that only its bytes were compared.
    copy = write(tmp_path, "copy.pdf", b"%PDF-1.7\n" + JUDGMENT)
    files = [copy, write(tmp_path, "orig.pdf", JUDGMENT)]
    choose(page, *files, record_number=index)
    rows = page.locator("[data-results] tbody tr")
    expect(rows.locator("td:nth-child(3)")).to_have_text(
        [
            f"Content differs from record {index}. This file could not be opened as a PDF (it is"
            " damaged or not a PDF), so its text could not be read: only its bytes were compared.",
            "Verified: this document is anchored in the log",
        ]
    )
    expect(rows.locator("td:nth-child(4)")).to_have_text([str(index), str(index)])
    expect(page.locator('[data-explain="content_differs"]')).to_be_visible()


def test_on_a_phone_each_file_is_a_card_and_nothing_scrolls_sideways(
    visit: Visit, court: Node, tmp_path: Path
) -> None:
    anchor(court, JUDGMENT)
    page = visit.page
    page.set_viewport_size({"width": 360, "height": 740})
    choose(page, write(tmp_path, "judgment.pdf", JUDGMENT), write(tmp_path, "x.pdf", UNKNOWN))
    rows = page.locator("[data-results] tbody tr")
    expect(rows.locator("td:nth-child(7)")).to_have_text(["Verified in your browser", ""])
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    assert rows.first.evaluate("row => getComputedStyle(row).display") == "block"
