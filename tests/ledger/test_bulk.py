"""rows_insert stores what bulk_create stores: by COPY on PostgreSQL, bulk_create elsewhere."""

import traceback
from typing import Any

import pytest
from django.db import IntegrityError
from django.utils import timezone

from judicial_verify.ledger.bulk import rows_insert
from judicial_verify.ledger.models import PendingEntry
from judicial_verify.ledger.submit import PENDING_COPY
from judicial_verify.records.models import Node, Record
from judicial_verify.records.services import RECORD_COPY

pytestmark = pytest.mark.django_db


def record(node: Node, n: int, **values: Any) -> Record:
    given: dict[str, Any] = {
        "kind": "evidence",
        "sha256": f"{n:064x}",
        "metadata": {"title": "证据 1", "quote": 'a "b" \\ c'},
        "salt": bytes(range(32)),
        "submission": n,
        "created": timezone.now(),
    }
    return Record(node=node, **{**given, **values})


def stored(obj: Record) -> dict[str, object]:
    row = Record.objects.filter(pk=obj.pk).values().get()
    return {**row, "salt": bytes(row["salt"])}


def test_it_stores_records_as_bulk_create_does() -> None:
    node = Node.objects.create(code="court-a", name="Court A")
    copied = [record(node, 1), record(node, 2, ref=7, code_hash="ab" * 32)]
    created = [record(node, 3), record(node, 4, ref=7, code_hash="cd" * 32)]
    rows_insert(copied, into=RECORD_COPY)
    Record.objects.bulk_create(created)
    for a, b in zip(copied, created, strict=True):
        row_a, row_b = stored(a), stored(b)
        for differ in ("id", "sha256", "submission", "code_hash", "created"):
            row_a.pop(differ), row_b.pop(differ)
        assert row_a == row_b
    assert stored(copied[1])["code_hash"] == "ab" * 32
    assert stored(copied[0])["created"] == copied[0].created


def test_it_gives_keys_in_the_order_given() -> None:
    now = timezone.now()
    rows = [PendingEntry(data=bytes([i]), sha256=f"{i:064x}", submitted=now) for i in range(5)]
    rows_insert(rows, into=PENDING_COPY)
    keys = [row.pk for row in rows]
    assert keys == sorted(keys)
    assert len(set(keys)) == 5
    stored = dict(PendingEntry.objects.values_list("pk", "sha256"))
    assert [stored[k] for k in keys] == [f"{i:064x}" for i in range(5)]


def test_a_broken_constraint_is_django_s_integrity_error() -> None:
    node = Node.objects.create(code="court-a", name="Court A")
    rows_insert([record(node, 1)], into=RECORD_COPY)
    with pytest.raises(IntegrityError):
        rows_insert([record(node, 1)], into=RECORD_COPY)


def test_a_failed_row_s_values_stay_out_of_the_error() -> None:
    node = Node.objects.create(code="court-a", name="Court A")
    broken = record(node, 1, metadata={"title": "Zhang Secretparty"})
    broken.kind = None  # type: ignore[assignment]
    with pytest.raises(IntegrityError) as raised:
        rows_insert([broken], into=RECORD_COPY)
    assert "Secretparty" not in "".join(traceback.format_exception(raised.value))
