"""pdf-text/v1, the content fingerprint of a PDF, as docs/pdf-text-v1.md defines it.

A PDF's text is extracted page by page with PDFium, normalised (NFKC, CJK
radicals folded to unified ideographs, whitespace and controls removed) and
hashed: one SHA-256 a page, and the document's SHA-256 over the page hashes.
A re-saved or re-rendered copy of the same text has the same fingerprint; one
changed figure changes it. It says nothing about layout, images or signatures.

Only extract_page_texts needs pypdfium2, imported when it is called, so the
offline verifier runs without it.
"""

import ctypes
import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .entry import CONTENT
from .errors import (
    CorruptPdfError,
    EncryptedPdfError,
    FingerprintUnavailableError,
    MalformedError,
    TooManyPagesError,
)
from .unicode_tables import EQUIVALENT_UNIFIED_IDEOGRAPH, REMOVED

FORMAT = "pdf-text/v1"
MAX_PAGES = 2000

EMPTY_PAGE = hashlib.sha256(b"").digest()
"""The fingerprint of a page without text."""

# An earlier revision of an incrementally updated PDF ends at one of its
# %%EOF markers, with or without the end of line that follows it.
_EOF_MARKER = re.compile(rb"%%EOF(\r\n|\r|\n)?")

# PDFium's FPDF_GetLastError code for a document that needs a password.
_FPDF_ERR_PASSWORD = 4

# One str.translate table: removed code points to None, radicals and strokes
# to their ideographs (the two sets do not meet).
_FOLD: dict[int, int | None] = {
    cp: None for first, last in REMOVED for cp in range(first, last + 1)
} | {
    cp: target
    for first, last, target in EQUIVALENT_UNIFIED_IDEOGRAPH
    for cp in range(first, last + 1)
}


def normalise_text(text: str) -> str:
    """Returns a page's text as pdf-text/v1 hashes it: NFKC, radicals folded, no spaces."""
    return unicodedata.normalize("NFKC", text).translate(_FOLD)


def page_fingerprint(text: str) -> bytes:
    """Returns the 32-byte fingerprint of a page whose text, as PDFium gives it, is text."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).digest()


def document_fingerprint(pages: Sequence[bytes]) -> bytes | None:
    """Returns the document fingerprint over its page fingerprints, None if no page has text."""
    if all(page == EMPTY_PAGE for page in pages):
        return None
    return hashlib.sha256(b"".join(pages)).digest()


def format_content(digest: bytes) -> str:
    """Returns an entry's `content` value for a 32-byte document fingerprint."""
    return f"{FORMAT}:{digest.hex()}"


def parse_content(value: str) -> bytes:
    """Returns the document fingerprint of a `content` value; MalformedError unless canonical."""
    if not isinstance(value, str) or not CONTENT.fullmatch(value):
        raise MalformedError(f"a content fingerprint is {FORMAT}: and 64 lowercase hex digits")
    return bytes.fromhex(value.removeprefix(f"{FORMAT}:"))


def check_pages(content: str, pages: Sequence[str]) -> None:
    """Checks that hex page fingerprints make up the document fingerprint `content`.

    Raises MalformedError naming what is wrong otherwise.
    """
    digest = parse_content(content)
    if not pages or len(pages) > MAX_PAGES:
        raise MalformedError(f"a document has from 1 to {MAX_PAGES} page fingerprints")
    raw = []
    for number, page in enumerate(pages, 1):
        if not isinstance(page, str) or not re.fullmatch(r"[0-9a-f]{64}", page):
            raise MalformedError(f"page {number}'s fingerprint is not 64 lowercase hex digits")
        raw.append(bytes.fromhex(page))
    if document_fingerprint(raw) != digest:
        raise MalformedError("the page fingerprints do not make up the content fingerprint")


@dataclass(frozen=True)
class ContentFingerprint:
    """A PDF's fingerprints: one a page, in page order, and the document's (None for a scan)."""

    pages: tuple[bytes, ...]

    @property
    def document(self) -> bytes | None:
        return document_fingerprint(self.pages)

    @property
    def content(self) -> str | None:
        """The entry's `content` value, or None when no page has text."""
        document = self.document
        return None if document is None else format_content(document)

    def pages_hex(self) -> list[str]:
        return [page.hex() for page in self.pages]


