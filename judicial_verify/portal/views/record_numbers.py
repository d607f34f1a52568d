"""A record number (the entry's index) in a portal URL, parsed strictly: anything that is not
one, or is beyond what the database can hold, is the same 404 as a number the log lacks."""

from django.http import Http404

from judicial_verify.ledger.positions import position_parse


def record_number_or_404(text: str) -> int:
    """The index written in `text` (ASCII digits, no leading zeros), or Http404."""
    try:
        return position_parse(text)
    except ValueError:
        raise Http404("no such record") from None
