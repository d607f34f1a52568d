"""Inserting a batch of new rows: by COPY on PostgreSQL, by bulk_create elsewhere.

For a node's batch of 1,000 records, bulk_create spends most of its time in Python building
one INSERT of thousands of placeholders, and psycopg parsing it again. COPY, through
psycopg's public Cursor.copy, sends the same rows, and the database checks the same
constraints and fires the same triggers as for INSERT.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import psycopg
from django.db import DatabaseError, connection
from django.db.models import Model

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class CopyInto(Generic[M]):
    """How COPY stores new instances of a model: `keys` draws %s primary keys from the
    table's sequence, as INSERT would; `copy` is the COPY ... FROM STDIN statement; `row`
    gives an instance's values in the order of `copy`'s columns."""

    keys: str
    copy: str
    row: Callable[[M], Sequence[object]]


def rows_insert(objs: Sequence[M], *, into: CopyInto[M]) -> None:
    """Inserts new, unsaved instances and sets their primary keys, ascending in the order
    given. Every field must have its value already (COPY runs no pre_save: a creation
    time is the caller's to set)."""
    if not objs:
        return
    if connection.vendor != "postgresql":
        type(objs[0])._default_manager.bulk_create(objs)
        return
    with connection.cursor() as cursor:
        cursor.execute(into.keys, [len(objs)])
        keys = sorted(key for (key,) in cursor.fetchall())
        for obj, key in zip(objs, keys, strict=True):
            obj.pk = key
        try:
            # Errors as Django's (IntegrityError and the rest), as for any other statement.
            with connection.wrap_database_errors, cursor.cursor.copy(into.copy) as copy:
                for obj in objs:
                    copy.write_row(into.row(obj))
        except DatabaseError as e:
            # PostgreSQL's detail and context of a failed row quote the row, metadata and
            # all, and the error of a failed request is logged: only its first line is kept.
            raise type(e)(f"{into.copy.partition(' (')[0]}: {_first_line(e)}") from None


def _first_line(error: DatabaseError) -> str:
    cause = error.__cause__
    if isinstance(cause, psycopg.Error) and cause.diag.message_primary:
        return cause.diag.message_primary
    return type(error).__name__
