"""Indices and tree sizes as the ledger stores them: PostgreSQL BIGINT, so at most 2**63-1.

A position written in a URL is parsed here, strictly: a number beyond the column is refused
rather than overflowing a query.
"""

from judicial_verify.tlog.strict_decoding import parse_uint64

MAX_POSITION = 2**63 - 1


def position_parse(text: str) -> int:
    """The index or tree size written in `text`: ASCII digits without leading zeros, at most
    2**63-1. Raises ValueError otherwise."""
    value = parse_uint64(text)
    if value > MAX_POSITION:
        raise ValueError(f"{text} is larger than 2**63-1")
    return value
