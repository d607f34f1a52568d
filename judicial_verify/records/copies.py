"""Which of the five outcomes a file is, given what the client computed from it.

The file never reaches the server: the client sends its SHA-256 and, for a
PDF, its content fingerprint (docs/pdf-text-v1.md), the SHA-256 of each of
its earlier revisions (each prefix ending at a %%EOF marker) and its page
fingerprints. Bytes decide first: the file itself, then its longest anchored
earlier revision, then the same text. The extra look-ups run only when the
bytes are not anchored and the client sent what they need.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from judicial_verify.ledger import read
from judicial_verify.tlog.fingerprint import MAX_PAGES, document_fingerprint, parse_content

from . import outcomes
from .selectors import (
    EntryView,
    Verification,
    proven_entry,
    verification_by_content,
    verification_by_sha256,
)

# Earlier revisions a client may send: the file's last %%EOF markers give two
# candidates each, and a document is rarely updated more than a few times.
MAX_REVISIONS = 32


@dataclass(frozen=True)
class CopyVerification:
    """A file's outcome (records.outcomes), and the entries that match under it: those
    of its bytes, of its anchored earlier revision (revision_sha256), or of its text; for
    a named record, that record's. When the file's content differs from a named record's,
    text_compared says whether both had a content fingerprint, and pages_differing, where
    both had page fingerprints, which pages differ."""

    outcome: str
    verification: Verification
    revision_sha256: str | None = None
    text_compared: bool = False
    pages_differing: list[int] | None = None


def copy_verification(
    *, sha256: str, content: str | None = None, revisions: Sequence[str] = ()
) -> CopyVerification:
    """Verifies a file by its SHA-256, then, if its bytes are not anchored, by its earlier
    revisions' SHA-256 (file order) and its content fingerprint; all hex, lower case."""
    verification = verification_by_sha256(sha256)
    if verification.entries:
        return CopyVerification(outcomes.VERIFIED, verification)
    anchored = read.anchored_among(revisions) if revisions else set()
    # The longest anchored revision: the file's last anchored state.
    for revision in reversed(revisions):
        if revision in anchored:
            return CopyVerification(
                outcomes.EARLIER_REVISION, verification_by_sha256(revision), revision
            )
    if content is not None:
        same_text = verification_by_content(content)
        if same_text.entries:
            return CopyVerification(outcomes.SAME_TEXT, same_text)
    return CopyVerification(outcomes.NOT_ANCHORED, verification)


def pages_differing(anchored: Sequence[bytes], copy: Sequence[bytes]) -> list[int]:
    """The numbers of the pages whose fingerprints differ, a page one has and the other
    lacks included; at most MAX_PAGES."""
    count = min(max(len(anchored), len(copy)), MAX_PAGES)
    return [
        n
        for n in range(1, count + 1)
        if n > len(anchored) or n > len(copy) or anchored[n - 1] != copy[n - 1]
    ]


def anchored_pages(view: EntryView) -> list[bytes] | None:
    """The page fingerprints kept with an entry's record, if they make up the content
    fingerprint its entry binds (else they are no evidence of anything); None otherwise."""
    pages = view.record.page_fingerprints() if view.record is not None else None
    content = view.entry.content
    if pages is None or content is None or document_fingerprint(pages) != parse_content(content):
        return None
    return pages


@dataclass(frozen=True)
class Comparison:
    """How a file compares with one anchored entry: its outcome (records.outcomes: verified,
    earlier_revision, same_text or content_differs) and, when its content differs, whether
    both had a content fingerprint and, where both had page fingerprints, which pages
    differ."""

    outcome: str
    text_compared: bool = False
    pages_differing: list[int] | None = None


def compare_with(
    view: EntryView,
    *,
    sha256: str,
    content: str | None,
    revisions: Sequence[str],
    pages: Sequence[bytes] | None,
) -> Comparison:
    """Compares a file, by what the client computed from it (hex, lower case), with the
    entry the person named: its bytes, then its earlier revisions, then its text."""
    entry = view.entry
    if sha256 == entry.sha256:
        return Comparison(outcomes.VERIFIED)
    if entry.sha256 in revisions:
        return Comparison(outcomes.EARLIER_REVISION)
    if content is not None and content == entry.content:
        return Comparison(outcomes.SAME_TEXT)
    text_compared = content is not None and entry.content is not None
    kept = anchored_pages(view) if text_compared and pages is not None else None
    differing = None if kept is None or pages is None else pages_differing(kept, pages)
    return Comparison(outcomes.CONTENT_DIFFERS, text_compared, differing)


def named_copy_verification(
    *,
    index: int,
    sha256: str,
    content: str | None = None,
    revisions: Sequence[str] = (),
    pages: Sequence[bytes] | None = None,
) -> CopyVerification:
    """Verifies a file against the record the person named by its number (entry index):
    verified, earlier_revision, same_text or content_differs. Raises read.NotFound when
    no published entry has that index."""
    proven = proven_entry(index)
    entry = proven.view.entry
    verification = Verification(
        entries=[proven], verifier_keys=tuple(read.verifier_keys_as_of(proven.proof.checkpoint))
    )
    compared = compare_with(
        proven.view, sha256=sha256, content=content, revisions=revisions, pages=pages
    )
    return CopyVerification(
        compared.outcome,
        verification,
        entry.sha256 if compared.outcome == outcomes.EARLIER_REVISION else None,
        text_compared=compared.text_compared,
        pages_differing=compared.pages_differing,
    )
