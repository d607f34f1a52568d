from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from judicial_verify.ledger.audit import AuditFailure
from judicial_verify.ledger.models import Entry
from judicial_verify.records import audit
from judicial_verify.records.audit import records_audit
from judicial_verify.records.credentials import node_create
from judicial_verify.records.models import Node, Record
from judicial_verify.records.services import AnchorItem, records_anchor
from tests.anchoring import CASE, CASE_NUMBER, TITLE, anchor
from tests.people import Actor, node_of, sha

pytestmark = pytest.mark.django_db


@pytest.fixture
def node(court: Actor) -> Node:
    return node_of(court)


def record_at(index: int) -> Record:
    return Record.objects.get(submission=Entry.objects.get(index=index).submission)


def failure_of_audit() -> AuditFailure:
    with pytest.raises(AuditFailure) as failure:
        records_audit()
    return failure.value


def test_it_passes_records_that_match_their_entries_or_pending_entries(node: Node) -> None:
    for n in range(3):
        anchor(node, sha(f"case {n}"))
    records_anchor(node=node, items=[AnchorItem(kind="case_file", sha256=sha("pending"))])
    assert records_audit() == 4


def test_it_names_a_record_whose_metadata_no_longer_matches_its_commitment(node: Node) -> None:
    anchor(node, sha("case 0"))
    index = anchor(node, sha("case 1"))
    record = record_at(index)
    Record.objects.filter(pk=record.pk).update(metadata={**CASE, "title": "another title"})
    failure = failure_of_audit()
    assert failure.what == f"record {record.pk} (entry {index})"
    assert "commitment" in failure.reason
    assert TITLE not in str(failure)
    assert "another title" not in str(failure)


def test_it_names_records_whose_submissions_were_swapped(node: Node) -> None:
    first, second = record_at(anchor(node, sha("case 0"))), record_at(anchor(node, sha("case 1")))
    Record.objects.filter(pk=first.pk).update(submission=-1)
    Record.objects.filter(pk=second.pk).update(submission=first.submission)
    Record.objects.filter(pk=first.pk).update(submission=second.submission)
    failure = failure_of_audit()
    assert failure.what == f"record {second.pk} (entry 0)"
    assert failure.reason == "document hash differs from the entry's"


def test_it_names_a_record_whose_kind_is_not_its_entrys(node: Node) -> None:
    index = anchor(node, sha("case 0"))
    Record.objects.filter(pk=record_at(index).pk).update(kind="evidence")
    failure = failure_of_audit()
    assert failure.what == f"record {record_at(index).pk} (entry {index})"
    assert failure.reason == "kind 'evidence' is not the entry's 'case_file'"


def test_it_names_a_record_whose_ref_is_not_its_entrys(node: Node) -> None:
    index = anchor(node, sha("case 0"))
    Record.objects.filter(pk=record_at(index).pk).update(ref=0)
    assert failure_of_audit().reason == "refers to entry 0, the entry to None"


def test_it_names_a_record_whose_node_is_not_its_entrys(node: Node) -> None:
    index = anchor(node, sha("case 0"))
    other, _ = node_create(code="other-court", name="Another court")
    Record.objects.filter(pk=record_at(index).pk).update(node=other)
    assert failure_of_audit().reason == "node 'other-court' is not the entry's 'court-a'"


def test_it_names_a_pending_record_that_differs_from_its_pending_entry(node: Node) -> None:
    item = AnchorItem(kind="case_file", sha256=sha("pending"), metadata=CASE)
    (anchored,) = records_anchor(node=node, items=[item])
    Record.objects.filter(pk=anchored.record.pk).update(sha256=sha("another"))
    failure = failure_of_audit()
    assert failure.what == (
        f"record {anchored.record.pk} (pending entry {anchored.record.submission})"
    )


def test_it_names_a_record_whose_submission_is_nowhere(node: Node) -> None:
    record = record_at(anchor(node, sha("case 0")))
    Record.objects.filter(pk=record.pk).update(submission=10**9)
    failure = failure_of_audit()
    assert failure.what == f"record {record.pk}"
    assert failure.reason == f"submission {10**9} is neither pending nor in the log"


def test_it_reads_records_a_chunk_at_a_time(node: Node, monkeypatch: pytest.MonkeyPatch) -> None:
    items = [AnchorItem(kind="case_file", sha256=sha(f"case {n}")) for n in range(7)]
    records_anchor(node=node, items=items)
    monkeypatch.setattr(audit, "CHUNK", 3)
    with CaptureQueriesContext(connection) as queries:
        assert records_audit() == 7
    table = connection.ops.quote_name(Record._meta.db_table)
    reads = [q["sql"] for q in queries.captured_queries if f"FROM {table}" in q["sql"]]
    assert len(reads) == 3
    assert all(sql.endswith("LIMIT 3") for sql in reads), reads


def test_the_command_checks_the_records_and_names_the_first_that_differs(node: Node) -> None:
    index = anchor(node, sha("case 0"))
    out = StringIO()
    call_command("audit_log", stdout=out)
    assert ", 1 records; root" in out.getvalue()
    record = record_at(index)
    Record.objects.filter(pk=record.pk).update(metadata={**CASE, "case_number": "(2026) other"})
    with pytest.raises(CommandError, match=f"record {record.pk} ") as failure:
        call_command("audit_log")
    assert CASE_NUMBER not in str(failure.value)
    assert "(2026) other" not in str(failure.value)
