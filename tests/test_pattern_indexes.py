"""Hash columns keep the index their look-ups use, and not PostgreSQL's LIKE 'prefix%' one."""

import pytest
from django.core.management import call_command
from django.db import connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

HASH_COLUMNS = [
    ("ledger_entry", "sha256"),
    ("records_record", "sha256"),
    ("records_record", "code_hash"),
]


def indexes(table: str, column: str) -> list[str]:
    """The definition of each index on exactly this column of this table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = %s"
            " AND indexdef LIKE %s ORDER BY indexname",
            [table, f"%({column}%)"],
        )
        return [d for (d,) in cursor.fetchall() if f"({column})" in d or f"({column} " in d]


def test_each_hash_column_has_one_plain_index() -> None:
    for table, column in HASH_COLUMNS:
        found = indexes(table, column)
        assert len(found) == 1, (table, column, found)
        assert "varchar_pattern_ops" not in found[0]
    assert "UNIQUE" in indexes("records_record", "code_hash")[0]


def test_the_migrations_reverse_to_the_pattern_indexes_and_back() -> None:
    try:
        call_command("migrate", "records", "0001", verbosity=0)
        call_command("migrate", "ledger", "0002", verbosity=0)
        for table, column in HASH_COLUMNS:
            found = indexes(table, column)
            assert len(found) == 2, (table, column, found)
            assert sum("varchar_pattern_ops" in d for d in found) == 1
    finally:
        call_command("migrate", verbosity=0)
    test_each_hash_column_has_one_plain_index()
