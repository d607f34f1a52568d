"""Database triggers that keep a mirror's copy append-only, as the ledger's own (ledger 0002).

Mirrored logs and their checkpoints can be neither updated nor deleted; a tile or entry
bundle can only grow at its right end (a partial one filling up; an entry bundle's bytes
are its entries' one after another, so it grows at the right too). PostgreSQL only, as the
ledger's; TRUNCATE is not guarded by row triggers.
"""

from django.db import migrations

from judicial_verify.postgresql_only import postgresql_sql

INSTALL = """
CREATE FUNCTION mirror_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the mirror is append-only: % on % refused', TG_OP, TG_TABLE_NAME;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER mirror_mirroredlog_append_only BEFORE UPDATE OR DELETE ON mirror_mirroredlog
    FOR EACH ROW EXECUTE FUNCTION mirror_refuse_change();
CREATE TRIGGER mirror_mirrorcheckpoint_append_only
    BEFORE UPDATE OR DELETE ON mirror_mirrorcheckpoint
    FOR EACH ROW EXECUTE FUNCTION mirror_refuse_change();

CREATE FUNCTION mirror_tile_grow_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.log_id <> OLD.log_id OR NEW.level <> OLD.level
       OR NEW.index <> OLD.index OR length(NEW.data) < length(OLD.data)
       OR substring(NEW.data FROM 1 FOR length(OLD.data)) <> OLD.data THEN
        RAISE EXCEPTION 'mirror tiles only grow: % on tile %/% of log % refused',
            TG_OP, OLD.level, OLD.index, OLD.log_id;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER mirror_tile_grow_only BEFORE UPDATE OR DELETE ON mirror_mirrortile
    FOR EACH ROW EXECUTE FUNCTION mirror_tile_grow_only();
"""

UNINSTALL = """
DROP TRIGGER mirror_tile_grow_only ON mirror_mirrortile;
DROP FUNCTION mirror_tile_grow_only();
DROP TRIGGER mirror_mirrorcheckpoint_append_only ON mirror_mirrorcheckpoint;
DROP TRIGGER mirror_mirroredlog_append_only ON mirror_mirroredlog;
DROP FUNCTION mirror_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("mirror", "0001_mirror_initial")]

    operations = [migrations.RunPython(postgresql_sql(INSTALL), postgresql_sql(UNINSTALL))]
