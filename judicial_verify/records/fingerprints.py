"""SHA-256 fingerprints as people paste them: from a hashing tool's output, an e-mail or a
PDF, with spaces, line breaks and capitals that are no part of the fingerprint.

The log holds a fingerprint as 64 lower-case hex digits (tlog.entry.SHA256_HEX); every place
that reads one from a person, the portal's forms and the API alike, reads it here, so a
fingerprint accepted by one is accepted by the other.
"""

import unicodedata

from judicial_verify.tlog.entry import SHA256_HEX

SHA256_CHARS = 64
_HEX = frozenset("0123456789abcdef")


class FingerprintError(ValueError):
    """Text that is not a SHA-256 fingerprint, with what is wrong in it: `length`, the number
    of characters left once white space is dropped, and `bad_char`, the first that is not a
    hex digit (None if there is none)."""

    def __init__(self, *, length: int, bad_char: str | None) -> None:
        self.length = length
        self.bad_char = bad_char
        wrong = f"{bad_char!r} is not a hex digit" if bad_char else f"{length} characters"
        super().__init__(f"a SHA-256 is {SHA256_CHARS} hex digits, not {wrong}")


def sha256_normalize(text: str) -> str:
    """The fingerprint written in `text`, in lower case, with every space and line break
    dropped (also those inside it, as a wrapped line leaves them) and full-width digits and
    letters (as a Chinese input method types them) read as ASCII; raises FingerprintError."""
    compact = "".join(unicodedata.normalize("NFKC", text).split()).lower()
    if SHA256_HEX.fullmatch(compact):
        return compact
    bad_char = next((char for char in compact if char not in _HEX), None)
    raise FingerprintError(length=len(compact), bad_char=bad_char)
