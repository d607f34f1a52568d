"""PDFs made for tests: Chinese text laid out in different ways, scans, updates, bad files."""

import io
import zlib
from pathlib import Path

from fpdf import FPDF

FONT = Path(__file__).resolve().parents[1] / "judicial_verify" / "portal" / "fonts"
CHINESE_FONT = FONT / "DroidSansFallbackFull.ttf"

DECISION = (
    "北京市海淀区人民法院民事调解书。原告张三与被告李四买卖合同纠纷一案，"
    "经本院主持调解，双方自愿达成如下协议：被告于二〇二六年十二月三十一日前"
    "向原告支付货款人民币壹拾贰万叁仟肆佰伍拾陆元。"
)


def chinese_pdf(
    pages: list[str], *, font_size: float = 12, page_width: float = 210, title: str = ""
) -> bytes:
    """Returns a PDF of one page a text, wrapped to the page at the given font size.

    A different font_size or page_width lays the same text out on other lines:
    what a re-rendered copy of a document does.
    """
    pdf = FPDF(format=(page_width, 297))
    pdf.set_title(title)
    pdf.add_font("droid", fname=str(CHINESE_FONT))
    pdf.set_font("droid", size=font_size)
    for text in pages:
        pdf.add_page()
        if text:
            pdf.multi_cell(0, font_size * 0.6, text)
    return bytes(pdf.output())


def scanned_pdf(pages: int = 2) -> bytes:
    """Returns a PDF whose pages are only images, as a scanner makes them."""
    from PIL import Image

    picture = io.BytesIO()
    Image.new("L", (200, 280), 200).save(picture, format="PNG")
    pdf = FPDF()
    for _ in range(pages):
        pdf.add_page()
        pdf.image(io.BytesIO(picture.getvalue()), x=10, y=10, w=190)
    return bytes(pdf.output())


def encrypted_pdf(data: bytes, *, user_password: str) -> bytes:
    """Returns data encrypted; with user_password "" it opens without one (owner only)."""
    import pypdf

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password, owner_password="owner")  # noqa: S106 - a test file's
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def incrementally_updated_pdf(data: bytes, *, note: str = "signed") -> bytes:
    """Returns data with an incremental update appended: the original bytes, then the update."""
    import pypdf

    writer = pypdf.PdfWriter(io.BytesIO(data), incremental=True)
    writer.add_metadata({"/Subject": note})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def resaved_pdf(data: bytes) -> bytes:
    """Returns data rewritten whole by another program: other bytes, same pages."""
    import pypdf

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
    writer.add_metadata({"/Producer": "another program"})
    writer.compress_identical_objects()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def raw_pdf(content: bytes) -> bytes:
    """Returns a one-page PDF written by hand whose page content stream is content, deflated.

    For PDFs no library would write: one a few kilobytes long that asks
    PDFium for millions of text objects is how a malicious file looks.
    """
    body = zlib.compress(content, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.7\n"), []
    for number, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def text_bomb_pdf(objects: int = 2_000_000) -> bytes:
    """Returns a PDF of about 80 kB whose one page draws `objects` one-letter texts."""
    return raw_pdf(b"BT /F1 1 Tf " + b"(x) Tj 0.01 0 Td " * objects + b"ET")
