"""Reading records: ledger entries joined with what the records app knows of them."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q

from judicial_verify.ledger import read
from judicial_verify.ledger.models import Entry as EntryRow
from judicial_verify.tlog.entry import Entry, decode_entry

from .codes import CodeError, code_hash, code_normalize
from .kinds import KINDS, Audience, RecordKind, visible_metadata
from .models import Node, Record


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
        owner = view.record.node_id if view.record else None
        return owner is not None and owner in {
            self.court.pk if self.court else None,
            self.node.pk if self.node else None,
        }


def _views(rows: Sequence[EntryRow]) -> list[EntryView]:
    records = Record.objects.select_related("node").in_bulk(
        [r.submission for r in rows], field_name="submission"
    )
    entries = {r.index: decode_entry(bytes(r.data)) for r in rows}
    # The records brought their nodes along; only entries without a record need a look-up.
    nodes = {record.node.code: record.node for record in records.values()}
    if missing := {e.node for e in entries.values()} - nodes.keys():
        nodes |= Node.objects.in_bulk(missing, field_name="code")
    return [
        EntryView(
            index=r.index,
            data=bytes(r.data),
            entry=entries[r.index],
            record=records.get(r.submission),
            node=nodes.get(entries[r.index].node),
        )
        for r in rows
    ]


def entries_by_sha256(sha256: str) -> list[EntryView]:
    """Every integrated entry anchoring a document with this SHA-256, oldest first."""
    return _views(list(EntryRow.objects.filter(sha256=sha256).order_by("index")))


@dataclass(frozen=True)
class ProvenEntry:
    """An entry with its inclusion proof in a signed checkpoint."""

    view: EntryView
    proof: read.InclusionProof


def entries_proven_by_sha256(sha256: str) -> list[ProvenEntry]:
    """Every integrated entry anchoring this document, oldest first, each with its
    inclusion proof in the newest checkpoint; an empty list when none anchors it."""
    views = entries_by_sha256(sha256)
    # Entries and the checkpoint covering them are committed together, and the
    # entries are read first, so the newest checkpoint covers every one of them.
    proofs = read.inclusion_proofs_newest([v.index for v in views])
    return [ProvenEntry(view=v, proof=proofs[v.index]) for v in views if v.index in proofs]


def entry_view(index: int) -> EntryView:
    """The integrated entry at `index`; raises read.NotFound."""
    return _views([read.entry_get(index)])[0]


def metadata_visible(view: EntryView, viewer: Viewer) -> dict[str, object] | None:
    """The record's metadata the viewer may see in full, or None (the public sees none)."""
    if view.record is None or view.kind is None or not viewer.sees_all_of(view):
        return None
    return visible_metadata(view.kind, view.record.metadata, Audience.COURT)


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
