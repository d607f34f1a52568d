"""Reading records: ledger entries (through ledger.read, the ledger's one door) joined with
what the records app knows of them."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Q

from judicial_verify.ledger import read
from judicial_verify.tlog.entry import Entry

from .codes import CodeError, code_hash, code_normalize
from .kinds import KINDS, Audience, RecordKind, visible_metadata
from .models import Node, Profile, Record

# The records of a verification's entries with their nodes, in one statement, without the
# metadata and salt the public never sees (metadata_visible reads them for whom may).
RECORDS_WITH_NODES = """
SELECT r.id, r.node_id, r.kind, r.sha256, r.ref, r.submission, r.content,
       n.id, n.code, n.name, n.type
FROM records_record AS r JOIN records_node AS n ON n.id = r.node_id
WHERE r.submission IN ({submissions})
"""
# The columns each model gets from a row, in the order of the model's fields (as from_db
# needs them); the fields left out are deferred.
_RECORD_FIELDS = ("id", "node_id", "kind", "sha256", "ref", "submission", "content")
_NODE_FIELDS = ("id", "code", "name", "type")


def _records_verified(submissions: Sequence[int]) -> dict[int, Record]:
    """The records of these submissions, each with its node, by submission id."""
    if not submissions:  # "IN ()" is no SQL
        return {}
    placeholders = ", ".join(["%s"] * len(submissions))
    with connection.cursor() as cursor:
        cursor.execute(RECORDS_WITH_NODES.format(submissions=placeholders), submissions)
        rows = cursor.fetchall()
    found = {}
    for row in rows:
        record = Record.from_db(connection.alias, _RECORD_FIELDS, row[: len(_RECORD_FIELDS)])
        record.node = Node.from_db(connection.alias, _NODE_FIELDS, row[len(_RECORD_FIELDS) :])
        found[record.submission] = record
    return found


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


def judge_court(*, user: AbstractBaseUser | AnonymousUser) -> Node | None:
    """The court `user` is a judge of; None for anyone else, signed in or not."""
    if not user.is_authenticated:
        return None
    profile = (
        Profile.objects.select_related("court")
        .filter(user__pk=user.pk, role=Profile.Role.JUDGE)
        .first()
    )
    return profile.court if profile else None


def person_role(*, user: AbstractBaseUser | AnonymousUser) -> str | None:
    """What `user` is to the portal: Profile.Role.JUDGE or LAWYER; None for anyone else."""
    if not user.is_authenticated:
        return None
    role: str | None = (
        Profile.objects.filter(user__pk=user.pk).values_list("role", flat=True).first()
    )
    return role


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


def _records_of(stored: Sequence[read.StoredEntry]) -> dict[int, Record]:
    """The records of these entries with their nodes, by submission id."""
    records = Record.objects.select_related("node")
    return records.in_bulk([s.submission for s in stored], field_name="submission")


def _describes(record: Record, entry: Entry) -> bool:
    """Whether the record says what its entry's bytes do: a record row that does not is no
    ground for anyone to see metadata, or a receipt to count."""
    return (record.node.code, record.kind, record.sha256, record.ref, record.content) == (
        entry.node,
        entry.kind,
        entry.sha256,
        entry.ref,
        entry.content,
    )


def _views(
    stored: Sequence[read.StoredEntry], records: Mapping[int, Record] | None = None
) -> list[EntryView]:
    """Views of stored entries, with their `records` (by submission id) if the caller has
    them already."""
    if records is None:
        records = _records_of(stored)
    # A record brings its node; an entry without one names its node by code only.
    nodes = {r.node.code: r.node for r in records.values()}
    if missing := {s.entry.node for s in stored} - nodes.keys():
        nodes |= Node.objects.in_bulk(missing, field_name="code")
    for s in stored:
        record = records.get(s.submission)
        if record is not None and not _describes(record, s.entry):
            raise read.integrity_alarm(
                f"record of entry {s.index}", "its node, kind, document or ref is not the entry's"
            )
    return [
        EntryView(
            index=s.index,
            data=s.data,
            entry=s.entry,
            record=records.get(s.submission),
            node=nodes.get(s.entry.node),
        )
        for s in stored
    ]


@dataclass(frozen=True)
class ProvenEntry:
    """An entry with its inclusion proof in a signed checkpoint."""

    view: EntryView
    proof: read.InclusionProof


@dataclass(frozen=True)
class Verification:
    """What the log says of a document: every entry anchoring it, oldest first, each with
    its inclusion proof in the newest checkpoint (none: not anchored), and the log's
    verifier keys, newest first, to check the checkpoint with."""

    entries: list[ProvenEntry]
    verifier_keys: tuple[str, ...]


def verification_by_sha256(sha256: str) -> Verification:
    """Public verification of a document by its SHA-256 (hex, lower case)."""
    try:
        # Only entries this checkpoint covers, so each has a proof in it.
        checkpoint, stored = read.anchoring_entries(sha256)
    except read.NotFound:  # an empty log: nothing is anchored, and no key has signed
        return Verification(entries=[], verifier_keys=())
    keys = tuple(read.verifier_keys_as_of(checkpoint))
    if not stored:
        return Verification(entries=[], verifier_keys=keys)
    views = _views(stored, _records_verified([s.submission for s in stored]))
    proofs = read.inclusion_proofs(checkpoint, stored)
    return Verification(
        entries=[ProvenEntry(view=v, proof=proofs[v.index]) for v in views],
        verifier_keys=keys,
    )


def entry_view(index: int) -> EntryView:
    """The integrated entry at `index`; raises read.NotFound."""
    return _views([read.entry_get(index)])[0]


def proven_entry(index: int) -> ProvenEntry:
    """The integrated entry at `index` with its inclusion proof in the newest checkpoint;
    raises read.NotFound."""
    return ProvenEntry(view=entry_view(index), proof=read.inclusion_proof_published(index))


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
    record = Record.objects.select_related("node").filter(code_hash=code_hash(canonical)).first()
    if record is None:
        return None
    stored = read.entries_of_submissions([record.submission])
    return _views(stored, {record.submission: record})[0] if stored else None


def receipts_of(view: EntryView) -> list[EntryView]:
    """Receipts of service anchored for a served document, oldest first: only those its own
    node recorded. Another node may not acknowledge a court's document, and a receipt row
    that does (written before submissions were refused, or behind the service's back)
    counts for nothing."""
    document = view.record
    if document is None:
        return []
    receipts = Record.objects.select_related("node").filter(
        kind="service_receipt", ref=view.index, node=document.node_id
    )
    by_submission = {r.submission: r for r in receipts}
    return _views(read.entries_of_submissions(list(by_submission)), by_submission)


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
    records = Record.objects.select_related("node").filter(matches, node=court)
    found = {r.submission: r for r in records.order_by("created", "pk")[:limit]}
    views = {
        v.record.submission: v
        for v in _views(read.entries_of_submissions(list(found)), found)
        if v.record
    }
    return [CourtRecord(record=r, view=views.get(s)) for s, r in found.items()]


def verification_by_content(content: str) -> Verification:
    """Public verification of a copy by its content fingerprint (pdf-text/v1:<hex>): every
    published entry whose `content` it is, oldest first, with proofs in the newest
    checkpoint. The records' index finds them; each entry's own bytes decide."""
    records = Record.objects.select_related("node").defer("metadata", "salt", "pages")
    found = {r.submission: r for r in records.filter(content=content)}
    stored = [s for s in read.entries_of_submissions(list(found)) if s.entry.content == content]
    if not stored:
        return Verification(entries=[], verifier_keys=tuple(read.verifier_keys()))
    checkpoint = read.checkpoint_latest()
    proofs = read.inclusion_proofs(checkpoint, stored)
    views = [v for v in _views(stored, found) if v.index in proofs]
    return Verification(
        entries=[ProvenEntry(view=v, proof=proofs[v.index]) for v in views],
        verifier_keys=tuple(read.verifier_keys_as_of(checkpoint)),
    )
