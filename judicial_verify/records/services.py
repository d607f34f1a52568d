"""Anchoring records: what a node submits becomes records here and entries in the ledger.

One call takes a node's whole batch in one transaction: each item is checked,
matched against what the node already anchored (same kind, document and
referenced entry: the existing record comes back and no leaf is added), and
the new ones are stored with their salted metadata and submitted to the
ledger together.
"""

import hashlib
import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from judicial_verify.ledger import read
from judicial_verify.ledger.bulk import CopyInto, rows_insert
from judicial_verify.ledger.submit import entries_submit
from judicial_verify.tlog.entry import (
    SHA256_HEX,
    Entry,
    format_entry_time,
    metadata_commitment,
)
from judicial_verify.tlog.errors import EntryError, MalformedError
from judicial_verify.tlog.fingerprint import (
    MAX_PAGES,
    ContentFingerprint,
    check_pages,
    parse_content,
)

from .codes import code_from_secret, code_hash
from .kinds import KINDS, MetadataError, metadata_clean
from .models import NODE_CODE, IdempotencyKey, Node, Record

MAX_BATCH = 1000
SALT_BYTES = 32

RECORD_COPY = CopyInto[Record](
    keys="SELECT nextval(pg_get_serial_sequence('records_record', 'id'))"
    " FROM generate_series(1, %s)",
    copy="COPY records_record"
    " (id, node_id, kind, sha256, ref, metadata, salt, submission, code_hash, created,"
    " content, pages)"
    " FROM STDIN",
    row=lambda r: (
        r.pk,
        r.node_id,
        r.kind,
        r.sha256,
        r.ref,
        json.dumps(r.metadata, ensure_ascii=False, separators=(",", ":")),
        r.salt,
        r.submission,
        r.code_hash,
        r.created,
        r.content,
        r.pages,
    ),
)


