"""The content fingerprint (pdf-text/v1) in the browser, with PDFium in WebAssembly, is the
server's (pypdfium2) for every PDF of the corpus and every copy of it; a copy whose text is
the same has the original's fingerprint, an edited one does not; bad PDFs get a clear error."""

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from judicial_verify.tlog import fingerprint as pdf_text
from judicial_verify.tlog import unicode_tables
from judicial_verify.tlog.errors import CorruptPdfError
from tests import pdf_corpus
from tests.pdfs import chinese_pdf, encrypted_pdf, scanned_pdf

from .conftest import Visit

STATIC_JS = Path(__file__).resolve().parents[2] / "static" / "portal" / "js"

# Runs in the page: the module the portal's pages use, on a File made of the bytes.
_FINGERPRINT = """async ({ name, data, limits }) => {
  const { fingerprintPdf, LIMITS } = await import("/static/portal/js/pdf-fingerprint.js");
  const file = new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], name);
  try {
    return await fingerprintPdf(file, { limits: { ...LIMITS, ...limits } });
  } catch (error) {
    return { error: error.code ?? String(error) };
  }
}"""

# Copies that keep the text but not the means to extract it: Ghostscript's pdfwrite rewrites
# ReportLab's single-byte TrueType subsets without their ToUnicode maps, so PDFium reads
# glyph codes (control characters) instead of the Chinese, and spaced-out Latin. No
# normalisation can bring back text that is not in the file: such a copy is "content differs".
TEXT_LOST = {"agreement-reportlab-printed-ghostscript", "judgment-reportlab-printed-ghostscript"}


def in_browser(visit: Visit, name: str, data: bytes, **limits: int) -> dict[str, Any]:
    encoded = base64.b64encode(data).decode()
    result: dict[str, Any] = visit.page.evaluate(
        _FINGERPRINT, {"name": name, "data": encoded, "limits": limits}
    )
    return result


def in_python(data: bytes) -> dict[str, Any]:
    fingerprint = pdf_text.fingerprint_pdf(data)
    return {
        "pages": fingerprint.pages_hex(),
        "content": fingerprint.content,
        "revisions": [
            {"length": end, "sha256": hashlib.sha256(data[:end]).hexdigest()}
            for end in pdf_text.revision_ends(data)
        ],
    }


@pytest.fixture
def corpus() -> tuple[pdf_corpus.CorpusFile, ...]:
    return pdf_corpus.corpus()


def test_the_browser_tables_are_the_python_tables() -> None:
    tables = json.loads((STATIC_JS / "pdf-text-v1-tables.json").read_text())
    equivalent = unicode_tables.EQUIVALENT_UNIFIED_IDEOGRAPH
    assert tables == {
        "unicode_version": unicode_tables.UNICODE_VERSION,
        "equivalent_unified_ideograph": [list(row) for row in equivalent],
        "removed": [list(row) for row in unicode_tables.REMOVED],
    }


def test_every_file_of_the_corpus_has_the_same_fingerprint_in_the_browser_and_python(
    visit: Visit, corpus: tuple[pdf_corpus.CorpusFile, ...]
) -> None:
    visit.page.goto("/")
    for item in corpus:
        assert in_browser(visit, f"{item.name}.pdf", item.data) == in_python(item.data), item.name


def test_a_copy_with_the_same_text_has_the_fingerprint_of_its_original(
    corpus: tuple[pdf_corpus.CorpusFile, ...],
) -> None:
    content = {item.name: pdf_text.fingerprint_pdf(item.data).content for item in corpus}
    same = [item for item in corpus if item.variant in pdf_corpus.SAME_TEXT_VARIANTS]
    assert len(same) == 24
    for item in same:
        if item.name in TEXT_LOST:
            assert content[item.name] != content[item.original], item.name
        else:
            assert content[item.name] == content[item.original], item.name


def test_the_two_writers_give_the_same_text_the_same_fingerprint(
    corpus: tuple[pdf_corpus.CorpusFile, ...],
) -> None:
    content = {item.name: pdf_text.fingerprint_pdf(item.data).content for item in corpus}
    for document in pdf_corpus.DOCUMENTS:
        assert content[f"{document}-fpdf2"] == content[f"{document}-reportlab"]
        assert content[f"{document}-fpdf2-edited"] == content[f"{document}-reportlab-edited"]


def test_an_edited_figure_changes_the_fingerprint_of_its_page_only(
    corpus: tuple[pdf_corpus.CorpusFile, ...],
) -> None:
    by_name = {item.name: pdf_text.fingerprint_pdf(item.data) for item in corpus}
    for item in corpus:
        if item.variant != "edited":
            continue
        original, changed = by_name[item.original], by_name[item.name]
        assert changed.content != original.content
        pairs = zip(original.pages, changed.pages, strict=True)
        assert sum(a != b for a, b in pairs) == 1, item.name


def test_an_incremental_update_keeps_its_original_as_an_earlier_revision(
    corpus: tuple[pdf_corpus.CorpusFile, ...],
) -> None:
    originals = {item.name: item.data for item in corpus if item.variant == "original"}
    for item in corpus:
        revisions = [item.data[:end] for end in pdf_text.revision_ends(item.data)]
        if item.variant in pdf_corpus.INCREMENTAL_VARIANTS:
            assert originals[item.original] in revisions, item.name
        else:
            assert originals[item.original] not in revisions, item.name


def _encrypted() -> bytes:
    return encrypted_pdf(chinese_pdf(["秘密"]), user_password="secret")  # noqa: S106


