"""pdf-text/v1 (docs/pdf-text-v1.md): normalisation, fingerprints, PDFs and their errors."""

import hashlib
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

from judicial_verify.tlog.errors import (
    CorruptPdfError,
    EncryptedPdfError,
    MalformedError,
    TooManyPagesError,
)
from judicial_verify.tlog.fingerprint import (
    EMPTY_PAGE,
    appended_kinds,
    check_pages,
    document_fingerprint,
    extract_page_texts,
    fingerprint_pdf,
    format_content,
    normalise_text,
    page_fingerprint,
    parse_content,
    revision_ends,
)
from judicial_verify.tlog.unicode_tables import EQUIVALENT_UNIFIED_IDEOGRAPH, REMOVED
from tests.pdfs import (
    DECISION,
    chinese_pdf,
    encrypted_pdf,
    incrementally_updated_pdf,
    resaved_pdf,
    scanned_pdf,
)

ROOT = Path(__file__).resolve().parents[2]


# --- normalisation -----------------------------------------------------------


def test_it_folds_full_width_letters_and_ligatures_with_nfkc() -> None:
    assert normalise_text("Ｆｕｌｌ１２３ ﬁle") == "Full123file"


def test_it_folds_kangxi_radicals_to_unified_ideographs() -> None:
    assert normalise_text("\u2f45\u6cd5") == "方法"  # ⽅ KANGXI RADICAL SQUARE


def test_it_folds_cjk_radicals_supplement_to_unified_ideographs() -> None:
    assert normalise_text("\u2ea0\u4e8b") == "民事"  # ⺠ CJK RADICAL CIVILIAN


def test_it_folds_cjk_strokes_to_unified_ideographs() -> None:
    assert normalise_text("\u31d0") == "一"


def test_it_folds_cjk_compatibility_ideographs() -> None:
    assert normalise_text("\uf900") == "\u8c48"


def test_it_removes_spaces_line_breaks_and_controls() -> None:
    assert normalise_text(" 调\t解\r\n书\u3000第\u00a0一\u2028页\x00") == "调解书第一页"


def test_it_removes_format_characters_and_the_hyphen_pdfium_marks() -> None:
    assert normalise_text("co\ufffeoper\u00adate\u200b\ufeff") == "cooperate"


def test_it_keeps_ideographs_beyond_the_basic_plane() -> None:
    assert normalise_text("\U00020000 \U0002a6d6") == "\U00020000\U0002a6d6"


def test_it_keeps_punctuation_and_figures() -> None:
    assert normalise_text("人民币12,345.6元；") == "人民币12,345.6元;"


def test_it_hashes_a_page_as_the_utf8_of_its_normalised_text() -> None:
    assert page_fingerprint(" 民事 调解书\r\n") == hashlib.sha256("民事调解书".encode()).digest()
    assert page_fingerprint("\r\n \ufffe") == EMPTY_PAGE == hashlib.sha256(b"").digest()


