"""Record.sha256 and Record.code_hash keep their index and unique constraint and lose
PostgreSQL's second index on each, for LIKE 'prefix%'.

db_index and unique on a CharField give PostgreSQL, beside the index or constraint, an
index with varchar_pattern_ops for LIKE 'prefix%', which nothing here asks yet every
insert keeps up to date. The model now declares the index and the constraint in its Meta
under the names they already have, so the database keeps them as they are, and only the
pattern indexes are dropped. The table is not rebuilt.
"""

from django.db import migrations, models

from judicial_verify.pattern_indexes import PatternIndexes

PATTERN = PatternIndexes(
    {
        "records_record_sha256_e017e24a_like": ("records_record", "sha256"),
        "records_record_code_hash_5f36aa68_like": ("records_record", "code_hash"),
    }
)


class Migration(migrations.Migration):
    dependencies = [("records", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="record", name="sha256", field=models.CharField(max_length=64)
                ),
                migrations.AlterField(
                    model_name="record",
                    name="code_hash",
                    field=models.CharField(blank=True, max_length=64, null=True),
                ),
                migrations.AddIndex(
                    model_name="record",
                    index=models.Index(fields=["sha256"], name="records_record_sha256_e017e24a"),
                ),
                migrations.AddConstraint(
                    model_name="record",
                    constraint=models.UniqueConstraint(
                        fields=["code_hash"], name="records_record_code_hash_key"
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(PATTERN.drop, PATTERN.create)],
        )
    ]
