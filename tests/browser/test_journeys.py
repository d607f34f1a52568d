"""The journeys of issue 4's point 8 that the other browser tests leave out: verify by a typed
SHA-256 and by a typed verification code, download the receipt and the PDF report from a
result, and a judge signing in through the form and searching their court's records."""

import hashlib
import re
from pathlib import Path

from django.conf import LazySettings
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from judicial_verify.ledger.models import Entry
from judicial_verify.ledger.read import checkpoint_latest
from judicial_verify.records.models import Node, Profile
from judicial_verify.records.services import AnchorItem, records_anchor
from judicial_verify.tlog.note import Verifier
from judicial_verify.tlog.receipt import parse_receipt, verify_receipt
from tests.publishing import integrate_and_publish

from .conftest import Visit, anchor, screenshot, serve

JUDGMENT = "民事判决书 (2026) 京0105民初1号\n".encode() * 50
SUMMONS = "传票 summons (2026) 京0105民初1号\n".encode() * 50
PASSWORD = "correct horse battery staple"  # noqa: S105 (a test user's)
CASE_NUMBER = "(2026) 京0105民初1号"
TITLE = "王某诉李某合同纠纷"


def by_hash(page: Page, sha256: str) -> None:
    """Types the fingerprint into the verify page's form and submits it."""
    page.goto("/")
    page.get_by_label("SHA-256 of the file (64 hexadecimal characters)").fill(sha256)
    page.locator("section[aria-labelledby=by-hash]").get_by_role("button", name="Verify").click()


def test_a_typed_sha256_is_verified(visit: Visit, court: Node) -> None:
    index = anchor(court, JUDGMENT)
    page = visit.page
    sha256 = hashlib.sha256(JUDGMENT).hexdigest()
    by_hash(page, sha256.upper())
    expect(page).to_have_url(re.compile(rf"/\?sha256={sha256.upper()}"))
    expect(page.get_by_role("heading", name="Verified: this document is anchored")).to_be_visible()
    expect(page.locator(".fingerprint code")).to_have_text(sha256)
    expect(page.locator("dl.entry dd").first).to_have_text(str(index))


def test_a_typed_verification_code_opens_the_service_record(visit: Visit, court: Node) -> None:
    code = serve(court, SUMMONS)
    page = visit.page
    page.goto("/")
    typed = code.lower().replace("-", " ")  # as someone might type it from paper
    page.get_by_label("Verification code (as printed").fill(typed)
    page.get_by_role("button", name="Open").click()
    # A code may end in a check symbol that a regular expression reads as syntax (* or $).
    expect(page).to_have_url(re.compile(rf"/v/{re.escape(code)}$"))
    expect(page.get_by_role("heading", name="Served document", exact=True)).to_be_visible()
    record = page.locator("dl.entry").first
    expect(record).to_contain_text("北京市朝阳区人民法院")
    expect(record).to_contain_text("summons")
    expect(record.locator("time")).to_have_attribute("datetime", re.compile("^2026-11-20"))


def test_the_receipt_downloads_and_verifies_offline(visit: Visit, court: Node) -> None:
    anchor(court, b"an earlier record")
    index = anchor(court, JUDGMENT)
    page = visit.page
    by_hash(page, hashlib.sha256(JUDGMENT).hexdigest())
    with page.expect_download() as download:
        page.get_by_role("link", name="Receipt for offline verification (.tlog-proof)").click()
    assert download.value.suggested_filename.endswith(".tlog-proof")
    receipt = parse_receipt(Path(download.value.path()).read_bytes())
    verified = verify_receipt(
        receipt,
        [Verifier(checkpoint_latest().key.vkey)],
        document_sha256=hashlib.sha256(JUDGMENT).digest(),
    )
    assert verified.index == index


def test_the_pdf_report_downloads(visit: Visit, court: Node) -> None:
    index = anchor(court, JUDGMENT)
    page = visit.page
    by_hash(page, hashlib.sha256(JUDGMENT).hexdigest())
    with page.expect_download() as download:
        page.get_by_role("link", name="Verification report (PDF)").click()
    assert download.value.suggested_filename == f"verification-report-{index}.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")


def test_a_judge_signs_in_and_finds_a_record_by_case_number(
    visit: Visit, court: Node, settings: LazySettings
) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = User.objects.create_user("judge-a", password=PASSWORD)
    Profile.objects.create(user=user, role=Profile.Role.JUDGE, court=court)
    metadata = {"case_number": CASE_NUMBER, "title": TITLE, "parties": ["王某", "李某"]}
    item = AnchorItem(
        kind="case_file", sha256=hashlib.sha256(JUDGMENT).hexdigest(), metadata=metadata
    )
    (anchored,) = records_anchor(node=court, items=[item])
    integrate_and_publish()
    index = Entry.objects.get(submission=anchored.record.submission).index
    page = visit.page
    page.goto("/court/records/")
    expect(page).to_have_url(re.compile(r"/sign-in/\?next="))
    page.get_by_label("User name").fill("judge-a")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Records of 北京市朝阳区人民法院")).to_be_visible()
    page.get_by_label("Case number").fill("京0105民初1号")
    page.get_by_role("button", name="Search").click()
    rows = page.locator("table.records tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.locator("td").first).to_have_text(str(index))
    metadata_cell = rows.locator("td:nth-child(5)")
    expect(metadata_cell).to_contain_text(CASE_NUMBER)
    expect(metadata_cell).to_contain_text(TITLE)
    expect(metadata_cell).to_contain_text("王某")
    screenshot(page, "judge-search")
