"""Holes a review found in the log: SQLite's INSERT OR REPLACE, a production flush, deletions made in admin."""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from activities.models import Activity, Contributor, Person
from audit.models import ActionLogEntry
from audit.services import record
from tests.factories import ActivityFactory
from tests.test_staff_access import staff_client_with


@pytest.mark.skipif(connection.vendor != "sqlite", reason="INSERT OR REPLACE is SQLite's")
def test_sqlite_cannot_replace_an_entry(db):
    entry = record(action="certificate.revoked", obj=ActivityFactory())
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT OR REPLACE INTO audit_actionlogentry (id, at, actor_label, action, object_id, object_repr, "
            "changes, detail, user_agent) VALUES (%s, '2020-01-01', 'x', 'nothing.happened', '', '', '{}', '{}', '')",
            [entry.pk],
        )
    assert ActionLogEntry.objects.get(pk=entry.pk).action == "certificate.revoked"


def test_a_flush_outside_development_leaves_the_log_and_fails(db, settings):
    record(action="certificate.revoked", obj=ActivityFactory())
    settings.AUDIT_LOG_FLUSHABLE = False
    with pytest.raises(CommandError, match="couldn't be flushed"), transaction.atomic():
        call_command("flush", interactive=False, verbosity=0)
    assert ActionLogEntry.objects.filter(action="certificate.revoked").exists()
    assert Activity.objects.exists()  # the flush is one transaction: nothing else went either


class TestDeletionsInAdmin:
    def test_deleting_a_contributor_is_logged_before_the_row_goes(self, db):
        activity = ActivityFactory()
        contributor = Contributor.objects.create(
            activity=activity, person=Person.objects.create(full_name="Dr Ada Disclosed"), role="author"
        )
        client = staff_client_with("activities.delete_contributor", "activities.view_contributor")
        url = reverse("admin:activities_contributor_delete", args=[contributor.pk])
        assert client.post(url, {"post": "yes"}).status_code == 302
        entry = ActionLogEntry.objects.get(action="contributor.deleted")
        assert (entry.object_id, "Dr Ada Disclosed" in entry.detail["deleted"]) == (str(contributor.pk), True)

    def test_a_bulk_delete_logs_each_object(self, db):
        people = [Person.objects.create(full_name=f"Person {number}") for number in range(3)]
        client = staff_client_with("activities.delete_person", "activities.view_person")
        data = {"action": "delete_selected", "_selected_action": [p.pk for p in people], "post": "yes"}
        assert client.post(reverse("admin:activities_person_changelist"), data).status_code == 302
        assert ActionLogEntry.objects.filter(action="person.deleted").count() == 3
        assert not Person.objects.exists()
