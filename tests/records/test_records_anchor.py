"""records_anchor and records_anchor_once: the service behind a node's submission."""

import threading
import time
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from judicial_verify.ledger.models import Entry
from judicial_verify.ledger.read import checkpoint_latest
from judicial_verify.records import services
from judicial_verify.records.models import Node, Record
from judicial_verify.records.services import AnchorItem, records_anchor, records_anchor_once
from tests.people import sha
from tests.publishing import integrate_and_publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def court() -> Node:
    return Node.objects.create(code="court-a", name="Court A")


def served_documents(node: Node, count: int) -> list[int]:
    items = [AnchorItem(kind="served_document", sha256=sha(f"summons {i}")) for i in range(count)]
    submissions = [a.record.submission for a in records_anchor(node=node, items=items)]
    integrate_and_publish()
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
    # Refs are checked against the newest checkpoint, which a process keeps once read.
    checkpoint_latest()
    assert queries_to_anchor_receipts(court, served[:1]) == queries_to_anchor_receipts(
        court, served[1:]
    )


def lock_waits() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        (count,) = cursor.fetchone()
    return int(count)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_retry_while_the_first_call_anchors_gets_the_first_call_s_answer() -> None:
    node = Node.objects.create(code="court-a", name="Court A")
    items = [AnchorItem(kind="evidence", sha256=sha(f"doc {i}")) for i in range(3)]
    anchored, release = threading.Event(), threading.Event()
    anchor = services.records_anchor

    def first_call_holds_on(**kwargs: Any) -> list[services.Anchored]:
        result = anchor(**kwargs)
        if not anchored.is_set():
            anchored.set()
            release.wait(timeout=30)
        return result

    answers: dict[str, list[int]] = {}
    errors: list[BaseException] = []

    def call(name: str) -> None:
        try:
            result = records_anchor_once(node=node, items=items, key="batch-1")
            answers[name] = [a.record.submission for a in result]
        except BaseException as e:  # noqa: BLE001 (re-raised in the main thread)
            errors.append(e)
        finally:
            connection.close()

    with mock.patch.object(services, "records_anchor", first_call_holds_on):
        first = threading.Thread(target=call, args=["first"])
        first.start()
        assert anchored.wait(timeout=30)
        second = threading.Thread(target=call, args=["second"])
        second.start()
        waited = time.monotonic() + 30
        while lock_waits() == 0 and time.monotonic() < waited:
            time.sleep(0.01)  # until the retry waits on the first call's rows
        release.set()
        first.join()
        second.join()
    if errors:
        raise errors[0]
    assert answers["second"] == answers["first"]
    assert Record.objects.count() == 3
