"""records.rows: instances built from a statement's columns, as the ORM would build them."""

from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connections
from django.db.models import Model
from django.db.models.signals import post_init

from judicial_verify.records.models import Node, Record
from judicial_verify.records.rows import Columns

NODE_VALUES = {
    "id": 7,
    "code": "court-a",
    "name": "Court A",
    "type": "court",
    "suspended": False,
    "created": datetime(2026, 11, 27, 9, 0, tzinfo=UTC),
}
RECORD_VALUES = {"id": 3, "node": 7, "kind": "evidence", "sha256": "ab" * 32, "ref": None}


def values_of(columns: Columns[Any], values: dict[str, Any]) -> list[Any]:
    return [values[f.name] for f in columns.fields]


def orm_built(columns: Columns[Any], values: list[Any]) -> Model:
    db = connections["default"]
    built: Model = columns.model.from_db(db.alias, columns.attnames, values)
    return built


def state(instance: Model) -> tuple[dict[str, Any], set[str], bool, str | None]:
    fields = {k: v for k, v in vars(instance).items() if k != "_state"}
    return fields, instance.get_deferred_fields(), instance._state.adding, instance._state.db


@pytest.mark.parametrize(
    "columns",
    [
        Columns(Node, "n"),
        Columns(Node, "n", only=("code", "name", "type", "suspended")),
        Columns(Node, "n", only=("name",)),
        Columns(Record, "r", only=("node",)),
        Columns(Record, "r", only=("node", "kind", "sha256", "ref")),
    ],
    ids=lambda c: f"{c.model.__name__}{list(c.only)}",
)
def test_it_builds_the_instance_from_db_would_build(columns: Columns[Any]) -> None:
    values = values_of(columns, NODE_VALUES if columns.model is Node else RECORD_VALUES)
    assert columns.plain
    built = columns.build(values, connections["default"])
    assert built is not None
    assert state(built) == state(orm_built(columns, values))


def test_a_missing_row_builds_nothing() -> None:
    columns = Columns(Node, "n", only=("name",))
    assert columns.build([None, None], connections["default"]) is None


def test_with_a_receiver_listening_it_builds_through_the_orm() -> None:
    seen: list[Model] = []

    def receiver(sender: type[Model], instance: Model, **kwargs: Any) -> None:
        seen.append(instance)

    columns = Columns(Node, "n", only=("name",))
    post_init.connect(receiver, sender=Node)
    try:
        built = columns.build(values_of(columns, NODE_VALUES), connections["default"])
    finally:
        post_init.disconnect(receiver, sender=Node)
    assert seen == [built]
