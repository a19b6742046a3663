"""The database refuses to change or delete an action log entry, whoever asks.

SQLite: BEFORE UPDATE and BEFORE DELETE triggers that abort, and a BEFORE
INSERT trigger refusing a row whose id is taken (INSERT OR REPLACE deletes the
old row without firing delete triggers). PostgreSQL: one
function raising an error, fired before each row's UPDATE or DELETE and before
a TRUNCATE (which fires no row trigger). Django's flush empties tables with
DELETE (SQLite) or TRUNCATE (PostgreSQL); audit's own flush command lifts these
triggers for its transaction only, so test teardown and `manage.py flush` still
work and nothing else can.
"""

from django.db import migrations

TABLE = "audit_actionlogentry"

SQLITE_CREATE = [
    f"""CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, 'The action log is append-only: its entries cannot be changed.'); END;""",
    f"""CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, 'The action log is append-only: its entries cannot be deleted.'); END;""",
    f"""CREATE TRIGGER {TABLE}_no_replace BEFORE INSERT ON {TABLE}
    WHEN EXISTS (SELECT 1 FROM {TABLE} WHERE id = NEW.id)
    BEGIN SELECT RAISE(ABORT, 'The action log is append-only: an entry cannot be replaced.'); END;""",  # noqa: S608 (a constant)
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {TABLE}_no_update;",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_delete;",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_replace;",
]

POSTGRESQL_CREATE = [
    """CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'The action log is append-only: % on % is refused.', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END;
    $$;""",
    f"""CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();""",
    f"""CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();""",
]
POSTGRESQL_DROP = [
    f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE};",
    f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE};",
    "DROP FUNCTION IF EXISTS audit_refuse_change();",
]


def _statements(vendor: str, *, create: bool) -> list[str]:
    if vendor == "sqlite":
        return SQLITE_CREATE if create else SQLITE_DROP
    if vendor == "postgresql":
        return POSTGRESQL_CREATE if create else POSTGRESQL_DROP
    # A database without the guard would let the log be rewritten unnoticed.
    raise NotImplementedError(
        f"The action log's append-only triggers are written for SQLite and PostgreSQL, not {vendor}."
    )


def create_triggers(apps, schema_editor):
    for statement in _statements(schema_editor.connection.vendor, create=True):
        schema_editor.execute(statement, params=None)


def drop_triggers(apps, schema_editor):
    for statement in _statements(schema_editor.connection.vendor, create=False):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers, elidable=False)]
