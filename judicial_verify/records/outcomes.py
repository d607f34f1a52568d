"""What a person is told when a file is not the one anchored, in the words every page, report
and API answer share: written once here, translated once in the catalogue."""

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Electronic Signature Law art. 5: a change of form in storage or display (printing,
# scanning, photographing, re-saving) does not affect a data message's integrity, but it
# does change its hash; whoever holds the copy must hear both.
COPY_DIFFERS = _(
    "A printed, scanned, photographed or re-saved copy (a PDF opened and saved again, "
    "converted or compressed) always has a different fingerprint from the original "
    "electronic file, even when its text looks the same; that alone does not mean the "
    "document was altered (Electronic Signature Law, art. 5)."
)


def english_and_chinese(message: Promise) -> tuple[str, str]:
    """`message` in English and in Simplified Chinese, for an answer that carries both."""
    with translation.override("en"):
        english = str(message)
    with translation.override("zh-hans"):
        chinese = str(message)
    return english, chinese
