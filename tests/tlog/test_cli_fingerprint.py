"""The CLI's content fingerprints: `fingerprint FILE`, and `verify --document` of copies."""

import hashlib
import json
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from judicial_verify.tlog.cli import ExitCode
from judicial_verify.tlog.entry import encode_entry
from judicial_verify.tlog.fingerprint import EMPTY_PAGE, fingerprint_pdf
from judicial_verify.tlog.receipt import format_receipt
from tests.offline_verifier import run_cli
from tests.pdfs import (
    DECISION,
    chinese_pdf,
    encrypted_pdf,
    incrementally_updated_pdf,
    resaved_pdf,
    scanned_pdf,
)

from .conftest import make_entry, make_log, make_receipt, new_key

ORIGINAL = chinese_pdf([DECISION, "第二页"])


# --- fingerprint ------------------------------------------------------------------


def test_it_prints_the_document_fingerprint_then_each_page_s(tmp_path: Path) -> None:
    path = tmp_path / "a.pdf"
    path.write_bytes(chinese_pdf([DECISION, ""]))
    expected = fingerprint_pdf(path.read_bytes())
    result = run_cli("fingerprint", path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        expected.content,
        f"page 1: {expected.pages[0].hex()}",
        f"page 2: {EMPTY_PAGE.hex()} (no text / 无文本)",
    ]


def test_it_prints_json_for_machines(tmp_path: Path) -> None:
    path = tmp_path / "a.pdf"
    path.write_bytes(ORIGINAL)
    expected = fingerprint_pdf(ORIGINAL)
    result = run_cli("fingerprint", "--json", path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "content": expected.content,
        "pages": expected.pages_hex(),
    }


def test_it_says_a_scan_has_no_content_fingerprint(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(scanned_pdf(2))
    result = run_cli("fingerprint", "--json", path)
    assert result.returncode == ExitCode.NO_TEXT
    assert json.loads(result.stdout) == {"content": None, "pages": [EMPTY_PAGE.hex()] * 2}
    assert "no page of this PDF has text" in result.stderr


@pytest.mark.parametrize(
    ("data", "code", "reason"),
    [
        (
            encrypted_pdf(ORIGINAL, user_password="x"),  # noqa: S106
            ExitCode.ENCRYPTED_PDF,
            "needs a password",
        ),
        (b"%PDF-1.7 truncated", ExitCode.CORRUPT_PDF, "damaged or not a PDF"),
        (chinese_pdf([""] * 2001), ExitCode.TOO_MANY_PAGES, "2001 pages"),
    ],
)
def test_it_fails_clearly_on_a_pdf_it_cannot_fingerprint(
    tmp_path: Path, data: bytes, code: ExitCode, reason: str
) -> None:
    path = tmp_path / "bad.pdf"
    path.write_bytes(data)
    result = run_cli("fingerprint", path)
    assert result.returncode == code, result.stderr
    assert result.stdout == ""
    assert reason in result.stderr
    assert "Traceback" not in result.stderr


def test_it_says_which_file_it_cannot_read(tmp_path: Path) -> None:
    result = run_cli("fingerprint", tmp_path / "missing.pdf")
    assert result.returncode == ExitCode.MALFORMED
    assert "missing.pdf" in result.stderr


# --- verify --document --------------------------------------------------------------


def verify_copy(
    tmp_path: Path, copy: bytes, *, content: bool = True
) -> subprocess.CompletedProcess[str]:
    """Runs verify on a receipt for ORIGINAL (with its content fingerprint) and a copy."""
    signer, _ = new_key()
    entry = make_entry(ORIGINAL)
    if content:
        entry = replace(entry, content=fingerprint_pdf(ORIGINAL).content)
    entries = make_log(3) + [encode_entry(entry)]
    receipt = tmp_path / "r.tlog-proof"
    receipt.write_bytes(format_receipt(make_receipt([signer], entries, 3)))
    document = tmp_path / "copy.pdf"
    document.write_bytes(copy)
    return run_cli(
        "verify", "--receipt", receipt, "--key", signer.verifier_key, "--document", document
    )


def test_it_verifies_the_anchored_file_and_shows_its_content_fingerprint(tmp_path: Path) -> None:
    result = verify_copy(tmp_path, ORIGINAL)
    assert result.returncode == ExitCode.VERIFIED, result.stderr
    assert result.stdout.startswith("VERIFIED\n")
    assert f"Content fingerprint anchored with the record: {fingerprint_pdf(ORIGINAL).content}" in (
        result.stdout
    )


def test_it_tells_a_copy_of_the_same_text_apart_from_the_file(tmp_path: Path) -> None:
    result = verify_copy(tmp_path, resaved_pdf(ORIGINAL))
    assert result.returncode == ExitCode.SAME_TEXT, result.stderr
    assert result.stdout.startswith("SAME TEXT, NOT THE SAME FILE\n文本相同，并非同一文件\n")
    assert (
        "The text of this copy is identical to the anchored document; layout, images and "
        "signatures were not compared; a court decides what weight this copy has."
    ) in result.stdout
    assert (
        "该副本的文本与存证文件完全一致；版式、图片和签名未作比对；该副本的证明力由法院认定。"
        in (result.stdout)
    )


def test_it_recognises_an_incremental_update_of_the_anchored_file(tmp_path: Path) -> None:
    updated = incrementally_updated_pdf(ORIGINAL)
    result = verify_copy(tmp_path, updated)
    assert result.returncode == ExitCode.EARLIER_REVISION, result.stderr
    assert result.stdout.startswith("EARLIER REVISION VERIFIED\n早期版本核验通过\n")
    assert f"its first {len(ORIGINAL):,} bytes are byte for byte the anchored document" in (
        result.stdout
    )
    assert f"{len(updated) - len(ORIGINAL):,} bytes appended" in result.stdout


def test_it_names_a_signature_appended_to_the_anchored_file(tmp_path: Path) -> None:
    signed = ORIGINAL + b"9 0 obj\n<< /Type /Sig /ByteRange [0 1 2 3] >>\nendobj\n%%EOF\n"
    result = verify_copy(tmp_path, signed)
    assert result.returncode == ExitCode.EARLIER_REVISION, result.stderr
    assert "hold a digital signature" in result.stdout
    assert "包含数字签名" in result.stdout


def test_it_refuses_a_copy_whose_text_differs(tmp_path: Path) -> None:
    edited = chinese_pdf([DECISION.replace("壹拾贰万", "壹拾叁万"), "第二页"])
    result = verify_copy(tmp_path, edited)
    assert result.returncode == ExitCode.WRONG_DOCUMENT
    assert result.stdout == ""
    assert "its text differs too" in result.stderr


def test_it_stays_byte_exact_for_a_record_without_content_fingerprint(tmp_path: Path) -> None:
    result = verify_copy(tmp_path, resaved_pdf(ORIGINAL), content=False)
    assert result.returncode == ExitCode.WRONG_DOCUMENT
    assert "the record has no content fingerprint" in result.stderr


def test_it_says_why_the_text_of_an_unreadable_copy_was_not_compared(tmp_path: Path) -> None:
    result = verify_copy(tmp_path, hashlib.sha256(b"x").digest())
    assert result.returncode == ExitCode.WRONG_DOCUMENT
    assert "its content fingerprint: the file is not a PDF" in result.stderr
