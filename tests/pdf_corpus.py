"""The content-fingerprint corpus: PDFs the tests make, and every kind of copy a court sees.

Two documents (a Chinese judgment with English, an English one with Chinese), several pages
each, in three fonts (DejaVu Sans, DejaVu Sans Mono, Droid Sans Fallback), each written by two
PDF writers (fpdf2 and ReportLab). Each original has its variants: re-saved (pypdf, pikepdf),
re-rendered as "print to PDF" does (Ghostscript's pdfwrite, pdftocairo), incrementally
updated (an annotation, a signature dictionary) and edited (one figure of the text changed).
Made once a test session, in a temporary folder; Ghostscript and poppler-utils are
Debian's (.ci/run installs them).
"""

import io
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont

from tests.pdfs import resaved_pdf

FONTS = Path(__file__).resolve().parents[1] / "judicial_verify" / "portal" / "fonts"
SANS = FONTS / "DejaVuSans.ttf"
MONO = FONTS / "DejaVuSansMono.ttf"
CJK = FONTS / "DroidSansFallbackFull.ttf"

# A page is lines; a line is (font, text). A glyph its font lacks (Droid Sans Fallback has no
# ASCII digits) is drawn in DejaVu Sans, by both writers alike.
Page = list[tuple[Path, str]]

JUDGMENT: list[Page] = [
    [
        (CJK, "北京市海淀区人民法院"),
        (CJK, "民事判决书"),
        (MONO, "(2026) Jing 0108 Min Chu No. 12345"),
        (CJK, "原告张三与被告李四买卖合同纠纷一案，本院于2026年3月1日立案后，"),
        (CJK, "依法适用普通程序，公开开庭进行了审理。"),
        (SANS, "Plaintiff: Zhang San. Defendant: Li Si."),
    ],
    [
        (CJK, "本院认为：当事人应当按照约定全面履行自己的义务。"),
        (CJK, "被告于判决生效之日起十日内向原告支付货款人民币123,456元，"),
        (CJK, "并支付逾期付款利息7,890元。"),
        (SANS, "The defendant shall pay the plaintiff RMB 123,456 within ten days."),
    ],
    [
        (CJK, "如不服本判决，可在判决书送达之日起十五日内提起上诉。"),
        (CJK, "审判长　王五"),
        (MONO, "2026-06-30"),
        (CJK, "书记员　赵六"),
    ],
]

AGREEMENT: list[Page] = [
    [
        (SANS, "Mediation Agreement"),
        (SANS, "Between Acme Trading Co., Ltd. and Beijing Office Supplies Ltd."),
        (SANS, "The parties agree that the balance of RMB 48,200 is settled in full,"),
        (SANS, "paid in two instalments of RMB 24,100 on 1 May and 1 June 2026."),
        (CJK, "双方当事人自愿达成调解协议。"),
    ],
    [
        (SANS, "Each party bears its own costs; the court fee of RMB 510 is halved."),
        (MONO, "Case 2026-0108-0042, clause 4.2"),
        (CJK, "本协议经双方签字并经人民法院确认后生效。"),
    ],
]

DOCUMENTS = {"judgment": JUDGMENT, "agreement": AGREEMENT}

# The edit of each document: one figure of its text changed, as a forger would.
EDITS = {"judgment": ("123,456", "123,486"), "agreement": ("48,200", "48,900")}


@cache
def _cmap(font: Path) -> frozenset[int]:
    return frozenset(TTFont(font, fontNumber=0).getBestCmap())


def runs(font: Path, text: str) -> list[tuple[Path, str]]:
    """Splits text into runs of one font each: font, or DejaVu Sans where font lacks a glyph."""
    pieces: list[tuple[Path, str]] = []
    for ch in text:
        chosen = font if ord(ch) in _cmap(font) else SANS
        if pieces and pieces[-1][0] == chosen:
            pieces[-1] = (chosen, pieces[-1][1] + ch)
        else:
            pieces.append((chosen, ch))
    return pieces


