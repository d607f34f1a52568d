"""Reading records: ledger entries joined with what the records app knows of them."""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, cast

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Field, Model, Q

from judicial_verify.ledger import read
from judicial_verify.ledger.models import Checkpoint
from judicial_verify.ledger.models import Entry as EntryRow
from judicial_verify.tlog.entry import Entry, decode_entry

from .codes import CodeError, code_hash, code_normalize
from .kinds import KINDS, Audience, RecordKind, visible_metadata
from .models import Node, Record
from .rows import Columns, rows_fetch, split


@dataclass(frozen=True)
class EntryView:
    """An integrated entry with its record and anchoring node, where this log has them."""

    index: int
    data: bytes
    entry: Entry
    record: Record | None
    node: Node | None

    @property
    def kind(self) -> RecordKind | None:
        return KINDS.get(self.entry.kind)


@dataclass(frozen=True)
class Viewer:
    """Who is looking: a judge's court, a node, or nobody in particular (the public)."""

    court: Node | None = None
    node: Node | None = None

    def sees_all_of(self, view: EntryView) -> bool:
        """Judges of the anchoring court, and the anchoring node itself, see all metadata."""
        if self.court is None and self.node is None:  # the public: every answer asks
            return False
        owner = view.record.node_id if view.record else None
        return owner is not None and owner in {
            self.court.pk if self.court else None,
            self.node.pk if self.node else None,
        }


def _views(rows: Sequence[EntryRow]) -> list[EntryView]:
    records = Record.objects.select_related("node").in_bulk(
        [r.submission for r in rows], field_name="submission"
    )
    found = []
    for row in rows:
        record = records.get(row.submission)
        found.append((row.index, bytes(row.data), record, record.node if record else None))
    return _views_joined(found)


def _views_joined(
    found: Sequence[tuple[int, bytes, Record | None, Node | None]],
) -> list[EntryView]:
    """Views of entries, each given as its index and bytes with its record and the record's
    node, if any."""
    entries = [decode_entry(data) for _, data, _, _ in found]
    # A record brings its node; an entry without one names its node by code only.
    nodes = {node.code: node for _, _, _, node in found if node is not None}
    if missing := {e.node for e in entries} - nodes.keys():
        nodes |= Node.objects.in_bulk(missing, field_name="code")
    return [
        EntryView(index=index, data=data, entry=entry, record=record, node=nodes.get(entry.node))
        for (index, data, record, _), entry in zip(found, entries, strict=True)
    ]


@dataclass(frozen=True)
class ProvenEntry:
    """An entry with its inclusion proof in a signed checkpoint."""

    view: EntryView
    proof: read.InclusionProof


# What an answer shows (entry_output, the portal's result page), and no more: each
# timestamp and hash more in the row was more to parse for nothing. Of an entry, its index
# and bytes are read as they are; its record and node become models. Of the record, only
# whose it is: the metadata and its salt, which the public never sees, are read by
# metadata_visible for a viewer who may see them.
_RECORD = Columns(Record, "r", only=("node",))
_NODE = Columns(Node, "n", only=("code", "name", "type", "suspended"))
_MODELS = (_RECORD, _NODE)


@cache
def _verification_statement(vendor: str) -> str:
    """The newest checkpoint's id, and every entry with a given SHA-256 (the one parameter)
    with its record and the record's node: a row per entry, or one row of nulls after the
    id. Built once per database vendor, whose quoting it uses.

    One statement reads one snapshot: an entry commits with the checkpoint that covers
    it, so the newest checkpoint seen covers every entry seen.
    """
    quote = connection.ops.quote_name

    def table(model: type[Model], alias: str) -> str:
        return f"{quote(model._meta.db_table)} {alias}"

    def col(model: type[Model], alias: str, name: str) -> str:
        # Only concrete fields are named here, and each has a column.
        field = cast("Field[Any, Any]", model._meta.get_field(name))
        return f"{alias}.{quote(str(field.column))}"

    select = ", ".join(name for part in _MODELS for name in part.select())
    e, r, n = (EntryRow, "e"), (Record, _RECORD.alias), (Node, _NODE.alias)
    # Only quoted names go into the text; the document hash is a parameter. The entries
    # join a one-row table, so a document nobody anchored still gets the checkpoint's id.
    return (
        f"SELECT (SELECT MAX({quote('id')}) FROM {quote(Checkpoint._meta.db_table)}),"  # noqa: S608
        f" {col(*e, 'index')}, {col(*e, 'data')}, {select}"
        f" FROM (SELECT 1 AS {quote('one')}) {quote('one')}"
        f" LEFT JOIN {table(*e)} ON {col(*e, 'sha256')} = %s"
        f" LEFT JOIN {table(*r)} ON {col(*r, 'submission')} = {col(*e, 'submission')}"
        f" LEFT JOIN {table(*n)} ON {col(*n, 'id')} = {col(*r, 'node')}"
        f" ORDER BY {col(*e, 'index')}"
    )