def _pdfium() -> Any:
    try:
        # Importing pypdfium2 initialises PDFium once for the process.
        import pypdfium2
    except ImportError:
        raise FingerprintUnavailableError(
            "content fingerprints need pypdfium2: pip install -r requirements.txt"
        ) from None
    return pypdfium2.raw


def _page_text(pdfium: Any, document: Any, index: int) -> str:
    page = pdfium.FPDF_LoadPage(document, index)
    if not page:
        raise CorruptPdfError(f"PDFium cannot load page {index + 1}")
    try:
        textpage = pdfium.FPDFText_LoadPage(page)
        if not textpage:
            raise CorruptPdfError(f"PDFium cannot read the text of page {index + 1}")
        try:
            count = pdfium.FPDFText_CountChars(textpage)
            if count <= 0:
                return ""
            # PDFium writes at most count + 1 UTF-16 units (the text and a NUL);
            # twice that leaves room should a build write surrogate pairs.
            buffer = (ctypes.c_ushort * (2 * count + 2))()
            written = pdfium.FPDFText_GetText(textpage, 0, count, buffer)
            units = max(int(written) - 1, 0)  # less the NUL
            return bytes(buffer)[: 2 * units].decode("utf-16-le", errors="replace")
        finally:
            pdfium.FPDFText_ClosePage(textpage)
    finally:
        pdfium.FPDF_ClosePage(page)


def extract_page_texts(data: bytes, *, max_pages: int = MAX_PAGES) -> list[str]:
    """Returns the text of each page of the PDF data as PDFium extracts it, before normalising.

    Raises EncryptedPdfError, CorruptPdfError, TooManyPagesError, or
    FingerprintUnavailableError when pypdfium2 is not installed. Runs in
    this process with no limit: see fingerprint_limits for untrusted files.
    """
    pdfium = _pdfium()
    buffer = ctypes.create_string_buffer(data, len(data))
    document = pdfium.FPDF_LoadMemDocument64(buffer, len(data), None)
    if not document:
        if pdfium.FPDF_GetLastError() == _FPDF_ERR_PASSWORD:
            raise EncryptedPdfError("the PDF is encrypted: it needs a password to open")
        raise CorruptPdfError("the file is not a PDF that PDFium can open")
    try:
        count = int(pdfium.FPDF_GetPageCount(document))
        if count > max_pages:
            raise TooManyPagesError(
                f"the PDF has {count} pages, more than the {max_pages} that are fingerprinted"
            )
        return [_page_text(pdfium, document, i) for i in range(count)]
    finally:
        pdfium.FPDF_CloseDocument(document)


def fingerprint_pdf(data: bytes, *, max_pages: int = MAX_PAGES) -> ContentFingerprint:
    """Returns the pdf-text/v1 fingerprints of the PDF data (errors as extract_page_texts)."""
    texts = extract_page_texts(data, max_pages=max_pages)
    return ContentFingerprint(pages=tuple(page_fingerprint(text) for text in texts))


def revision_ends(data: bytes) -> list[int]:
    """Returns where each earlier revision of a PDF could end, in increasing order.

    Each %%EOF marker ends a candidate right after it and, when an end of line
    (CRLF, CR or LF) follows, another after that; the file's own length is
    never one. The SHA-256 of data[:end] for each is what a verifier compares
    with anchored documents to recognise an incremental update.
    """
    ends: set[int] = set()
    for match in _EOF_MARKER.finditer(data):
        ends.add(match.start() + len(b"%%EOF"))
        ends.add(match.end())
    ends.discard(len(data))
    return sorted(ends)


# Keys an incremental update's objects carry when they are written
# uncompressed, as signing tools do; an update inside an object stream
# shows none of them.
_UPDATE_MARKERS: tuple[tuple[str, tuple[bytes, ...]], ...] = (
    ("signature", (b"/ByteRange", b"/Sig")),
    ("annotation", (b"/Annot",)),
    ("form", (b"/AcroForm", b"/FT")),
)


def appended_kinds(appended: bytes) -> tuple[str, ...]:
    """Returns what an incremental update appended, as far as its keys show: any of
    "signature", "annotation", "form", in that order; none when nothing shows."""
    return tuple(kind for kind, markers in _UPDATE_MARKERS if any(m in appended for m in markers))
