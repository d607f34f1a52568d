"""Strict decoding of the decimal and base64 fields of the C2SP text formats.

Each value has exactly one accepted spelling, so two byte-different files
never claim the same fact. Both parsers raise ValueError with a short
reason; callers re-raise it as their format's own error, naming the field.
encode_base64 writes the one spelling decode_base64 accepts.
"""

import base64
import binascii
import re

MAX_UINT64 = 2**64 - 1

# ASCII digits only: str.isdigit() and int() also accept other scripts' digits.
_DECIMAL = re.compile(r"0|[1-9][0-9]{0,19}")


def parse_uint64(text: str) -> int:
    """Returns the value of an ASCII decimal without leading zeros, at most 2**64-1."""
    if not _DECIMAL.fullmatch(text):
        raise ValueError(f"{text!r} is not a decimal number without leading zeros")
    value = int(text)
    if value > MAX_UINT64:
        raise ValueError(f"{text} is larger than 2**64-1")
    return value


def encode_base64(data: bytes) -> str:
    """Returns data in standard padded base64 (RFC 4648 section 4)."""
    return base64.b64encode(data).decode("ascii")


def decode_base64(text: str) -> bytes:
    """Returns the bytes of standard padded base64 (RFC 4648 section 4) in canonical form."""
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"{text!r} is not valid base64") from None
    # Re-encoding rejects unused non-zero trailing bits, the one freedom that
    # b64decode still allows.
    if encode_base64(data) != text:
        raise ValueError(f"{text!r} is not canonical base64")
    return data
