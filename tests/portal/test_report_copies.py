"""The verification report of a record checked against a copy of a PDF: it states the
outcome, and what was and was not compared (docs/pdf-text-v1.md)."""

import hashlib
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.anchoring import anchor
from tests.people import Actor, node_of, sha

from .test_report import (
    _joined_words,
    _report,
    poppler,  # noqa: F401 - the fixture, used by name
)


@pytest.fixture
def report_text(poppler: None, tmp_path: Path) -> Callable[[bytes], str]:  # noqa: F811
    """The report's text as pdftotext lays it out (test_report.pdf_text, spaces kept)."""

    def text_of(pdf: bytes) -> str:
        path = tmp_path / "report.pdf"
        path.write_bytes(pdf)
        command = ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"]
        return subprocess.run(command, capture_output=True, check=True).stdout.decode()  # noqa: S603

    return text_of


PAGES = [sha("page 1"), sha("page 2")]
CONTENT = "pdf-text/v1:" + hashlib.sha256(b"".join(bytes.fromhex(p) for p in PAGES)).hexdigest()


def anchored_pdf(court: Actor) -> int:
    return anchor(node_of(court), sha("decision.pdf"), content=CONTENT, pages=PAGES)


def test_it_says_a_copy_of_the_same_text_is_not_the_same_file(
    public: Actor, court: Actor, report_text: Callable[[bytes], str]
) -> None:
    index = anchored_pdf(court)
    text = report_text(_report(public.client, index, sha256=sha("re-saved"), content=CONTENT))
    words = _joined_words(text)
    assert "文本相同 Same text" in words
    assert (
        "The text of this copy is identical to the anchored document; layout, images and "
        "signatures were not compared; a court decides what weight this copy has."
    ) in words
    chinese = "该副本的文本与存证文件完全一致；版式、图片和签名未作比对；该副本的证明力由法院认定。"
    assert chinese in text
    assert "Not compared: layout, fonts, images, annotations and signatures." in words
    assert "核验通过" not in text
    assert CONTENT[:40] in text  # the row's value wraps beside its label


def test_it_says_an_update_was_compared_up_to_the_anchored_revision(
    public: Actor, court: Actor, report_text: Callable[[bytes], str]
) -> None:
    index = anchored_pdf(court)
    pdf = _report(public.client, index, sha256=sha("signed"), revision=sha("decision.pdf"))
    words = _joined_words(report_text(pdf))
    assert "早期版本核验通过 Earlier revision verified" in words
    assert "Not compared: what was appended after it." in words


def test_it_says_what_was_compared_when_the_content_differs(
    public: Actor, court: Actor, report_text: Callable[[bytes], str]
) -> None:
    index = anchored_pdf(court)
    other = "pdf-text/v1:" + sha("other text")
    words = _joined_words(
        report_text(_report(public.client, index, sha256=sha("x"), content=other))
    )
    assert "内容不一致 Content differs" in words
    assert "Its text differs from the anchored document's as well." in words
    assert "neither matches the named record." in words


def test_it_says_every_byte_was_compared_for_the_anchored_file(
    public: Actor, court: Actor, report_text: Callable[[bytes], str]
) -> None:
    index = anchored_pdf(court)
    words = _joined_words(report_text(_report(public.client, index, sha256=sha("decision.pdf"))))
    assert "Compared: every byte of the file (SHA-256). Nothing was left out." in words


def test_it_says_no_file_was_compared_when_none_was_given(
    public: Actor, court: Actor, report_text: Callable[[bytes], str]
) -> None:
    index = anchored_pdf(court)
    words = _joined_words(report_text(_report(public.client, index)))
    assert "No file was compared with the record" in words


def test_it_answers_a_malformed_content_or_revision_with_not_found(
    public: Actor, court: Actor
) -> None:
    index = anchored_pdf(court)
    url = f"/report/{index}.pdf"
    for query in ({"content": "pdf-text/v1:xyz"}, {"revision": "nope"}):
        assert public.client.get(url, {"sha256": sha("x"), **query}).status_code == 404
