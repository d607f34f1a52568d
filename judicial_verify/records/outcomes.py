"""What a person is told when a file is not the one anchored, in the words every page, report
and API answer share: written once here, translated once in the catalogue."""

from collections.abc import Sequence

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Electronic Signature Law art. 5: a change of form in storage or display (printing,
# scanning, re-saving) does not affect a data message's integrity, but it does change its
# hash; whoever holds the copy must hear both.
COPY_DIFFERS = _(
    "A printed, scanned or re-saved copy (a PDF opened and saved again, converted or "
    "compressed) always has a different fingerprint from the original electronic file, "
    "even when its text looks the same; that alone does not mean the document was altered "
    "(Electronic Signature Law, art. 5)."
)


def english_and_chinese(message: Promise) -> tuple[str, str]:
    """`message` in English and in Simplified Chinese, for an answer that carries both."""
    with translation.override("en"):
        english = str(message)
    with translation.override("zh-hans"):
        chinese = str(message)
    return english, chinese


# The five outcomes of a check, as the API names them (docs/pdf-text-v1.md for the copies).
VERIFIED = "verified"
EARLIER_REVISION = "earlier_revision"
SAME_TEXT = "same_text"
CONTENT_DIFFERS = "content_differs"
NOT_ANCHORED = "not_anchored"

# Issue 15's words: what a match of the content fingerprint does and does not say.
SAME_TEXT_MEANS = _(
    "The text of this copy is identical to the anchored document; layout, images and "
    "signatures were not compared; a court decides what weight this copy has."
)
EARLIER_REVISION_MEANS = _(
    "This file is an incremental update of the anchored document: its bytes up to an "
    "earlier end-of-file marker are exactly the anchored document, and %(appended)s was "
    "appended after them. The appended part is not covered by the record."
)
APPENDED = {
    "signature": _("a digital signature"),
    "annotation": _("annotations"),
    "form": _("form fields"),
}
APPENDED_UNNAMED = _("a part this check does not name")
TEXT_DIFFERS_TOO = _("Its text differs from the anchored document's as well.")
PAGES_DIFFER = _("Pages whose text differs: %(pages)s.")

# What each outcome compared, and what it did not: the verification report states it.
COMPARED = {
    VERIFIED: _("Compared: every byte of the file (SHA-256). Nothing was left out."),
    EARLIER_REVISION: _(
        "Compared: every byte of the file up to the end of the anchored revision "
        "(SHA-256). Not compared: what was appended after it."
    ),
    SAME_TEXT: _(
        "Compared: the text of every page (content fingerprint pdf-text/v1). Not compared: "
        "layout, fonts, images, annotations and signatures."
    ),
    CONTENT_DIFFERS: _(
        "Compared: every byte of the file (SHA-256) and, where it has text, the text of "
        "every page (content fingerprint pdf-text/v1); neither matches the named record."
    ),
    NOT_ANCHORED: _(
        "Compared: every byte of the file (SHA-256) and, where it has text, the text of "
        "every page (content fingerprint pdf-text/v1), with every anchored record; none "
        "matches."
    ),
}


def appended_words(kinds: Sequence[str]) -> tuple[str, str]:
    """What an incremental update appended (fingerprint.appended_kinds), in English and
    Chinese, for EARLIER_REVISION_MEANS."""
    if not kinds:
        return english_and_chinese(APPENDED_UNNAMED)
    words = [english_and_chinese(APPENDED[kind]) for kind in kinds]
    return " and ".join(word[0] for word in words), "、".join(word[1] for word in words)


def page_list(pages: Sequence[int]) -> str:
    """Page numbers as people read them: 1, 3, 7."""
    return ", ".join(str(page) for page in pages)


def text_differs_words(text_compared: bool, pages: Sequence[int] | None) -> tuple[str, str]:
    """What a content_differs check found of the text, in English and Chinese: that it
    differs too, and on which pages; empty when the text was not compared."""
    if not text_compared:
        return "", ""
    en, zh = english_and_chinese(TEXT_DIFFERS_TOO)
    if pages is not None:
        pages_en, pages_zh = english_and_chinese(PAGES_DIFFER)
        listed = {"pages": page_list(pages)}
        en, zh = f"{en} {pages_en % listed}", f"{zh}{pages_zh % listed}"
    return en, zh


NAMED_DIFFERS = _(
    "Content differs: this file is not the document of record %(index)s; its SHA-256 "
    "fingerprint is different."
)


def named_differs_words(
    index: int, text_compared: bool, pages: Sequence[int] | None
) -> tuple[str, str]:
    """Why a file is not the document of the record named by its number, in English and
    Chinese, the legal wording of copies included."""
    named_en, named_zh = english_and_chinese(NAMED_DIFFERS)
    text_en, text_zh = text_differs_words(text_compared, pages)
    copy_en, copy_zh = english_and_chinese(COPY_DIFFERS)
    english = " ".join(filter(None, [named_en % {"index": index}, text_en, copy_en]))
    return english, f"{named_zh % {'index': index}}{text_zh}{copy_zh}"


NOTHING_COMPARED = _("No file was compared with the record: the record and its proof were checked.")
