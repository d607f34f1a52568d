"""Anchoring records: turning documents' hashes into ledger entries."""

from collections.abc import Sequence

from django.utils import timezone

from judicial_verify.ledger import read
from judicial_verify.ledger.submit import entries_submit
from judicial_verify.tlog.entry import Entry, format_entry_time, metadata_commitment

from .kinds import KINDS

# A record anchored without metadata commits to the empty object under an
# all-zero salt: anyone can check that, and there is nothing private for a
# random salt to hide.
NO_METADATA = metadata_commitment(bytes(32), {})


class AnchorError(ValueError):
    """The documents cannot be anchored as asked; the message says why."""


def documents_anchor(
    *, kind: str, sha256s: Sequence[str], node: str, ref: int | None = None
) -> list[int]:
    """Submits one entry per document hash, without metadata; returns submission ids."""
    record_kind = KINDS.get(kind)
    if record_kind is None:
        raise AnchorError(f"unknown kind {kind!r}; known kinds: {', '.join(sorted(KINDS))}")
    if record_kind.needs_ref and ref is None:
        raise AnchorError(f"a {kind} must name the entry it refers to")
    if ref is not None:
        try:
            read.entry_get(ref)
        except read.NotFound as e:
            raise AnchorError(str(e)) from None
    now = format_entry_time(timezone.now())
    entries = [
        Entry(kind=kind, sha256=h, node=node, time=now, meta=NO_METADATA, ref=ref) for h in sha256s
    ]
    return entries_submit(entries=entries)
