"""Fingerprints of untrusted PDFs in a child process, within limits of time and memory."""

import pytest

from judicial_verify.tlog.errors import (
    CorruptPdfError,
    EncryptedPdfError,
    ExtractionLimitError,
    TooManyPagesError,
)
from judicial_verify.tlog.fingerprint import fingerprint_pdf
from judicial_verify.tlog.fingerprint_process import FingerprintProcess, fingerprint_pdf_limited
from tests.pdfs import (
    DECISION,
    chinese_pdf,
    encrypted_pdf,
    raw_pdf,
    scanned_pdf,
    text_bomb_pdf,
)


def test_it_gives_the_same_fingerprint_as_in_process() -> None:
    data = chinese_pdf([DECISION, "", "第三页"])
    assert fingerprint_pdf_limited(data) == fingerprint_pdf(data)


def test_it_serves_many_files_from_one_process() -> None:
    files = [chinese_pdf([f"第{i}号"]) for i in range(3)] + [scanned_pdf(1)]
    with FingerprintProcess() as process:
        assert [process.fingerprint(f) for f in files] == [fingerprint_pdf(f) for f in files]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"not a pdf", CorruptPdfError),
        (encrypted_pdf(chinese_pdf([DECISION]), user_password="x"), EncryptedPdfError),  # noqa: S106
        (chinese_pdf(["一", "二", "三"]), TooManyPagesError),
    ],
)
def test_it_passes_on_the_child_s_error(data: bytes, error: type[Exception]) -> None:
    with pytest.raises(error):
        fingerprint_pdf_limited(data, max_pages=2)


def test_it_stops_a_pdf_that_exhausts_its_memory() -> None:
    with pytest.raises(ExtractionLimitError, match="256 MiB"):
        fingerprint_pdf_limited(text_bomb_pdf(), memory=256 << 20)


def test_it_stops_a_pdf_that_runs_past_its_time() -> None:
    with pytest.raises(ExtractionLimitError, match="longer than 0.5 seconds"):
        fingerprint_pdf_limited(text_bomb_pdf(), timeout=0.5, memory=4 << 30)


def test_it_carries_on_with_the_next_file_after_one_that_failed() -> None:
    good = raw_pdf(b"BT /F1 12 Tf 72 700 Td (Hello) Tj ET")
    with FingerprintProcess(timeout=0.5) as process:
        with pytest.raises(ExtractionLimitError):
            process.fingerprint(text_bomb_pdf())
        process.timeout = 30
        assert process.fingerprint(good) == fingerprint_pdf(good)


def test_it_says_so_when_python_and_pdfium_do_not_fit_in_the_memory_given() -> None:
    with pytest.raises(ExtractionLimitError):
        fingerprint_pdf_limited(chinese_pdf([DECISION]), memory=20 << 20)
