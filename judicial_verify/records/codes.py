"""Verification codes for served documents: 95 secret bits in Crockford base32, with
Crockford's check symbol, printed in groups of four (`XXXX-XXXX-XXXX-XXXX-XXXC`).

The recipient types the code or scans it from a QR code; typing slips are
forgiven as Crockford specifies (case, O for 0, I and L for 1, hyphens and
spaces), and the check symbol catches a wrong or swapped character before
the server is asked. Only the SHA-256 of a code is stored: with 95 secret
bits it cannot be guessed from the hash.
"""

import hashlib
import unicodedata

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CHECK_SYMBOLS = ALPHABET + "*~$=U"
DATA_CHARS = 19
BITS = DATA_CHARS * 5
GROUP = 4
_DECODE = {c: i for i, c in enumerate(ALPHABET)} | {"O": 0, "I": 1, "L": 1}


class CodeError(ValueError):
    """Text that is not a well-formed verification code. What is wrong, for a message that
    says how to put it right: `length`, the characters typed once spaces and hyphens are
    dropped (when it is not 20), or `bad_char`, one that no code has."""

    def __init__(self, message: str, *, length: int | None = None, bad_char: str = "") -> None:
        super().__init__(message)
        self.length = length
        self.bad_char = bad_char


def _encode(value: int) -> str:
    chars = []
    for _ in range(DATA_CHARS):
        value, digit = divmod(value, 32)
        chars.append(ALPHABET[digit])
    return "".join(reversed(chars))


def code_from_secret(secret: bytes) -> str:
    """Returns the canonical code (without grouping) made of the first 95 bits of `secret`."""
    if len(secret) * 8 < BITS:
        raise CodeError(f"a code needs {BITS} secret bits")
    value = int.from_bytes(secret, "big") >> (len(secret) * 8 - BITS)
    return _encode(value) + CHECK_SYMBOLS[value % 37]


def code_normalize(text: str) -> str:
    """Returns the canonical form of a typed code; raises CodeError if it is not one. Spaces,
    line breaks and hyphens are dropped, full-width characters (a Chinese input method's)
    read as ASCII."""
    compact = "".join(unicodedata.normalize("NFKC", text).split()).replace("-", "").upper()
    if len(compact) != DATA_CHARS + 1:
        raise CodeError(f"a verification code has {DATA_CHARS + 1} characters", length=len(compact))
    value = 0
    for char in compact[:-1]:
        if char not in _DECODE:
            raise CodeError(f"{char!r} is not a character of a verification code", bad_char=char)
        value = value * 32 + _DECODE[char]
    if compact[-1] != CHECK_SYMBOLS[value % 37]:
        raise CodeError("the check character does not match: the code was mistyped")
    return _encode(value) + compact[-1]


def code_format(code: str) -> str:
    """Returns a canonical code in groups of four separated by hyphens."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def code_hash(code: str) -> str:
    """Returns the stored form of a canonical code."""
    return hashlib.sha256(code.encode()).hexdigest()
