"""Content fingerprints anchored with records: in the entry, the record, the audit and the
operator's anchor command."""

import hashlib
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from judicial_verify.ledger.audit import AuditFailure
from judicial_verify.ledger.models import Entry
from judicial_verify.records.audit import records_audit
from judicial_verify.records.models import Node, Record
from judicial_verify.records.services import AnchorError, AnchorItem, records_anchor
from judicial_verify.tlog.entry import decode_entry
from judicial_verify.tlog.fingerprint import fingerprint_pdf, format_content, page_fingerprint
from tests.anchoring import anchor
from tests.pdfs import DECISION, chinese_pdf, encrypted_pdf, scanned_pdf
from tests.people import Actor, node_of, sha

pytestmark = pytest.mark.django_db

PAGES = [page_fingerprint("第一页"), page_fingerprint("第二页")]
CONTENT = format_content(hashlib.sha256(b"".join(PAGES)).digest())
PAGES_HEX = [p.hex() for p in PAGES]


@pytest.fixture
def node(court: Actor) -> Node:
    return node_of(court)


def entry_at(index: int) -> Entry:
    return Entry.objects.get(index=index)


def test_the_content_fingerprint_is_part_of_the_entry(node: Node) -> None:
    index = anchor(node, sha("decision"), content=CONTENT, pages=PAGES_HEX)
    assert decode_entry(bytes(entry_at(index).data)).content == CONTENT


def test_the_record_keeps_the_content_and_its_page_fingerprints(node: Node) -> None:
    index = anchor(node, sha("decision"), content=CONTENT, pages=PAGES_HEX)
    record = Record.objects.get(submission=entry_at(index).submission)
    assert record.content == CONTENT
    assert record.page_fingerprints() == PAGES


def test_a_record_may_have_a_content_fingerprint_without_pages(node: Node) -> None:
    index = anchor(node, sha("decision"), content=CONTENT)
    record = Record.objects.get(submission=entry_at(index).submission)
    assert (record.content, record.pages) == (CONTENT, None)


def test_an_entry_without_content_fingerprint_is_written_as_before(node: Node) -> None:
    index = anchor(node, sha("photo"))
    assert b"content" not in bytes(entry_at(index).data)


@pytest.mark.parametrize(
    ("content", "pages", "field", "message"),
    [
        ("pdf-text/v1:" + "A" * 64, None, "content", "64 lowercase hex"),
        ("sha256:" + "a" * 64, None, "content", "pdf-text/v1"),
        (CONTENT, PAGES_HEX[::-1], "pages", "do not make up the content"),
        (CONTENT, PAGES_HEX[:1], "pages", "do not make up the content"),
        (CONTENT, ["xyz"], "pages", "64 lowercase hex digits each"),
        (None, PAGES_HEX, "pages", "come with a content"),
    ],
)
def test_it_refuses_a_content_or_pages_that_do_not_agree(
    node: Node, content: str | None, pages: list[str] | None, field: str, message: str
) -> None:
    item = AnchorItem(kind="evidence", sha256=sha("x"), content=content, pages=pages)
    with pytest.raises(AnchorError, match=message) as refused:
        records_anchor(node=node, items=[item])
    assert (refused.value.item, refused.value.field) == (0, field)
    assert not Record.objects.exists()


def test_the_audit_names_a_record_whose_content_is_not_its_entry_s(node: Node) -> None:
    index = anchor(node, sha("decision"), content=CONTENT, pages=PAGES_HEX)
    Record.objects.filter(submission=entry_at(index).submission).update(content=None, pages=None)
    with pytest.raises(AuditFailure, match="content fingerprint differs from the entry's"):
        records_audit()


def test_the_audit_names_a_record_whose_pages_were_changed(node: Node) -> None:
    index = anchor(node, sha("decision"), content=CONTENT, pages=PAGES_HEX)
    swapped = PAGES[1] + PAGES[0]
    Record.objects.filter(submission=entry_at(index).submission).update(pages=swapped)
    with pytest.raises(AuditFailure, match="page fingerprints do not make up"):
        records_audit()


# --- manage.py anchor ----------------------------------------------------------


def anchor_files(*paths: Path) -> tuple[list[str], str]:
    out, err = StringIO(), StringIO()
    call_command("anchor", "--kind", "evidence", *map(str, paths), stdout=out, stderr=err)
    return out.getvalue().splitlines(), err.getvalue()


@pytest.mark.django_db(transaction=True)
def test_anchor_computes_a_pdf_s_content_fingerprint(tmp_path: Path) -> None:
    pdf, text = tmp_path / "decision.pdf", tmp_path / "note.txt"
    pdf.write_bytes(chinese_pdf([DECISION, "第二页"]))
    text.write_text("%PDF- is not at the start of this note, nor within its first bytes")
    expected = fingerprint_pdf(pdf.read_bytes())
    lines, _ = anchor_files(pdf, text)
    assert lines == [
        f"0 {hashlib.sha256(pdf.read_bytes()).hexdigest()} {expected.content}",
        f"1 {hashlib.sha256(text.read_bytes()).hexdigest()}",
    ]
    assert decode_entry(bytes(entry_at(0).data)).content == expected.content
    assert Record.objects.get(sha256=sha256_of(pdf)).page_fingerprints() == list(expected.pages)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.django_db(transaction=True)
def test_anchor_anchors_a_scan_by_its_bytes_and_says_it_has_no_text(tmp_path: Path) -> None:
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(scanned_pdf(1))
    lines, err = anchor_files(scan)
    assert lines == [f"0 {sha256_of(scan)}"]
    assert "no page has text" in err
    assert decode_entry(bytes(entry_at(0).data)).content is None


@pytest.mark.django_db(transaction=True)
def test_anchor_anchors_an_encrypted_pdf_by_its_bytes_and_says_why(tmp_path: Path) -> None:
    locked = tmp_path / "locked.pdf"
    locked.write_bytes(encrypted_pdf(chinese_pdf([DECISION]), user_password="x"))  # noqa: S106
    lines, err = anchor_files(locked)
    assert lines == [f"0 {sha256_of(locked)}"]
    assert "anchored without a content fingerprint: the PDF is encrypted" in err