@pytest.mark.parametrize(
    ("name", "make", "error"),
    [
        ("encrypted.pdf", _encrypted, "encrypted"),
        ("corrupt.pdf", lambda: b"%PDF-1.7\n1 0 obj << /Type /Catalog", "not_pdf"),
        ("truncated.pdf", lambda: chinese_pdf(["一二三"])[:300], "not_pdf"),
        ("photo.pdf", lambda: b"\x89PNG\r\n\x1a\n" + bytes(500), "not_pdf"),
    ],
)
def test_a_pdf_that_cannot_be_read_gets_its_error(
    visit: Visit, name: str, make: Any, error: str
) -> None:
    visit.page.goto("/")
    assert in_browser(visit, name, make()) == {"error": error}


# A page tree that contains itself, as a malicious PDF written to loop a reader forever has.
LOOPING_PAGE_TREE = b"""%PDF-1.7
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] >> endobj
trailer << /Root 1 0 R >>
%%EOF
"""


def test_a_pdf_whose_page_tree_loops_is_refused_as_the_server_refuses_it(visit: Visit) -> None:
    visit.page.goto("/")
    with pytest.raises(CorruptPdfError):
        pdf_text.fingerprint_pdf(LOOPING_PAGE_TREE)
    assert in_browser(visit, "loop.pdf", LOOPING_PAGE_TREE) == {"error": "not_pdf"}


def test_a_pdf_of_2001_pages_is_refused_before_any_page_is_read(visit: Visit) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    for _ in range(2001):
        pdf.add_page()
    visit.page.goto("/")
    assert in_browser(visit, "enormous.pdf", bytes(pdf.output())) == {"error": "too_many_pages"}


def test_a_scan_has_no_content_fingerprint_and_pages_without_text(visit: Visit) -> None:
    visit.page.goto("/")
    data = scanned_pdf(2)
    result = in_browser(visit, "scan.pdf", data)
    assert result["content"] is None
    assert result["pages"] == [pdf_text.EMPTY_PAGE.hex()] * 2
    assert result == in_python(data)


def test_limits_refuse_too_many_pages_too_large_a_file_and_too_long_an_extraction(
    visit: Visit,
) -> None:
    visit.page.goto("/")
    data = chinese_pdf(["第一页", "第二页", "第三页"])
    assert in_browser(visit, "a.pdf", data, maxPages=2) == {"error": "too_many_pages"}
    assert in_browser(visit, "a.pdf", data, maxBytes=len(data) - 1) == {"error": "too_large"}
    assert in_browser(visit, "a.pdf", data, timeoutMs=1) == {"error": "timeout"}


def test_a_pdf_that_needs_more_memory_than_the_cap_is_refused_and_the_page_lives_on(
    visit: Visit,
) -> None:
    visit.page.goto("/")
    small = chinese_pdf(["第一页"])
    # PDFium's heap starts at 17.75 MiB; a file of 20 MiB (a comment after its end) needs it
    # to grow past a cap of 18 MiB.
    large = small + b"%" + b"x" * (20 * 1024 * 1024) + b"\n"
    assert in_browser(visit, "a.pdf", large, maxMemory=18 * 1024 * 1024) == {"error": "memory"}
    assert in_browser(visit, "a.pdf", small) == in_python(small)


_APPENDED_KINDS = """async (data) => {
  const { appendedKinds } = await import("/static/portal/js/pdf-text.js");
  return appendedKinds(Uint8Array.from(atob(data), (c) => c.charCodeAt(0)));
}"""


def test_the_browser_names_what_an_update_appended_as_python_does(
    visit: Visit, corpus: tuple[pdf_corpus.CorpusFile, ...]
) -> None:
    originals = {item.name: item.data for item in corpus if item.variant == "original"}
    visit.page.goto("/")
    seen = set()
    for item in corpus:
        if item.variant not in pdf_corpus.INCREMENTAL_VARIANTS:
            continue
        appended = item.data[len(originals[item.original]) :]
        kinds = visit.page.evaluate(_APPENDED_KINDS, base64.b64encode(appended).decode())
        assert tuple(kinds) == pdf_text.appended_kinds(appended), item.name
        seen.add(tuple(kinds))
    assert seen == {("annotation",), ("signature", "annotation", "form")}


_SPEC_VECTORS = """async (texts) => {
  const text = await import("/static/portal/js/pdf-text.js");
  const tables = text.unicodeTables(
    await (await fetch("/static/portal/js/pdf-text-v1-tables.json")).json(),
  );
  const pages = await Promise.all(texts.map((page) => text.pageFingerprint(page, tables)));
  return {
    normalised: texts.map((page) => text.normaliseText(page, tables)),
    pages: pages.map(text.toHex),
    content: await text.contentOf(pages),
  };
}"""


def test_the_browser_gives_the_spec_s_test_vectors(visit: Visit) -> None:
    from tests.tlog.test_fingerprint import SPEC_VECTORS

    visit.page.goto("/")
    got = visit.page.evaluate(_SPEC_VECTORS, [text for text, _, _ in SPEC_VECTORS])
    assert got == {
        "normalised": [normalised for _, normalised, _ in SPEC_VECTORS],
        "pages": [fingerprint for _, _, fingerprint in SPEC_VECTORS],
        "content": "pdf-text/v1:5faf0d0d36a4dac1fa81acd0d51ed286c1a26b4b7b8be406c7dc1d1b81fef645",
    }
