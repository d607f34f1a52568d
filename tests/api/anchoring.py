"""Records anchored through the real service and integrated into the log, for the read tests."""

from collections.abc import Mapping

from judicial_verify.ledger.integrate import log_integrate
from judicial_verify.ledger.models import Entry
from judicial_verify.ledger.read import verifier_keys
from judicial_verify.records.models import Node
from judicial_verify.records.services import AnchorItem, records_anchor
from judicial_verify.tlog.checkpoint import Checkpoint, parse_checkpoint
from judicial_verify.tlog.note import Verifier, open_note

from .conftest import Actor, sha

CASE = {"case_number": "(2026) 京0105民初1号", "title": "Wang v. Li", "parties": ["Wang", "Li"]}


def node_of(actor: Actor) -> Node:
    assert actor.node is not None
    return actor.node


def anchor(
    actor: Actor,
    sha256: str,
    *,
    kind: str = "case_file",
    metadata: Mapping[str, object] = CASE,
    ref: int | None = None,
) -> int:
    """Anchors one record as the actor's node, integrates it, and returns its index."""
    item = AnchorItem(kind=kind, sha256=sha256, metadata=metadata, ref=ref)
    (anchored,) = records_anchor(node=node_of(actor), items=[item])
    log_integrate()
    return Entry.objects.get(submission=anchored.record.submission).index


def anchor_batches(actor: Actor, sizes: list[int]) -> None:
    """Grows an empty log in batches as the actor's node: checkpoints at these sizes only."""
    done = 0
    for size in sizes:
        items = [AnchorItem(kind="evidence", sha256=sha(f"doc {n}")) for n in range(done, size)]
        records_anchor(node=node_of(actor), items=items)
        log_integrate()
        done = size


def signed_checkpoint(note: str) -> Checkpoint:
    """The checkpoint in a note, once its signature is checked with the published keys."""
    verifiers = [Verifier(vkey) for vkey in verifier_keys()]
    return parse_checkpoint(open_note(note.encode(), verifiers).text)
