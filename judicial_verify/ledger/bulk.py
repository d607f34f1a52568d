"""Inserting a batch of new rows: bulk_create, by COPY on PostgreSQL.

For a node's batch of 1,000 records, bulk_create spent most of its time in Python building
one INSERT of 3,000 to 9,000 placeholders and psycopg parsing it again (about 50 ms for the
records, 25 for the pending entries). COPY sends the same rows, prepared by the same fields,
and the database checks the same constraints and fires the same triggers as for INSERT.

Making the instances and preparing their values then took as long as the COPY itself:
instance_new and the shortcuts of _column_values below do, for the fields these tables
use, what Model.__init__ and each field's pre_save and get_db_prep_save do, without their
general machinery (tests/ledger/test_bulk.py compares the two).
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, NamedTuple, TypeVar

import orjson
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    AutoField,
    BigAutoField,
    BigIntegerField,
    BinaryField,
    CharField,
    DateTimeField,
    Field,
    ForeignKey,
    IntegerField,
    JSONField,
    Model,
)
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init
from django.utils import timezone

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class _Blank:
    """A new instance's values before any is given: the same immutable ones (None or "")
    for every field without a default, and the fields whose default is made each time."""

    constant: dict[str, Any]
    made: tuple[tuple[str, "Field[Any, Any]"], ...]
    attnames: frozenset[str]


def stored_plainly(model: type[Model], fields: Iterable["Field[Any, Any]"]) -> bool:
    """Whether each of these fields of `model` is read and written through Django's plain
    deferred-loading attribute, which on an instance only stores the value in its
    __dict__: then storing the values there is all that Model.__init__ (and from_db) do
    with them."""
    return all(
        type(getattr(model, f.attname)) in (DeferredAttribute, ForeignKeyDeferredAttribute)
        for f in fields
    )


@cache
def _blank(model: type[Model]) -> _Blank | None:
    """What instance_new fills a new `model` with, if every concrete field is stored
    plainly; else None."""
    fields = model._meta.concrete_fields
    if not stored_plainly(model, fields):
        return None
    made = tuple((f.attname, f) for f in fields if f.has_default() or f.has_db_default())
    return _Blank(
        constant={f.attname: f.get_default() for f in fields if (f.attname, f) not in made},
        made=made,
        attnames=frozenset(f.attname for f in fields),
    )


def instance_new(model: type[M], **values: Any) -> M:
    """`model(**values)`, for values given by attname (`node_id`, not `node`).

    Where every field is plain and nobody listens for instances being made, the values
    (and each other field's default) are stored as Model.__init__ would store them, in a
    tenth of its time; otherwise it is Model.__init__ itself.
    """
    blank = _blank(model)
    if blank is None or pre_init.receivers or post_init.receivers:
        return model(**values)
    unknown = values.keys() - blank.attnames
    if unknown:
        raise TypeError(f"{model.__name__} has no fields {', '.join(sorted(unknown))}")
    new = model.__new__(model)
    new._state = ModelState()
    stored = new.__dict__
    stored.update(blank.constant)
    for name, field in blank.made:
        if name not in values:
            stored[name] = field.get_default()
    stored.update(values)
    return new


# Fields whose get_db_prep_save, on PostgreSQL, gives back a value of this type unchanged
# (after wrapping an int in a psycopg type of the column's width, which COPY does not need:
# its text format carries no type).
_AS_GIVEN: dict[type["Field[Any, Any]"], type] = {
    AutoField: int,
    BigAutoField: int,
    IntegerField: int,
    BigIntegerField: int,
    CharField: str,
    BinaryField: bytes,
}


class Stamp(NamedTuple):
    """The batch's time, and as COPY writes it."""

    time: datetime
    text: str


ColumnValue = Callable[[Model, Stamp, BaseDatabaseWrapper], Any]
_ABSENT = object()
_ORJSON_AS_JSON = (
    orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_SUBCLASS
)


def _column_value(field: "Field[Any, Any]") -> ColumnValue:
    """How to get the value COPY sends for `field` of an instance, given the batch's time
    and the connection."""
    name, pre, prep = field.attname, field.pre_save, field.get_db_prep_save
    stamped = type(field) is DateTimeField and (field.auto_now or field.auto_now_add)
    if stamped:
        # pre_save would stamp each row with its own timezone.now(); the batch is one
        # statement in one transaction, and gets one time, as a default of now() would.
        # On PostgreSQL an aware datetime is sent as it is, which COPY writes in ISO 8601.
        def value(obj: Model, stamp: Stamp, _db: BaseDatabaseWrapper) -> Any:
            setattr(obj, name, stamp.time)
            return stamp.text

        return value
    if type(field) is JSONField and field.encoder is None:
        # PostgreSQL gets a dict or list as psycopg's Jsonb of it, which sends the text
        # json.dumps makes of it, for the server to parse into jsonb; psycopg's dumper took
        # twice as long as json.dumps itself. orjson writes the same value in an eighth of
        # json's time (compact, and UTF-8 where json writes \u escapes: the same JSON to
        # the server). What orjson refuses goes the field's own way: integers past 64 bits,
        # keys that are not strings, lone surrogates, and, by the options, datetimes and
        # dataclasses (which json.dumps refuses) and subclasses of str, int, dict and list.
        def as_json(obj: Model, _stamp: Stamp, db: BaseDatabaseWrapper) -> Any:
            value = obj.__dict__.get(name, _ABSENT)
            if type(value) in (dict, list):
                try:
                    return orjson.dumps(value, option=_ORJSON_AS_JSON).decode()
                except orjson.JSONEncodeError:
                    pass
            return prep(pre(obj, True), db)

        return as_json
    target = field.target_field if isinstance(field, ForeignKey) else field
    given = _AS_GIVEN.get(type(target)) if type(field) in (*_AS_GIVEN, ForeignKey) else None
    if given is None:
        return lambda obj, _stamp, db: prep(pre(obj, True), db)

    def as_given(obj: Model, _stamp: Stamp, db: BaseDatabaseWrapper) -> Any:
        value = obj.__dict__.get(name, _ABSENT)
        if value is None or type(value) is given:
            return value
        return prep(pre(obj, True), db)  # "7" for an integer, say: converted as ever

    return as_given


@cache
def _column_values(model: type[Model]) -> list[ColumnValue]:
    return [_column_value(f) for f in model._meta.concrete_fields]


def rows_insert(model: type[Model], objs: Sequence[Model]) -> None:
    """Inserts new, unsaved instances of `model` and sets their primary keys, as bulk_create
    does (on PostgreSQL: in the order given, ascending)."""
    if not objs:
        return
    # The connection itself, not django.db.connection: that proxy looks the connection up
    # again on every attribute read, and each of the batch's values reads it.
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objs)
        return
    meta = model._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(f.column)) for f in meta.concrete_fields)
    sql = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN"
    values = _column_values(model)
    now = timezone.now()
    stamp = Stamp(now, now.isoformat())
    with connection.cursor() as cursor:
        # The keys come from the table's own sequence, as INSERT would draw them.
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [quote(meta.db_table), meta.pk.column, len(objs)],
        )
        keys = sorted(key for (key,) in cursor.fetchall())
        for obj, key in zip(objs, keys, strict=True):
            obj.pk = key
        with connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
            write = copy.write_row
            for obj in objs:
                write([value(obj, stamp, connection) for value in values])
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
