"""Records anchored through the real service and integrated into the log at once: what the
read, portal and API tests start from."""

from collections.abc import Mapping

from judicial_verify.ledger.integrate import log_integrate
from judicial_verify.ledger.models import Entry
from judicial_verify.records.models import Node
from judicial_verify.records.services import AnchorItem, records_anchor

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
) -> int:
    """Anchors one record as `node`, integrates it into the log, and returns its index."""
    item = AnchorItem(kind=kind, sha256=sha256, metadata=metadata, ref=ref)
    (anchored,) = records_anchor(node=node, items=[item])
    log_integrate()
    return Entry.objects.get(submission=anchored.record.submission).index
