"""Records anchored through the real service and integrated into the log, for the read tests."""

from typing import Any

from judicial_verify.ledger.read import verifier_keys
from judicial_verify.records.services import AnchorItem, records_anchor
from judicial_verify.tlog.checkpoint import Checkpoint, parse_checkpoint
from judicial_verify.tlog.note import Verifier, open_note
from tests.anchoring import anchor as anchor_as
from tests.people import Actor, node_of, sha
from tests.publishing import integrate_and_publish


def anchor(actor: Actor, sha256: str, **options: Any) -> int:
    """Anchors one record as the actor's node and integrates it (tests.anchoring.anchor)."""
    return anchor_as(node_of(actor), sha256, **options)


def anchor_batches(actor: Actor, sizes: list[int]) -> None:
    """Grows an empty log in batches as the actor's node: checkpoints at these sizes only."""
    done = 0
    for size in sizes:
        items = [AnchorItem(kind="evidence", sha256=sha(f"doc {n}")) for n in range(done, size)]
        records_anchor(node=node_of(actor), items=items)
        integrate_and_publish()
        done = size


def signed_checkpoint(note: str) -> Checkpoint:
    """The checkpoint in a note, once its signature is checked with the published keys."""
    verifiers = [Verifier(vkey) for vkey in verifier_keys()]
    return parse_checkpoint(open_note(note.encode(), verifiers).text)