def edited(document: list[Page], old: str, new: str) -> list[Page]:
    changed = [[(font, text.replace(old, new)) for font, text in page] for page in document]
    if changed == document:
        raise ValueError(f"{old!r} is not in the document")
    return changed


def write_fpdf2(document: list[Page]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_creator("fpdf2")
    for font in (SANS, MONO, CJK):
        pdf.add_font(font.stem, fname=str(font))
    for page in document:
        pdf.add_page()
        for font, text in page:
            for run_font, run in runs(font, text):
                pdf.set_font(run_font.stem, size=12)
                pdf.cell(text=run)
            pdf.ln(9)
    return bytes(pdf.output())


def write_reportlab(document: list[Page]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont as ReportLabFont
    from reportlab.pdfgen import canvas

    for font in (SANS, MONO, CJK):
        pdfmetrics.registerFont(ReportLabFont(font.stem, str(font)))
    out = io.BytesIO()
    page_canvas = canvas.Canvas(out, pagesize=A4, invariant=True)
    page_canvas.setCreator("ReportLab")
    for page in document:
        y = A4[1] - 72
        for font, text in page:
            x = 56.0
            for run_font, run in runs(font, text):
                page_canvas.setFont(run_font.stem, 11)
                page_canvas.drawString(x, y, run)
                x += pdfmetrics.stringWidth(run, run_font.stem, 11)
            y -= 20
        page_canvas.showPage()
    page_canvas.save()
    return out.getvalue()


WRITERS: dict[str, Callable[[list[Page]], bytes]] = {
    "fpdf2": write_fpdf2,
    "reportlab": write_reportlab,
}


def resaved_pikepdf(data: bytes) -> bytes:
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        out = io.BytesIO()
        pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate, linearize=True)
        return out.getvalue()


def _run(command: list[str], data: bytes) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "in.pdf", Path(folder) / "out.pdf"
        source.write_bytes(data)
        subprocess.run(
            [part.format(source=source, target=target) for part in command],
            check=True,
            capture_output=True,
            timeout=120,
        )
        return target.read_bytes()


def printed_ghostscript(data: bytes) -> bytes:
    command = ["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pdfwrite",
               "-sOutputFile={target}", "{source}"]  # fmt: skip
    return _run(command, data)


def printed_pdftocairo(data: bytes) -> bytes:
    return _run(["pdftocairo", "-pdf", "{source}", "{target}"], data)


def annotated(data: bytes) -> bytes:
    """Appends an incremental update that adds a text annotation (a reader's note) to page 1."""
    import pypdf
    from pypdf.annotations import FreeText

    writer = pypdf.PdfWriter(io.BytesIO(data), incremental=True)
    note = FreeText(text="Received 2026-07-01", rect=(50, 50, 250, 80))
    writer.add_annotation(page_number=0, annotation=note)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def signed(data: bytes) -> bytes:
    """Appends an incremental update that adds a signature field and its /Sig dictionary, laid
    out as a signing program writes one (/ByteRange, /Contents), to page 1. The update is
    written here byte by byte, as PDF 32000-1 7.5.6 describes one: new objects, the page and
    catalog objects again, and a cross-reference section whose trailer points to the last.
    The signature value itself is zeros, not a real CMS signature, which nothing here checks."""
    import pypdf
    from pypdf.generic import (
        ArrayObject,
        DictionaryObject,
        IndirectObject,
        NameObject,
        NumberObject,
        PdfObject,
    )

    reader = pypdf.PdfReader(io.BytesIO(data))
    trailer = reader.trailer
    size = trailer["/Size"]
    root_ref = trailer.raw_get("/Root")
    root = trailer["/Root"]
    page = reader.pages[0]
    page_ref = page.indirect_reference
    ids = trailer.get("/ID")
    assert isinstance(size, int)
    assert isinstance(root_ref, IndirectObject)
    assert isinstance(root, DictionaryObject)
    assert page_ref is not None
    sig_id, field_id = size, size + 1
    field_ref = IndirectObject(field_id, 0, reader)
    new_page = DictionaryObject(page)
    new_page[NameObject("/Annots")] = ArrayObject([*page.get("/Annots", []), field_ref])
    new_root = DictionaryObject(root)
    new_root[NameObject("/AcroForm")] = DictionaryObject(
        {
            NameObject("/Fields"): ArrayObject([field_ref]),
            NameObject("/SigFlags"): NumberObject(3),
        }
    )

    def serialised(value: PdfObject) -> bytes:
        stream = io.BytesIO()
        value.write_to_stream(stream)
        return stream.getvalue()

    bodies = {
        sig_id: (
            b"<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached"
            b" /ByteRange [0 0 0 0] /Contents <" + b"0" * 512 + b">"
            b" /M (D:20260701090000Z) /Name (Beijing Haidian People's Court) >>"
        ),
        field_id: (
            b"<< /Type /Annot /Subtype /Widget /FT /Sig /T (CourtSeal) /F 132"
            b" /Rect [0 0 0 0] /V %d 0 R /P %d 0 R >>" % (sig_id, page_ref.idnum)
        ),
        page_ref.idnum: serialised(new_page),
        root_ref.idnum: serialised(new_root),
    }
    out = bytearray(data if data.endswith(b"\n") else data + b"\n")
    offsets = {}
    for number, body in sorted(bodies.items()):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n"
    for number, offset in sorted(offsets.items()):
        out += b"%d 1\n%010d 00000 n \n" % (number, offset)
    out += b"trailer\n<< /Size %d /Root %d 0 R /Prev %d" % (
        size + 2,
        root_ref.idnum,
        _startxref(data),
    )
    if ids is not None:
        out += b" /ID " + serialised(ids)
    out += b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _startxref(data: bytes) -> int:
    tail = data[-1024:]
    at = tail.rindex(b"startxref")
    return int(tail[at + len(b"startxref") :].split()[0])


# Each variant of an original, and whether its text is the original's (so its fingerprint
# must be the same) or not.
SAME_TEXT_VARIANTS: dict[str, Callable[[bytes], bytes]] = {
    "resaved-pypdf": resaved_pdf,
    "resaved-pikepdf": resaved_pikepdf,
    "printed-ghostscript": printed_ghostscript,
    "printed-pdftocairo": printed_pdftocairo,
    "annotated": annotated,
    "signed": signed,
}
INCREMENTAL_VARIANTS = ("annotated", "signed")


@dataclass(frozen=True)
class CorpusFile:
    name: str  # e.g. "judgment-fpdf2-printed-ghostscript"
    original: str  # the name of the original it was made from
    variant: str  # "original", "edited" or a key of SAME_TEXT_VARIANTS
    data: bytes


@cache
def corpus() -> tuple[CorpusFile, ...]:
    """Every original and its variants, made once a session (a few seconds: Ghostscript)."""
    if shutil.which("gs") is None or shutil.which("pdftocairo") is None:
        raise RuntimeError(
            "the PDF corpus needs Ghostscript and poppler-utils: "
            "apt-get install ghostscript poppler-utils (.ci/run installs them)"
        )
    files = []
    for document_name, document in DOCUMENTS.items():
        for writer_name, write in WRITERS.items():
            original = f"{document_name}-{writer_name}"
            data = write(document)
            files.append(CorpusFile(original, original, "original", data))
            for variant, make in SAME_TEXT_VARIANTS.items():
                files.append(CorpusFile(f"{original}-{variant}", original, variant, make(data)))
            changed = write(edited(document, *EDITS[document_name]))
            files.append(CorpusFile(f"{original}-edited", original, "edited", changed))
    return tuple(files)
