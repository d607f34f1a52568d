"""The witness's unique text columns have one index each, the unique one, on PostgreSQL."""

import pytest
from django.db import connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def indexes(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = %s ORDER BY indexname", [table]
        )
        return [d for (d,) in cursor.fetchall()]


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("witness_witnessedlog", "origin"),
        ("witness_witnessedlog", "origin_hash"),
        ("witness_trustedkey", "vkey"),
    ],
)
def test_each_unique_text_column_has_only_its_unique_index(table: str, column: str) -> None:
    found = [d for d in indexes(table) if f"({column})" in d or f"({column} " in d]
    assert len(found) == 1, found
    assert "UNIQUE" in found[0]
    assert "pattern_ops" not in found[0]