class AnchorError(ValueError):
    """An item that cannot be anchored: `item` is its position, `field` the culprit."""

    def __init__(self, message: str, *, item: int | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.item = item
        self.field = field


class RefNotFound(AnchorError):
    """An item whose ref names no entry of the log."""


class RefForbidden(AnchorError):
    """An item whose ref names an entry this node may not refer to (another node's)."""


class RefWrongKind(AnchorError):
    """An item whose ref names an entry of a kind it may not refer to."""


class PagesMismatch(AnchorError):
    """An item whose page fingerprints do not make up its content fingerprint."""


class IdempotencyConflict(ValueError):
    """An Idempotency-Key reused with a different batch."""


@dataclass(frozen=True, slots=True)
class AnchorItem:
    """One record to anchor. `content` is the document's content fingerprint
    (pdf-text/v1:<hex>) where it has one, `pages` its page fingerprints (hex) if known."""

    kind: str
    sha256: str
    metadata: Mapping[str, object] = field(default_factory=dict)
    ref: int | None = None
    content: str | None = None
    pages: Sequence[str] | None = None

    @classmethod
    def of_document(
        cls, *, kind: str, sha256: str, fingerprint: ContentFingerprint | None, ref: int | None
    ) -> "AnchorItem":
        """The item of a document whose fingerprint was computed here (None: not a PDF)."""
        if fingerprint is None or fingerprint.content is None:
            return cls(kind=kind, sha256=sha256, ref=ref)
        return cls(
            kind=kind,
            sha256=sha256,
            ref=ref,
            content=fingerprint.content,
            pages=fingerprint.pages_hex(),
        )


@dataclass(frozen=True, slots=True)
class Anchored:
    """One anchored item: its record, and whether this call created it."""

    record: Record
    created: bool


def record_code(record: Record) -> str | None:
    """Returns the verification code of a served document, recomputed from the server's secret.

    Codes are derived, not stored, so a node can fetch one again; None if the
    kind issues no code or the secret changed since (the stored hash disagrees).
    """
    if record.code_hash is None:
        return None
    code = _derived_code(record.submission)
    return code if code_hash(code) == record.code_hash else None


def _derived_code(submission: int) -> str:
    # Keyed by SECRET_KEY: unguessable without it, and the same every time with it.
    return code_from_secret(salted_hmac("judicial_verify.records.code", str(submission)).digest())


def _check_item(index: int, item: AnchorItem) -> dict[str, object]:
    kind = KINDS.get(item.kind)
    if kind is None:
        raise AnchorError(
            f"unknown kind; known kinds: {', '.join(sorted(KINDS))}", item=index, field="kind"
        )
    if not SHA256_HEX.fullmatch(item.sha256):
        raise AnchorError("must be 64 lower-case hex digits", item=index, field="sha256")
    if kind.needs_ref and item.ref is None:
        raise AnchorError(
            f"a {kind.code} must name the entry it refers to", item=index, field="ref"
        )
    _check_content(index, item)
    try:
        return metadata_clean(kind, item.metadata)
    except MetadataError as e:
        where = "metadata" if e.field is None else f"metadata.{e.field}"
        raise AnchorError(str(e), item=index, field=where) from None


def _check_content(index: int, item: AnchorItem) -> None:
    if item.content is None:
        if item.pages is not None:
            raise PagesMismatch("page fingerprints come with a content", item=index, field="pages")
        return
    try:
        parse_content(item.content)
    except MalformedError as e:
        raise AnchorError(str(e), item=index, field="content") from None
    if item.pages is not None:
        if not 1 <= len(item.pages) <= MAX_PAGES or not all(
            isinstance(page, str) and SHA256_HEX.fullmatch(page) for page in item.pages
        ):
            raise AnchorError(
                f"must be 1 to {MAX_PAGES} page fingerprints, 64 lowercase hex digits each",
                item=index,
                field="pages",
            )
        try:
            check_pages(item.content, item.pages)
        except MalformedError as e:
            raise PagesMismatch(str(e), item=index, field="pages") from None


def _check_refs(node: Node, items: Sequence[AnchorItem]) -> None:
    """Checks every item's ref names an entry of this node, of the kind it must be.

    A ref binds the new leaf to another: a receipt of service acknowledges a served
    document, and only the node that served it may record that. An entry of another node is
    refused for every kind, with RefForbidden.
    """
    targets = read.entries_at(sorted({item.ref for item in items if item.ref is not None}))
    for index, item in enumerate(items):
        if item.ref is None:
            continue
        stored = targets.get(item.ref)
        if stored is None:
            raise RefNotFound(f"no entry at index {item.ref}", item=index, field="ref")
        target = stored.entry
        if target.node != node.code:
            raise RefForbidden(
                f"entry {item.ref} was anchored by another node; a node refers only to its own",
                item=index,
                field="ref",
            )
        ref_kind = KINDS[item.kind].ref_kind
        if ref_kind and target.kind != ref_kind:
            raise RefWrongKind(
                f"entry {item.ref} is a {target.kind}, not a {ref_kind}", item=index, field="ref"
            )


def _existing(node: Node, items: Sequence[AnchorItem]) -> dict[tuple[str, str, int | None], Record]:
    # The node's records of these documents, matched on (kind, sha256, ref) here: an OR of one
    # Q per item is slow to build for a batch of 1,000.
    wanted = {(item.kind, item.sha256, item.ref) for item in items}
    found = Record.objects.filter(node=node, sha256__any={item.sha256 for item in items})
    return {key: r for r in found if (key := (r.kind, r.sha256, r.ref)) in wanted}


def _new_record(
    node: Node, item: AnchorItem, metadata: dict[str, object], now: datetime, salt: bytes
) -> tuple[Record, Entry]:
    entry = Entry(
        kind=item.kind,
        sha256=item.sha256,
        node=node.code,
        time=format_entry_time(now),
        meta=metadata_commitment(salt, metadata),
        ref=item.ref,
        content=item.content,
    )
    record = Record(
        node=node,
        kind=item.kind,
        sha256=item.sha256,
        ref=item.ref,
        metadata=metadata,
        salt=salt,
        created=now,
        content=item.content,
        pages=None if item.pages is None else b"".join(bytes.fromhex(p) for p in item.pages),
    )
    return record, entry


def records_anchor(*, node: Node, items: Sequence[AnchorItem]) -> list[Anchored]:
    """Anchors a node's batch (1 to MAX_BATCH items), idempotently; raises AnchorError."""
    if node.suspended:
        raise AnchorError(f"node {node.code} is suspended")
    if not 1 <= len(items) <= MAX_BATCH:
        raise AnchorError(f"a batch holds 1 to {MAX_BATCH} records")
    cleaned = [_check_item(i, item) for i, item in enumerate(items)]
    _check_refs(node, items)
    try:
        with transaction.atomic():
            return _anchor(node, items, cleaned)
    except IntegrityError:
        # A concurrent call anchored some of the same records first: now they exist.
        with transaction.atomic():
            return _anchor(node, items, cleaned)


def _anchor(
    node: Node, items: Sequence[AnchorItem], cleaned: list[dict[str, object]]
) -> list[Anchored]:
    existing = _existing(node, items)
    now = timezone.now()
    # One read of the system's random source for the whole batch, not one a record.
    salts = secrets.token_bytes(SALT_BYTES * len(items))
    results: list[Anchored | None] = []
    new: dict[tuple[str, str, int | None], tuple[Record, Entry]] = {}
    for at, (item, metadata) in enumerate(zip(items, cleaned, strict=True)):
        key = (item.kind, item.sha256, item.ref)
        if key in existing:
            results.append(Anchored(existing[key], created=False))
        else:
            if key not in new:
                salt = salts[at * SALT_BYTES : (at + 1) * SALT_BYTES]
                new[key] = _new_record(node, item, metadata, now, salt)
            results.append(None)
    if new:
        pairs = list(new.values())
        submissions = entries_submit(entries=[entry for _, entry in pairs])
        for (record, _), submission in zip(pairs, submissions, strict=True):
            record.submission = submission
            if KINDS[record.kind].issues_code:
                record.code_hash = code_hash(_derived_code(submission))
        rows_insert([record for record, _ in pairs], into=RECORD_COPY)
    return [
        result or Anchored(new[(item.kind, item.sha256, item.ref)][0], created=True)
        for result, item in zip(results, items, strict=True)
    ]


def request_fingerprint(items: Sequence[AnchorItem]) -> str:
    """Returns a hash of a batch, to tell a retry from a different batch under one key."""
    # An item without a content fingerprint hashes as it did before there were any, so a
    # retry of a batch stored then is still recognised.
    canon = json.dumps(
        [
            [i.kind, i.sha256, dict(i.metadata), i.ref]
            + ([] if i.content is None else [i.content, list(i.pages or [])])
            for i in items
        ],
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(canon.encode()).hexdigest()


def records_anchor_once(*, node: Node, items: Sequence[AnchorItem], key: str) -> list[Anchored]:
    """Anchors under an Idempotency-Key: a retry of the same batch gets the same records.

    The key is claimed first, in the batch's transaction: a retry that arrives while the
    first call is still anchoring waits on the claim's row, then reads its answer.
    """
    fingerprint = request_fingerprint(items)
    with transaction.atomic():
        try:
            with transaction.atomic():
                claim = IdempotencyKey.objects.create(
                    node=node, key=key, request_hash=fingerprint, submissions=[]
                )
        except IntegrityError:
            claim = None  # claimed before, by a call that has committed since
        if claim is not None:
            anchored = records_anchor(node=node, items=items)
            claim.submissions = [a.record.submission for a in anchored]
            claim.save(update_fields=["submissions"])
            return anchored
    seen = IdempotencyKey.objects.get(node=node, key=key)
    if seen.request_hash != fingerprint:
        raise IdempotencyConflict("this Idempotency-Key was used for a different batch")
    records = Record.objects.in_bulk(seen.submissions, field_name="submission")
    return [Anchored(records[s], created=False) for s in seen.submissions]


def documents_anchor(
    *,
    kind: str,
    sha256s: Sequence[str],
    node: str,
    ref: int | None = None,
    fingerprints: Sequence[ContentFingerprint | None] | None = None,
) -> list[int]:
    """Anchors documents for a node by code, without metadata (operator commands); returns
    submission ids. `fingerprints`, one per document where given, are their content
    fingerprints (None for a document that is not a PDF)."""
    try:
        NODE_CODE(node)
    except ValidationError:
        raise AnchorError(f"node code {node!r}: {NODE_CODE.message}") from None
    node_row, _ = Node.objects.get_or_create(code=node, defaults={"name": node})
    items = [
        AnchorItem.of_document(kind=kind, sha256=sha256, fingerprint=fingerprint, ref=ref)
        for sha256, fingerprint in zip(sha256s, fingerprints or [None] * len(sha256s), strict=True)
    ]
    try:
        anchored = records_anchor(node=node_row, items=items)
    except EntryError as e:
        raise AnchorError(str(e)) from None
    return [a.record.submission for a in anchored]