@dataclass(frozen=True)
class Verification:
    """What the log says of a document: every entry anchoring it, oldest first, each with
    its inclusion proof in the newest checkpoint (none: not anchored), and the log's
    verifier keys, newest first, to check the checkpoint with."""

    entries: list[ProvenEntry]
    verifier_keys: tuple[str, ...]


def verification_by_sha256(sha256: str) -> Verification:
    """Public verification of a document by its SHA-256, the busiest read: one statement
    (_verification_statement), the checkpoint and keys kept in the process while they are
    the newest (read.NEWEST_PUBLISHED), the proofs from the shared tile cache."""
    db = connections[DEFAULT_DB_ALIAS]
    rows = rows_fetch(db, _verification_statement(db.vendor), [sha256])
    newest, first_index = rows[0][0], rows[0][1]
    if newest is None:  # an empty log: nothing is anchored, and no key has signed
        return Verification(entries=[], verifier_keys=())
    published = read.NEWEST_PUBLISHED.get(newest)
    if first_index is None:  # the one row of nulls: not anchored
        return Verification(entries=[], verifier_keys=published.verifier_keys)
    found = []
    for _, index, data, *models in rows:
        record, node = split(models, _MODELS, db)
        found.append((index, bytes(data), cast(Record | None, record), cast(Node | None, node)))
    views = _views_joined(found)
    proofs = read.inclusion_proofs(published.checkpoint, [v.index for v in views])
    return Verification(
        entries=[ProvenEntry(view=v, proof=proofs[v.index]) for v in views if v.index in proofs],
        verifier_keys=published.verifier_keys,
    )


def entry_view(index: int) -> EntryView:
    """The integrated entry at `index`; raises read.NotFound."""
    return _views([read.entry_get(index)])[0]


def metadata_visible(view: EntryView, viewer: Viewer) -> dict[str, object] | None:
    """The record's metadata the viewer may see in full, or None (the public sees none)."""
    record = view.record
    if record is None or view.kind is None or not viewer.sees_all_of(view):
        return None
    if {"metadata", "salt"} & record.get_deferred_fields():  # left out by verification
        record.refresh_from_db(fields=["metadata", "salt"])
    return visible_metadata(view.kind, record.metadata, Audience.COURT)


def served_document_by_code(code: str) -> EntryView | None:
    """The served document a verification code names, or None for any code that names none."""
    try:
        canonical = code_normalize(code)
    except CodeError:
        return None
    record = Record.objects.filter(code_hash=code_hash(canonical)).first()
    if record is None:
        return None
    row = EntryRow.objects.filter(submission=record.submission).first()
    return _views([row])[0] if row else None


def receipts_of(view: EntryView) -> list[EntryView]:
    """Receipts of service anchored for a served document, oldest first."""
    rows = EntryRow.objects.filter(
        submission__in=Record.objects.filter(kind="service_receipt", ref=view.index).values(
            "submission"
        )
    ).order_by("index")
    return _views(list(rows))


@dataclass(frozen=True)
class CourtRecord:
    """One of a court's records, with its log entry once the integrator has appended it."""

    record: Record
    view: EntryView | None

    @property
    def kind(self) -> RecordKind | None:
        return KINDS.get(self.record.kind)


def _case_number_variants(text: str) -> set[str]:
    # Case numbers are written with full-width brackets as often as with ASCII ones:
    # （2026）京0105民初1号 and (2026)京0105民初1号 are the same case.
    ascii_brackets = text.replace("（", "(").replace("）", ")")
    return {text, ascii_brackets, ascii_brackets.replace("(", "（").replace(")", "）")}


def court_records_by_case_number(*, court: Node, case_number: str, limit: int) -> list[CourtRecord]:
    """The court's records whose case number contains `case_number` (either case, either
    width of brackets), oldest first, at most `limit` of them."""
    matches = Q()
    for variant in _case_number_variants(case_number):
        matches |= Q(metadata__case_number__icontains=variant)
    records = list(Record.objects.filter(matches, node=court).order_by("created", "pk")[:limit])
    rows = EntryRow.objects.filter(submission__in=[r.submission for r in records])
    views = {v.record.submission: v for v in _views(list(rows)) if v.record is not None}
    return [CourtRecord(record=r, view=views.get(r.submission)) for r in records]
