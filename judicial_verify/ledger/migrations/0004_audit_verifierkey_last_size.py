"""VerifierKey.last_size: the size of the last checkpoint a retired key signed.

The append-only trigger on verifier keys (migration 0002) now lets an update
through only when it sets last_size where it was null and changes nothing
else, so a key's row is still never rewritten, and last_size is set once.
"""

from django.db import migrations, models

from judicial_verify.postgresql_only import postgresql_sql

INSTALL = """
CREATE FUNCTION ledger_verifierkey_retire_once() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.last_size IS NULL AND NEW.last_size IS NOT NULL
       AND NEW.id = OLD.id AND NEW.vkey = OLD.vkey AND NEW.key_id = OLD.key_id
       AND NEW.name = OLD.name AND NEW.first_used = OLD.first_used THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME;
END
$$ LANGUAGE plpgsql;

DROP TRIGGER ledger_verifierkey_append_only ON ledger_verifierkey;
CREATE TRIGGER ledger_verifierkey_append_only BEFORE UPDATE OR DELETE ON ledger_verifierkey
    FOR EACH ROW EXECUTE FUNCTION ledger_verifierkey_retire_once();
"""

UNINSTALL = """
DROP TRIGGER ledger_verifierkey_append_only ON ledger_verifierkey;
CREATE TRIGGER ledger_verifierkey_append_only BEFORE UPDATE OR DELETE ON ledger_verifierkey
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
DROP FUNCTION ledger_verifierkey_retire_once();
"""


class Migration(migrations.Migration):
    dependencies = [("ledger", "0003_entry_sha256_index_only")]

    operations = [
        migrations.AddField(
            model_name="verifierkey",
            name="last_size",
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.RunPython(postgresql_sql(INSTALL), postgresql_sql(UNINSTALL)),
    ]
