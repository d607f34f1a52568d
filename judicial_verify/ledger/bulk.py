"""Inserting a batch of new rows: bulk_create, by COPY on PostgreSQL.

For a node's batch of 1,000 records, bulk_create spent most of its time in Python building
one INSERT of 3,000 to 9,000 placeholders and psycopg parsing it again (about 50 ms for the
records, 25 for the pending entries). COPY sends the same rows, prepared by the same fields,
and the database checks the same constraints and fires the same triggers as for INSERT.
"""

from collections.abc import Sequence

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model


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
    fields = list(meta.concrete_fields)
    columns = ", ".join(quote(str(f.column)) for f in fields)
    sql = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor:
        # The keys come from the table's own sequence, as INSERT would draw them.
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [quote(meta.db_table), meta.pk.column, len(objs)],
        )
        keys = sorted(key for (key,) in cursor.fetchall())
        for obj, key in zip(objs, keys, strict=True):
            obj.pk = key
        # Each field's methods looked up once, not once a value: a batch has 10,000 values.
        preps = [(f.pre_save, f.get_db_prep_save) for f in fields]
        with connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
            write = copy.write_row
            for obj in objs:
                write([prep(pre(obj, True), connection) for pre, prep in preps])
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
