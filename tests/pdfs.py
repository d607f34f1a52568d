"""PDFs made for tests: Chinese text laid out in different ways, scans, updates, bad files."""

import io
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
