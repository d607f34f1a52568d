"""Model instances out of one joined row of a plain SQL statement.

The public verification answer needs an entry, its record, the record's node
and the newest checkpoint with its key. The ORM would fetch them in four
queries, and building each query costs more Python than the database spends
answering it; one statement costs a fifth of that (benchmarks/bench_api.py).
This module lets such a statement select every column of several models and
turns each model's slice of a row back into an instance, converting values as
the ORM would (JSON, and datetimes and booleans on SQLite).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Generic, TypeVar

from django.db import connection
from django.db.models import Model

M = TypeVar("M", bound=Model)


Converter = Callable[[Any, Any, Any], Any]


@dataclass(frozen=True)
class Columns(Generic[M]):
    """Every concrete column of `model`, selected under the table alias `alias`."""

    model: type[M]
    alias: str

    def select(self) -> list[str]:
        quote = connection.ops.quote_name
        # A concrete field always has a column; the type allows None for the others.
        return [f"{self.alias}.{quote(str(f.column))}" for f in self.model._meta.concrete_fields]

    def __len__(self) -> int:
        return len(self.model._meta.concrete_fields)

    def build(self, values: Sequence[Any]) -> M | None:
        """The instance these values (in select() order) describe; None for a LEFT JOIN's
        missing row (a null primary key)."""
        meta = self.model._meta
        if values[meta.concrete_fields.index(meta.pk)] is None:
            return None
        converted = list(values)
        for at, converters, col in _converters(self.model, self.alias, connection.vendor):
            for convert in converters:
                converted[at] = convert(converted[at], col, connection)
        return self.model.from_db(
            connection.alias, [f.attname for f in meta.concrete_fields], converted
        )


@cache
def _converters(
    model: type[Model], alias: str, vendor: str
) -> list[tuple[int, list[Converter], Any]]:
    """The ORM's value converters for each column of `model` that has any, found once per
    database vendor: finding them cost more than the query they serve. The backend's
    converters depend on the vendor and the settings, never on one connection, so the
    first connection's serve every thread (each call still passes its own connection)."""
    found = []
    for at, field in enumerate(model._meta.concrete_fields):
        col = field.get_col(alias)
        converters = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        if converters:
            found.append((at, converters, col))
    return found


def split(row: Sequence[Any], parts: Sequence[Columns[Any]]) -> list[Model | None]:
    """Builds each part's instance from consecutive slices of `row`."""
    built, at = [], 0
    for part in parts:
        built.append(part.build(row[at : at + len(part)]))
        at += len(part)
    return built
