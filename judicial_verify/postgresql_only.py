"""Running SQL in a migration on PostgreSQL only: the append-only triggers are written in plpgsql,
and the embedded SQLite default goes without them."""

from collections.abc import Callable

from django.apps.registry import Apps
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def postgresql_sql(sql: str) -> Callable[[Apps, BaseDatabaseSchemaEditor], None]:
    """A RunPython function that executes `sql` on PostgreSQL and does nothing elsewhere."""

    def run(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            # No parameters: plpgsql's % placeholders must reach the server as they are.
            schema_editor.execute(sql, params=None)

    return run
