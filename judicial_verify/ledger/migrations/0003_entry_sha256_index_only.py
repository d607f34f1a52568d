"""Entry.sha256 keeps its index and loses PostgreSQL's second one, for LIKE 'prefix%'.

db_index on a CharField gives PostgreSQL two indexes: the one look-ups by document hash
use, and one with varchar_pattern_ops for LIKE 'prefix%', which nothing here asks (the
admin's search is by substring, which neither serves). The field now declares its index
in Meta.indexes under the name it already has, so the database keeps that index as it
is, and only the pattern index is dropped. The table is not rebuilt.
"""

from django.db import migrations, models

from judicial_verify.pattern_indexes import PatternIndexes

PATTERN = PatternIndexes({"ledger_entry_sha256_fd686caa_like": ("ledger_entry", "sha256")})


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_append_only_guards")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="entry", name="sha256", field=models.CharField(max_length=64)
                ),
                migrations.AddIndex(
                    model_name="entry",
                    index=models.Index(fields=["sha256"], name="ledger_entry_sha256_fd686caa"),
                ),
            ],
            database_operations=[migrations.RunPython(PATTERN.drop, PATTERN.create)],
        )
    ]
