"""Plain SQL for the busiest read: a statement run prepared, its rows back into models.

The public verification answer needs an entry, its record and the record's
node. The ORM would fetch them in separate queries, and building each query
cost more Python than the database spent answering it (benchmarks/bench_api.py).
This module lets one statement select columns of several models and turns each
model's slice of a row back into an instance, converting values as the ORM
would (JSON, and datetimes and booleans on SQLite). Fields not selected are
deferred, as with QuerySet.only(): reading one later costs a query.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any, Generic, TypeVar, cast

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init

from judicial_verify.ledger.bulk import stored_plainly
from judicial_verify.postgresql.base import DatabaseWrapper as PostgresWrapper

M = TypeVar("M", bound=Model)

Converter = Callable[[Any, Any, Any], Any]


@dataclass(frozen=True)
class Columns(Generic[M]):
    """Columns of `model` selected under the table alias `alias`: the fields named in
    `only` (the primary key always among them), in the model's order, or all of them."""

    model: type[M]
    alias: str
    only: tuple[str, ...] = ()

    @cached_property
    def fields(self) -> list["Field[Any, Any]"]:
        meta = self.model._meta
        wanted = {meta.pk.name, *self.only} if self.only else None
        return [f for f in meta.concrete_fields if wanted is None or f.name in wanted]

    def select(self) -> list[str]:
        quote = connection.ops.quote_name
        # A concrete field always has a column; the type allows None for the others.
        return [f"{self.alias}.{quote(str(f.column))}" for f in self.fields]

    @cached_property
    def attnames(self) -> frozenset[str]:
        # Model.from_db asks of each of the model's fields whether it is among these.
        return frozenset(f.attname for f in self.fields)

    @cached_property
    def pk_at(self) -> int:
        return self.fields.index(self.model._meta.pk)

    def __len__(self) -> int:
        return len(self.fields)

    @cached_property
    def attname_order(self) -> tuple[str, ...]:
        return tuple(f.attname for f in self.fields)

    @cached_property
    def plain(self) -> bool:
        """Whether the selected fields are stored plainly (ledger.bulk.stored_plainly)."""
        return stored_plainly(self.model, self.fields)

    def build(self, values: Sequence[Any], db: BaseDatabaseWrapper) -> M | None:
        """The instance these values (in select() order) read through `db` describe; None
        for a LEFT JOIN's missing row (a null primary key)."""
        if values[self.pk_at] is None:
            return None
        converted = list(values)
        for at, converters, col in _converters(self, db.vendor):
            for convert in converters:
                converted[at] = convert(converted[at], col, db)
        if not self.plain or pre_init.receivers or post_init.receivers:
            return self.model.from_db(db.alias, self.attnames, converted)
        # What from_db comes to for such fields when no receiver listens for an instance
        # being made: a state, and each value stored, the other fields left deferred.
        # Model.__init__ walks every field of the model to do it, and took four times as
        # long (tests/records/test_rows.py compares the two).
        new = self.model.__new__(self.model)
        new._state = ModelState()
        new._state.adding = False
        new._state.db = db.alias
        new.__dict__.update(zip(self.attname_order, converted, strict=True))
        return new


@cache
def _converters(columns: Columns[Any], vendor: str) -> list[tuple[int, list[Converter], Any]]:
    """The ORM's value converters for each selected column that has any, found once per
    database vendor: finding them cost more than the query they serve. The backend's
    converters depend on the vendor and the settings, never on one connection, so the
    first connection's serve every thread (each call still passes its own connection)."""
    found = []
    for at, field in enumerate(columns.fields):
        col = field.get_col(columns.alias)
        converters = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        if converters:
            found.append((at, converters, col))
    return found


def rows_fetch(db: BaseDatabaseWrapper, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Runs `sql` on `db` and returns its rows; on PostgreSQL as a prepared statement,
    planned once per connection (settings.py: nothing else is prepared). For statements
    whose best plan does not depend on the parameters' values.

    The caller passes the connection it looked up once (django.db.connections): each
    lookup goes through a context-local and costs a few microseconds."""
    if db.vendor != "postgresql":
        with db.cursor() as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall())
    # What Django does before any query: a kept connection checked, a closed one reopened.
    db.close_if_health_check_failed()
    db.ensure_connection()
    # Django's cursors bind parameters into the text, which makes every call a new
    # statement; this psycopg cursor binds them on the server, so the text repeats and
    # can be prepared. Django's error translation stays around it; its query log (kept
    # with DEBUG only) does not see it.
    raw = cast(PostgresWrapper, db).kept_cursor()
    with db.wrap_database_errors:
        raw.execute(sql, params, prepare=True)
        return raw.fetchall()


def split(
    row: Sequence[Any], parts: Sequence[Columns[Any]], db: BaseDatabaseWrapper
) -> list[Model | None]:
    """Builds each part's instance from consecutive slices of `row`, read through `db`."""
    built, at = [], 0
    for part in parts:
        built.append(part.build(row[at : at + len(part)], db))
        at += len(part)
    return built
