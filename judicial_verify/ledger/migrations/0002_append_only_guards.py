"""Database triggers that make the ledger append-only, whatever the code does.

Integrated entries, checkpoints and verifier keys can be neither updated nor
deleted; a tile can only grow at its right end (a partial tile filling up).
PostgreSQL only: it is where the ledger lives in production, while the
embedded SQLite default is a single-user demonstration whose test runs empty
tables with DELETE. TRUNCATE is not guarded by row triggers: the production
database role should not be granted it.
"""

from django.db import migrations

from judicial_verify.postgresql_only import postgresql_sql

INSTALL = """
CREATE FUNCTION ledger_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE OR DELETE ON ledger_entry
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_checkpoint_append_only BEFORE UPDATE OR DELETE ON ledger_checkpoint
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_verifierkey_append_only BEFORE UPDATE OR DELETE ON ledger_verifierkey
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();

CREATE FUNCTION ledger_tile_grow_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.level <> OLD.level OR NEW.index <> OLD.index
       OR length(NEW.data) < length(OLD.data)
       OR substring(NEW.data FROM 1 FOR length(OLD.data)) <> OLD.data THEN
        RAISE EXCEPTION 'ledger tiles only grow: % on tile %/% refused',
            TG_OP, OLD.level, OLD.index;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_tile_grow_only BEFORE UPDATE OR DELETE ON ledger_tile
    FOR EACH ROW EXECUTE FUNCTION ledger_tile_grow_only();
"""

UNINSTALL = """
DROP TRIGGER ledger_tile_grow_only ON ledger_tile;
DROP FUNCTION ledger_tile_grow_only();
DROP TRIGGER ledger_verifierkey_append_only ON ledger_verifierkey;
DROP TRIGGER ledger_checkpoint_append_only ON ledger_checkpoint;
DROP TRIGGER ledger_entry_append_only ON ledger_entry;
DROP FUNCTION ledger_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [migrations.RunPython(postgresql_sql(INSTALL), postgresql_sql(UNINSTALL))]