SPEC_VECTORS = [
    (
        " \u2ea0事调解书（２０２６）京０１０８民初１２３４５号\r\n",
        "民事调解书(2026)京0108民初12345号",
        "a2b6b0c25d9b34a130425a952c1be54bc246ac2f5ceaa8365e2404234dcb4ffe",
    ),
    (
        "\u2f45法\xad\ufffe 一\u3000二\t三",
        "方法一二三",
        "575e3deb9a740f3a7bd4ac869b4255b1be88ffc736c871231ff3d254eade2dfe",
    ),
    ("", "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
]


@pytest.mark.parametrize(("text", "normalised", "fingerprint"), SPEC_VECTORS)
def test_it_gives_the_spec_s_test_vectors_for_pages(
    text: str, normalised: str, fingerprint: str
) -> None:
    assert normalise_text(text) == normalised
    assert page_fingerprint(text).hex() == fingerprint


def test_it_gives_the_spec_s_test_vector_for_the_document() -> None:
    pages = [bytes.fromhex(fingerprint) for _, _, fingerprint in SPEC_VECTORS]
    assert format_content(document_fingerprint(pages) or b"") == (
        "pdf-text/v1:5faf0d0d36a4dac1fa81acd0d51ed286c1a26b4b7b8be406c7dc1d1b81fef645"
    )


def test_the_spec_states_the_same_vectors() -> None:
    spec = (ROOT / "docs" / "pdf-text-v1.md").read_text(encoding="utf-8")
    for _, normalised, fingerprint in SPEC_VECTORS:
        assert f"| `{normalised}` | `{fingerprint}` |" in spec


# --- document fingerprint ----------------------------------------------------


def test_it_hashes_the_document_over_its_page_fingerprints_in_order() -> None:
    one, two = page_fingerprint("第一页"), page_fingerprint("第二页")
    assert document_fingerprint([one, two]) == hashlib.sha256(one + two).digest()
    assert document_fingerprint([two, one]) != document_fingerprint([one, two])


def test_it_gives_no_document_fingerprint_when_no_page_has_text() -> None:
    assert document_fingerprint([EMPTY_PAGE, EMPTY_PAGE]) is None
    assert document_fingerprint([]) is None


def test_it_counts_an_empty_page_among_pages_with_text() -> None:
    one = page_fingerprint("第一页")
    assert document_fingerprint([one, EMPTY_PAGE]) == hashlib.sha256(one + EMPTY_PAGE).digest()


def test_it_writes_and_parses_the_content_field() -> None:
    digest = hashlib.sha256(b"x").digest()
    assert format_content(digest) == "pdf-text/v1:" + digest.hex()
    assert parse_content(format_content(digest)) == digest


@pytest.mark.parametrize(
    "value",
    [
        "pdf-text/v1:" + "A" * 64,
        "pdf-text/v2:" + "a" * 64,
        "pdf-text/v1:" + "a" * 63,
        "a" * 64,
        "pdf-text/v1:" + "a" * 64 + "\n",
    ],
)
def test_it_refuses_a_content_field_in_any_other_spelling(value: str) -> None:
    with pytest.raises(MalformedError):
        parse_content(value)


def test_it_accepts_page_fingerprints_that_make_up_the_content() -> None:
    pages = [page_fingerprint("第一页"), page_fingerprint("第二页")]
    content = format_content(hashlib.sha256(b"".join(pages)).digest())
    check_pages(content, [p.hex() for p in pages])


@pytest.mark.parametrize(
    ("pages", "message"),
    [
        (["第二页", "第一页"], "do not make up"),
        (["第一页"], "do not make up"),
        ([], "from 1 to"),
    ],
)
def test_it_refuses_page_fingerprints_that_do_not_make_up_the_content(
    pages: list[str], message: str
) -> None:
    right = [page_fingerprint("第一页"), page_fingerprint("第二页")]
    content = format_content(hashlib.sha256(b"".join(right)).digest())
    with pytest.raises(MalformedError, match=message):
        check_pages(content, [page_fingerprint(text).hex() for text in pages])


def test_it_refuses_a_page_fingerprint_that_is_not_hex() -> None:
    content = format_content(hashlib.sha256(b"x").digest())
    with pytest.raises(MalformedError, match="page 2's"):
        check_pages(content, ["a" * 64, "A" * 64])


# --- PDFs ---------------------------------------------------------------------


def test_it_extracts_each_page_s_text_with_pdfium() -> None:
    texts = extract_page_texts(chinese_pdf([DECISION, "", "第三页"]))
    assert [normalise_text(text) for text in texts] == [normalise_text(DECISION), "", "第三页"]


def test_it_fingerprints_each_page_of_a_pdf() -> None:
    result = fingerprint_pdf(chinese_pdf([DECISION, "", "第三页"]))
    assert result.pages == (page_fingerprint(DECISION), EMPTY_PAGE, page_fingerprint("第三页"))
    assert result.content == format_content(hashlib.sha256(b"".join(result.pages)).digest())


def test_it_gives_a_re_rendered_copy_the_same_fingerprint() -> None:
    original = chinese_pdf([DECISION, DECISION[:30]])
    rerendered = chinese_pdf([DECISION, DECISION[:30]], font_size=8, page_width=120)
    assert original != rerendered
    assert fingerprint_pdf(rerendered) == fingerprint_pdf(original)


def test_it_gives_a_re_saved_copy_the_same_fingerprint() -> None:
    original = chinese_pdf([DECISION])
    resaved = resaved_pdf(original)
    assert resaved != original
    assert fingerprint_pdf(resaved) == fingerprint_pdf(original)


def test_it_gives_an_incrementally_updated_copy_the_same_fingerprint() -> None:
    original = chinese_pdf([DECISION])
    assert fingerprint_pdf(incrementally_updated_pdf(original)) == fingerprint_pdf(original)


def test_it_changes_the_fingerprint_when_one_figure_changes() -> None:
    original = fingerprint_pdf(chinese_pdf(["第一页", DECISION]))
    edited = fingerprint_pdf(chinese_pdf(["第一页", DECISION.replace("壹拾贰万", "壹拾叁万")]))
    assert edited.content != original.content
    assert edited.pages[0] == original.pages[0]
    assert edited.pages[1] != original.pages[1]


def test_it_gives_a_scan_no_fingerprint_and_says_so_for_each_page() -> None:
    result = fingerprint_pdf(scanned_pdf(pages=2))
    assert result.content is None
    assert result.pages == (EMPTY_PAGE, EMPTY_PAGE)


def test_it_refuses_a_pdf_that_needs_a_password() -> None:
    with pytest.raises(EncryptedPdfError, match="password"):
        fingerprint_pdf(encrypted_pdf(chinese_pdf([DECISION]), user_password="x"))  # noqa: S106


def test_it_fingerprints_a_pdf_encrypted_with_an_empty_user_password() -> None:
    original = chinese_pdf([DECISION])
    opened = encrypted_pdf(original, user_password="")
    assert fingerprint_pdf(opened) == fingerprint_pdf(original)


@pytest.mark.parametrize(
    "data", [b"", b"not a pdf", b"%PDF-1.7\n%%EOF\n", chinese_pdf([DECISION])[:200]]
)
def test_it_refuses_a_file_pdfium_cannot_open(data: bytes) -> None:
    with pytest.raises(CorruptPdfError):
        fingerprint_pdf(data)


def test_it_refuses_a_pdf_of_more_pages_than_the_limit() -> None:
    with pytest.raises(TooManyPagesError, match="3 pages, more than the 2"):
        fingerprint_pdf(chinese_pdf(["一", "二", "三"]), max_pages=2)


def test_it_refuses_a_pdf_of_2001_pages() -> None:
    with pytest.raises(TooManyPagesError, match="2001 pages"):
        fingerprint_pdf(chinese_pdf([""] * 2001))


# --- earlier revisions ---------------------------------------------------------


def test_it_cuts_earlier_revisions_after_each_eof_marker_and_its_end_of_line() -> None:
    data = b"%PDF one\n%%EOF\r\ntwo %%EOF\rthree %%EOFfour %%EOF\n"
    assert [data[:end] for end in revision_ends(data)] == [
        b"%PDF one\n%%EOF",
        b"%PDF one\n%%EOF\r\n",
        b"%PDF one\n%%EOF\r\ntwo %%EOF",
        b"%PDF one\n%%EOF\r\ntwo %%EOF\r",
        b"%PDF one\n%%EOF\r\ntwo %%EOF\rthree %%EOF",
        b"%PDF one\n%%EOF\r\ntwo %%EOF\rthree %%EOFfour %%EOF",
    ]


def test_it_finds_the_original_among_the_revisions_of_an_updated_pdf() -> None:
    original = chinese_pdf([DECISION])
    updated = incrementally_updated_pdf(original)
    assert len(original) in revision_ends(updated)


def test_it_offers_a_pdf_saved_once_only_itself_without_its_last_end_of_line() -> None:
    data = chinese_pdf([DECISION])
    assert data.endswith(b"%%EOF\n")
    assert revision_ends(data) == [len(data) - 1]


# --- the Unicode tables and the optional dependency ---------------------------


def test_it_embeds_the_unicode_tables_the_generator_writes_from_the_ucd() -> None:
    generator = runpy.run_path(str(ROOT / "scripts" / "generate_unicode_tables.py"))
    expected = generator["python_module"](Path("/usr/share/unicode"))
    table = ROOT / "judicial_verify" / "tlog" / "unicode_tables.py"
    assert table.read_text(encoding="utf-8") == expected


def test_it_imports_without_pypdfium2_and_says_what_is_missing() -> None:
    code = (
        "import sys\n"
        "sys.modules['pypdfium2'] = None  # from here on, importing pypdfium2 fails\n"
        "from judicial_verify.tlog.errors import FingerprintUnavailableError\n"
        "from judicial_verify.tlog.fingerprint import fingerprint_pdf, page_fingerprint\n"
        "page_fingerprint('x')\n"
        "try:\n"
        "    fingerprint_pdf(b'%PDF-1.7')\n"
        "except FingerprintUnavailableError as e:\n"
        "    print(e)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=True,
    )
    assert "need pypdfium2" in result.stdout


def test_it_folds_and_removes_disjoint_sets_so_one_pass_keeps_the_spec_s_order() -> None:
    removed = {cp for first, last in REMOVED for cp in range(first, last + 1)}
    folded = {
        cp for first, last, _ in EQUIVALENT_UNIFIED_IDEOGRAPH for cp in range(first, last + 1)
    }
    targets = {target for _, _, target in EQUIVALENT_UNIFIED_IDEOGRAPH}
    assert not removed & (folded | targets)


def test_it_names_a_signature_appended_by_an_update() -> None:
    appended = b"12 0 obj\n<< /Type /Sig /ByteRange [0 840 960 240] >>\nendobj\n"
    assert appended_kinds(appended) == ("signature",)


def test_it_names_annotations_and_form_fields_appended_by_an_update() -> None:
    assert appended_kinds(b"<< /Annots [5 0 R] >> << /FT /Tx >>") == ("annotation", "form")


def test_it_names_nothing_in_an_update_of_compressed_objects() -> None:
    original = chinese_pdf([DECISION])
    assert appended_kinds(incrementally_updated_pdf(original)[len(original) :]) == ()
