"""Nobody changes or deletes an action log entry: not the ORM, not raw SQL; only a flush of the whole database."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from audit.models import ActionLogEntry, AppendOnlyError
from audit.services import record
from tests.factories import ActivityFactory


@pytest.fixture
def entry(db):
    return record(action="activity.changed", obj=ActivityFactory(), changes={"max_credits": ["1.00", "0.75"]})


def test_the_statements_below_name_the_logs_table():
    assert ActionLogEntry._meta.db_table == "audit_actionlogentry"


def unchanged(entry) -> bool:
    stored = ActionLogEntry.objects.get(pk=entry.pk)
    return (stored.action, stored.changes, stored.actor_label) == (entry.action, entry.changes, entry.actor_label)


class TestTheModel:
    def test_it_refuses_to_save_an_existing_entry(self, entry):
        entry.action = "activity.created"
        with pytest.raises(AppendOnlyError):
            entry.save()
        assert ActionLogEntry.objects.get(pk=entry.pk).action == "activity.changed"

    def test_it_refuses_to_delete_an_entry(self, entry):
        with pytest.raises(AppendOnlyError):
            entry.delete()
        assert ActionLogEntry.objects.filter(pk=entry.pk).exists()

    def test_querysets_refuse_update_and_delete(self, entry):
        with pytest.raises(AppendOnlyError):
            ActionLogEntry.objects.filter(pk=entry.pk).update(action="activity.created")
        with pytest.raises(AppendOnlyError):
            ActionLogEntry.objects.all().delete()
        with pytest.raises(AppendOnlyError):
            ActionLogEntry._base_manager.filter(pk=entry.pk).update(object_repr="rewritten")
        assert unchanged(entry)


class TestTheDatabase:
    """Raw SQL past the model: the triggers refuse it, on SQLite and on PostgreSQL."""

    @pytest.mark.parametrize(
        "statement",
        ["UPDATE audit_actionlogentry SET action = 'activity.created'",
         "UPDATE audit_actionlogentry SET actor_label = 'someone else'",
         "DELETE FROM audit_actionlogentry", "DELETE FROM audit_actionlogentry WHERE id = %s"],
    )  # fmt: skip
    def test_it_refuses_update_and_delete(self, entry, statement):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [entry.pk] if "%s" in statement else None)
        assert unchanged(entry)

    @pytest.mark.postgres_only
    @pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no TRUNCATE")
    def test_postgresql_refuses_truncate(self, transactional_db):
        # Committed first: in the inserting transaction PostgreSQL would refuse for pending FK checks instead.
        entry = record(action="activity.changed", obj=ActivityFactory())
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("TRUNCATE audit_actionlogentry CASCADE")
        assert unchanged(entry)

    def test_it_still_takes_new_entries(self, entry):
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM audit_actionlogentry")
            assert cursor.fetchone()[0] == 1
        record(action="activity.changed", obj=ActivityFactory())
        assert ActionLogEntry.objects.count() == 2


def test_a_flush_of_the_whole_database_empties_it_and_leaves_the_guard_in_place(transactional_db):
    """Test teardown and `manage.py flush` empty every table; the triggers are back once it commits."""
    record(action="activity.changed", obj=ActivityFactory())

    call_command("flush", interactive=False, verbosity=0)

    assert ActionLogEntry.objects.count() == 0
    entry = record(action="activity.changed", obj=ActivityFactory())
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_actionlogentry")
    assert ActionLogEntry.objects.filter(pk=entry.pk).exists()
