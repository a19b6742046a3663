"""Django's flush, able to empty the action log along with every other table.

The log's triggers (migration 0002) refuse DELETE and TRUNCATE, and flush uses
exactly those: DELETE on SQLite, TRUNCATE on PostgreSQL. Test teardown
(TransactionTestCase, pytest's transactional_db) and `manage.py flush` both run
this command, so it lifts the triggers inside the flush's own transaction and
puts them back before it commits: no other session ever sees the log unguarded,
and nothing but a deliberate "erase the whole database" can empty it. Only
where AUDIT_LOG_FLUSHABLE is on (DEBUG, the test suite): a production flush
meets the triggers and fails. Anyone
with the rights to run this could drop the triggers anyway; what the triggers
stop is the application, and every ordinary SQL session, rewriting history.
"""

from contextlib import contextmanager

from django.conf import settings
from django.core.management.commands import flush
from django.db import connections, transaction

from audit.models import ActionLogEntry


class Command(flush.Command):
    def handle(self, **options):
        if not settings.AUDIT_LOG_FLUSHABLE:
            # A production database keeps its log: the triggers make this flush fail, as they should.
            return super().handle(**options)
        connection = connections[options["database"]]
        flush_tables = connection.ops.execute_sql_flush

        def execute_sql_flush(sql_list):
            with transaction.atomic(using=connection.alias), _guard_lifted(connection):
                flush_tables(sql_list)

        # Only the flush statements run unguarded; the post_migrate signal that
        # follows (content types, permissions) runs with the triggers back in place.
        connection.ops.execute_sql_flush = execute_sql_flush
        try:
            return super().handle(**options)
        finally:
            del connection.ops.execute_sql_flush


@contextmanager
def _guard_lifted(connection):
    table = ActionLogEntry._meta.db_table
    with connection.cursor() as cursor:
        if table not in connection.introspection.table_names(cursor):
            yield
            return
        quoted = connection.ops.quote_name(table)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {quoted} DISABLE TRIGGER USER")
            yield
            cursor.execute(f"ALTER TABLE {quoted} ENABLE TRIGGER USER")
        elif connection.vendor == "sqlite":
            # SQLite cannot disable a trigger: each is dropped and recreated from its own stored SQL.
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table])
            triggers = cursor.fetchall()
            for name, _sql in triggers:
                cursor.execute(f"DROP TRIGGER {connection.ops.quote_name(name)}")
            yield
            for _name, sql in triggers:
                cursor.execute(sql)
        else:
            yield
