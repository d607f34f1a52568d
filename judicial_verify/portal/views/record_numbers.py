"""A record number (the entry's index) in a portal URL, parsed strictly: anything that is not
one, or is beyond what the database can hold, is the same 404 as a number the log lacks."""

import re

from django.http import Http404

MAX_INT64 = 2**63 - 1
_DECIMAL = re.compile(r"[0-9]{1,19}")


def record_number_or_404(text: str) -> int:
    """The index written in `text` (ASCII digits only), or Http404."""
    if not _DECIMAL.fullmatch(text) or int(text) > MAX_INT64:
        raise Http404("no such record")
    return int(text)
