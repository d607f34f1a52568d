"""Records anchored through the real service, integrated and published at once: what the
read, portal and API tests start from."""

import secrets
from collections.abc import Mapping

from django.utils import timezone

from judicial_verify.ledger.integrate import log_integrate
from judicial_verify.ledger.models import Entry
from judicial_verify.ledger.submit import entries_submit
from judicial_verify.records.models import Node, Record
from judicial_verify.records.services import AnchorItem, records_anchor
from judicial_verify.tlog.entry import Entry as LogEntry
from judicial_verify.tlog.entry import format_entry_time, metadata_commitment
from tests.publishing import integrate_and_publish

CASE_NUMBER = "(2026) 京0105民初1号"
TITLE = "王某诉李某合同纠纷"
CASE = {"case_number": CASE_NUMBER, "title": TITLE, "parties": ["王某", "李某"]}


def anchor(
    node: Node,
    sha256: str,
    *,
    kind: str = "case_file",
    metadata: Mapping[str, object] = CASE,
    ref: int | None = None,
    content: str | None = None,
    pages: list[str] | None = None,
) -> int:
    """Anchors one record as `node`, integrates and publishes it, and returns its index."""
    item = AnchorItem(
        kind=kind, sha256=sha256, metadata=metadata, ref=ref, content=content, pages=pages
    )
    (anchored,) = records_anchor(node=node, items=[item])
    integrate_and_publish()
    return Entry.objects.get(submission=anchored.record.submission).index


def anchor_unpublished(
    node: Node,
    sha256: str,
    *,
    kind: str = "case_file",
    metadata: Mapping[str, object] = CASE,
    ref: int | None = None,
) -> int:
    """Anchors one record as `node` and integrates it, but publishes no checkpoint of it
    (the log has published one of everything before it); returns its index."""
    integrate_and_publish()
    item = AnchorItem(kind=kind, sha256=sha256, metadata=metadata, ref=ref)
    (anchored,) = records_anchor(node=node, items=[item])
    log_integrate()
    return Entry.objects.get(submission=anchored.record.submission).index


def anchor_behind_the_service(
    node: Node,
    sha256: str,
    *,
    kind: str,
    metadata: Mapping[str, object],
    ref: int | None = None,
) -> int:
    """Anchors one record as `node` without the service's checks, as a row written before a
    check existed, or by someone with database access, would be; returns its index."""
    salt = secrets.token_bytes(32)
    entry = LogEntry(
        kind=kind,
        sha256=sha256,
        node=node.code,
        time=format_entry_time(timezone.now()),
        meta=metadata_commitment(salt, dict(metadata)),
        ref=ref,
    )
    (submission,) = entries_submit(entries=[entry])
    Record.objects.create(
        node=node,
        kind=kind,
        sha256=sha256,
        ref=ref,
        metadata=dict(metadata),
        salt=salt,
        submission=submission,
    )
    integrate_and_publish()
    return Entry.objects.get(submission=submission).index
