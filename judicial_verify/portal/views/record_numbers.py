"""A record number (the entry's index) in a portal URL, parsed strictly: anything that is not
one, or is beyond what the database can hold, is the same 404 as a number the log lacks."""

from django.http import Http404

from judicial_verify.ledger import read
from judicial_verify.ledger.positions import position_parse
from judicial_verify.records.selectors import ProvenEntry, proven_entry


def record_number_or_404(text: str) -> int:
    """The index written in `text` (ASCII digits, no leading zeros), or Http404."""
    try:
        return position_parse(text)
    except ValueError:
        raise Http404("no such record") from None


def proven_record_or_404(text: str) -> ProvenEntry:
    """The entry numbered `text` with its inclusion proof in the newest checkpoint, or
    Http404."""
    position = record_number_or_404(text)
    try:
        return proven_entry(position)
    except read.NotFound:
        raise Http404("no such record") from None
