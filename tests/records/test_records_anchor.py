"""records_anchor and records_anchor_once: the service behind a node's submission."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from judicial_verify.ledger.integrate import log_integrate
from judicial_verify.ledger.models import Entry
from judicial_verify.records.models import Node
from judicial_verify.records.services import AnchorItem, records_anchor

from ..api.conftest import sha

pytestmark = pytest.mark.django_db


@pytest.fixture
def court() -> Node:
    return Node.objects.create(code="court-a", name="Court A")


def served_documents(node: Node, count: int) -> list[int]:
    items = [AnchorItem(kind="served_document", sha256=sha(f"summons {i}")) for i in range(count)]
    submissions = [a.record.submission for a in records_anchor(node=node, items=items)]
    log_integrate()
    indices = dict(Entry.objects.values_list("submission", "index"))
    return [indices[s] for s in submissions]


def queries_to_anchor_receipts(node: Node, refs: list[int]) -> int:
    items = [
        AnchorItem(kind="service_receipt", sha256=sha(f"receipt of {ref}"), ref=ref) for ref in refs
    ]
    with CaptureQueriesContext(connection) as queries:
        records_anchor(node=node, items=items)
    return len(queries)


def test_checking_a_batch_s_refs_takes_the_same_queries_for_any_number(court: Node) -> None:
    served = served_documents(court, 21)
    assert queries_to_anchor_receipts(court, served[:1]) == queries_to_anchor_receipts(
        court, served[1:]
    )
