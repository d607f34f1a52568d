"""instance_new and rows_insert do what Model(**values) and bulk_create do, faster."""

from datetime import timedelta
from typing import Any

import pytest
from django.db.models import Model
from django.db.models.signals import pre_init
from django.utils import timezone

from judicial_verify.ledger.bulk import instance_new, rows_insert
from judicial_verify.ledger.models import PendingEntry
from judicial_verify.records.models import Node, Record

VALUES: dict[str, Any] = {
    "kind": "evidence",
    "sha256": "ab" * 32,
    "ref": None,
    "metadata": {"title": "Exhibit 1"},
    "salt": bytes(range(32)),
}


def fields(obj: Model) -> dict[str, Any]:
    return {k: v for k, v in vars(obj).items() if k != "_state"}


def test_instance_new_makes_what_the_model_makes() -> None:
    made = instance_new(Record, node_id=7, **VALUES)
    expected = Record(node_id=7, **VALUES)
    assert type(made) is Record
    assert fields(made) == fields(expected)  # the values given, and every default
    assert (made._state.adding, made._state.db) == (True, None)
    assert made.pk is None
    assert made.code_hash is None
    assert made.created is None


def test_instance_new_makes_a_default_afresh_for_each_instance() -> None:
    given = {k: v for k, v in VALUES.items() if k != "metadata"}
    a, b = instance_new(Record, node_id=7, **given), instance_new(Record, node_id=7, **given)
    assert a.metadata == b.metadata == {}  # Record.metadata's default=dict
    assert a.metadata is not b.metadata
    assert fields(a) == fields(Record(node_id=7, **given))


def test_instance_new_refuses_what_the_model_lacks() -> None:
    with pytest.raises(TypeError, match="colour"):
        instance_new(Record, colour="red", **VALUES)


def test_instance_new_goes_through_the_model_for_whoever_listens() -> None:
    seen = []

    def listener(sender: type[Model], **kwargs: Any) -> None:
        seen.append(sender)

    pre_init.connect(listener)
    try:
        instance_new(PendingEntry, data=b"x", sha256="cd" * 32)
    finally:
        pre_init.disconnect(listener)
    assert seen == [PendingEntry]


@pytest.mark.django_db
def test_rows_insert_stores_what_bulk_create_stores() -> None:
    # On PostgreSQL rows_insert sends COPY with its own shortcuts for values of the plain
    # types; elsewhere it is bulk_create. Either way a row reads back as bulk_create's does.
    node = Node.objects.create(code="court-a", name="Court A")

    def records(first: int, submission: Any) -> list[Record]:
        made = [
            instance_new(Record, node_id=node.pk, **{**VALUES, "sha256": f"{first + i:064x}"})
            for i in range(3)
        ]
        made[0].submission = submission  # "7": a string for an integer column, converted
        made[1].submission, made[1].ref = first + 1, first  # a ref
        made[2].submission, made[2].code_hash = first + 2, f"{first:064x}"
        return made

    began = timezone.now()
    copied, created = records(100, "107"), records(200, "207")
    rows_insert(Record, copied)
    Record.objects.bulk_create(created)
    for a, b in zip(copied, created, strict=True):
        assert a.pk is not None
        assert not a._state.adding
        assert a._state.db == "default"
        stored_a = fields(Record.objects.get(pk=a.pk))
        stored_b = fields(Record.objects.get(pk=b.pk))
        assert began <= stored_a.pop("created") <= began + timedelta(minutes=1)
        stored_b.pop("created")
        for stored in (stored_a, stored_b):
            stored.pop("id")
            stored["salt"] = bytes(stored["salt"])
        offset = {"sha256", "submission", "ref", "code_hash"}  # numbered from 100 and 200
        assert {k: v for k, v in stored_a.items() if k not in offset} == {
            k: v for k, v in stored_b.items() if k not in offset
        }
        assert int(stored_a["sha256"], 16) + 100 == int(stored_b["sha256"], 16)
        assert stored_a["submission"] + 100 == stored_b["submission"]
        assert (stored_a["ref"] is None) == (stored_b["ref"] is None)
        assert (stored_a["code_hash"] is None) == (stored_b["code_hash"] is None)
    assert copied[0].created == Record.objects.get(pk=copied[0].pk).created  # stamped as stored


@pytest.mark.django_db
def test_rows_insert_gives_keys_in_the_order_given() -> None:
    rows = [instance_new(PendingEntry, data=bytes([i]), sha256=f"{i:064x}") for i in range(5)]
    rows_insert(PendingEntry, rows)
    keys = [row.pk for row in rows]
    assert keys == sorted(keys)
    stored = dict(PendingEntry.objects.values_list("pk", "sha256"))
    assert [stored[k] for k in keys] == [f"{i:064x}" for i in range(5)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "metadata",
    [
        {"case_number": "(2026)京0105民初1号", "parties": ["张三", "李四"]},  # written as UTF-8
        {"nested": {"list": [1, 2.5, True, None]}, "quote": 'a "b" \\ c\n'},
        {"big": 2**70},  # past 64 bits: orjson refuses, the field writes it
        {"1": "a key that looks like a number"},
    ],
)
def test_rows_insert_stores_json_as_the_field_would(metadata: dict[str, Any]) -> None:
    node = Node.objects.create(code="court-a", name="Court A")
    record = instance_new(Record, node_id=node.pk, **{**VALUES, "metadata": metadata}, submission=1)
    rows_insert(Record, [record])
    assert Record.objects.get(pk=record.pk).metadata == metadata
