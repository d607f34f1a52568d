"""The records against the ledger: each record must be what its entry anchored.

A record's entry is the one its submission became (or the pending entry it
still is). The entry states the record's kind, node, document, content
fingerprint (which the record's page fingerprints must hash to) and
referenced entry, and commits to its metadata with its salt, so a record
edited in the database, or two records' submissions swapped, no longer
matches. Records are read CHUNK at a time. Messages name the record and what
differs, never a metadata value.
"""

from collections.abc import Iterator

from judicial_verify.ledger import read
from judicial_verify.ledger.audit import CHUNK, AuditFailure
from judicial_verify.tlog.entry import Entry, decode_entry, metadata_commitment
from judicial_verify.tlog.errors import TlogError
from judicial_verify.tlog.fingerprint import document_fingerprint, parse_content

from .models import Record, split_pages

_COLUMNS = (
    "id",
    "submission",
    "node__code",
    "kind",
    "sha256",
    "ref",
    "metadata",
    "salt",
    "content",
    "pages",
)
RecordRow = tuple[
    int, int, str, str, str, int | None, object, bytes, str | None, bytes | memoryview | None
]


def _pages() -> Iterator[list[RecordRow]]:
    """Every record's columns the check needs, by submission, CHUNK rows a query."""
    rows = Record.objects.order_by("submission").values_list(*_COLUMNS)
    page = list(rows[:CHUNK])
    while page:
        yield page
        if len(page) < CHUNK:
            return
        page = list(rows.filter(submission__gt=page[-1][1])[:CHUNK])


def _check(row: RecordRow, entry: Entry, what: str) -> None:
    _, _, node, kind, sha256, ref, metadata, salt, content, pages = row
    if kind != entry.kind:
        raise AuditFailure(what, f"kind {kind!r} is not the entry's {entry.kind!r}")
    if node != entry.node:
        raise AuditFailure(what, f"node {node!r} is not the entry's {entry.node!r}")
    if sha256 != entry.sha256:
        raise AuditFailure(what, "document hash differs from the entry's")
    if ref != entry.ref:
        raise AuditFailure(what, f"refers to entry {ref}, the entry to {entry.ref}")
    if content != entry.content:
        raise AuditFailure(what, "content fingerprint differs from the entry's")
    if pages is not None and (
        content is None or document_fingerprint(split_pages(bytes(pages))) != parse_content(content)
    ):
        raise AuditFailure(what, "page fingerprints do not make up the entry's content")
    if not isinstance(metadata, dict):
        raise AuditFailure(what, "metadata is not a JSON object")
    try:
        commitment = metadata_commitment(bytes(salt), metadata)
    except TlogError:
        # The reason would quote the metadata.
        raise AuditFailure(what, "metadata or salt cannot be committed to") from None
    if commitment != entry.meta:
        raise AuditFailure(what, "metadata or salt does not match the entry's commitment")


def records_audit() -> int:
    """Checks every record against its entry; returns how many it checked. Raises
    AuditFailure naming the first record that differs. Call it inside
    ledger.audit.audit_snapshot, with log_audit, for one consistent view."""
    checked = 0
    for page in _pages():
        entries = read.submissions_as_stored([row[1] for row in page])
        for row in page:
            record_id, submission = row[0], row[1]
            if submission not in entries:
                raise AuditFailure(
                    f"record {record_id}",
                    f"submission {submission} is neither pending nor in the log",
                )
            name, data = entries[submission]
            what = f"record {record_id} ({name})"
            try:
                entry = decode_entry(data)
            except TlogError as e:
                raise AuditFailure(what, f"entry bytes are not a valid entry: {e}") from None
            _check(row, entry, what)
        checked += len(page)
    return checked
