"""Dropping, in a migration, the indexes PostgreSQL gets for LIKE 'prefix%' on a CharField.

Django gives a CharField with db_index or unique a second index on PostgreSQL, with
varchar_pattern_ops, for LIKE 'prefix%' and startswith. Where nothing asks that, the index
only costs inserts. Other databases get no such index: there is nothing to do there.
"""

from django.apps.registry import Apps
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


class PatternIndexes:
    """The pattern indexes to drop, by name: each with its table and column, to make it
    again when the migration is reversed."""

    def __init__(self, indexes: dict[str, tuple[str, str]]) -> None:
        self.indexes = indexes

    def drop(self, apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        quote = schema_editor.quote_name
        for name in self.indexes:
            schema_editor.execute(f"DROP INDEX IF EXISTS {quote(name)}")

    def create(self, apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        quote = schema_editor.quote_name
        for name, (table, column) in self.indexes.items():
            column_ops = f"{quote(column)} varchar_pattern_ops"
            schema_editor.execute(f"CREATE INDEX {quote(name)} ON {quote(table)} ({column_ops})")
