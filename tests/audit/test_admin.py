"""Staff read the action log in admin, filtered by object, user and date; nobody changes it there."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity
from audit.models import ActionLogEntry
from audit.services import record
from tests.audit.conftest import client_for
from tests.factories import ActivityFactory, UserFactory
from tests.test_staff_access import staff_client_with

LIST = reverse("admin:audit_actionlogentry_changelist")


@pytest.fixture
def log(staff_user):
    """Three entries: two activities edited by staff, one of them a month ago, and a system import."""
    adjuvant, metastatic = ActivityFactory(title="Adjuvant update"), ActivityFactory(title="Metastatic update")
    edited = record(action="activity.changed", obj=adjuvant, actor=staff_user,
                    changes={"max_credits": ["1.00", "0.75"], "body": ["Old text.", None]})  # fmt: skip
    old = record(action="activity.changed", obj=metastatic, actor=staff_user)
    # Entries cannot be re-dated, so this one is written as of 40 days ago: always another month.
    past = ActionLogEntry(
        at=timezone.now() - timedelta(days=40), actor=staff_user, actor_label=staff_user.email,
        action="activity.created", content_type=ContentType.objects.get_for_model(Activity),
        object_id=str(metastatic.pk), object_repr="Metastatic update",
    )  # fmt: skip
    past.save()
    imported = record(action="questions.imported", detail={"file": "update.gift", "new": 2})
    return {"edited": edited, "old": old, "past": past, "imported": imported, "adjuvant": adjuvant}


@pytest.fixture
def reader(db):
    """Staff who may only read the log."""
    return staff_client_with("audit.view_actionlogentry")


def listed(response) -> set[int]:
    return {entry.pk for entry in response.context["cl"].result_list}


class TestAReader:
    def test_sees_every_entry(self, reader, log):
        response = reader.get(LIST)
        assert response.status_code == 200
        assert listed(response) == {entry.pk for entry in ActionLogEntry.objects.all()}
        assert "Adjuvant update" in response.text

    def test_filters_by_object(self, reader, log):
        activity_type = ContentType.objects.get_for_model(Activity)
        response = reader.get(LIST, {"content_type__id__exact": activity_type.pk, "object_id": log["adjuvant"].pk})
        assert listed(response) == {log["edited"].pk}

    def test_filters_by_actor_and_by_the_system(self, reader, log, staff_user):
        by_staff = reader.get(LIST, {"actor": staff_user.pk})
        assert listed(by_staff) == {log["edited"].pk, log["old"].pk, log["past"].pk}
        assert listed(reader.get(LIST, {"actor": "system"})) == {log["imported"].pk}

    def test_filters_by_action_and_date(self, reader, log):
        assert listed(reader.get(LIST, {"action": "activity.created"})) == {log["past"].pk}
        today = timezone.localdate()
        this_month = reader.get(LIST, {"at__year": today.year, "at__month": today.month})
        assert listed(this_month) == {log["edited"].pk, log["old"].pk, log["imported"].pk}
        then = timezone.localtime(log["past"].at)
        assert listed(reader.get(LIST, {"at__year": then.year, "at__month": then.month})) == {log["past"].pk}

    def test_searches_by_object_and_actor(self, reader, log, staff_user):
        assert listed(reader.get(LIST, {"q": "Adjuvant"})) == {log["edited"].pk}
        assert log["imported"].pk not in listed(reader.get(LIST, {"q": staff_user.email}))

    def test_reads_an_edit_as_before_and_after(self, reader, log):
        page = reader.get(reverse("admin:audit_actionlogentry_change", args=[log["edited"].pk]))
        assert page.status_code == 200
        text = page.text
        assert "<th scope='row'>max_credits</th><td>1.00</td><td>0.75</td>" in text
        assert "<th scope='row'>body</th><td>Old text.</td><td>—</td>" in text
        assert 'name="action"' not in text  # shown, never a form field

    def test_cannot_add_change_or_delete(self, reader, log):
        entry = log["edited"]
        change = reverse("admin:audit_actionlogentry_change", args=[entry.pk])
        delete = reverse("admin:audit_actionlogentry_delete", args=[entry.pk])

        assert reader.get(reverse("admin:audit_actionlogentry_add")).status_code == 403
        reader.post(change, {"action": "activity.created", "object_repr": "Rewritten"})
        assert reader.post(delete, {"post": "yes"}).status_code == 403
        bulk = reader.post(LIST, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"})
        assert bulk.status_code in (200, 302)

        stored = ActionLogEntry.objects.get(pk=entry.pk)
        assert (stored.action, stored.object_repr) == ("activity.changed", "Adjuvant update")
        assert ActionLogEntry.objects.count() == 4


def test_a_superuser_cannot_change_or_delete_either(staff, log):
    entry = log["edited"]
    assert staff.get(reverse("admin:audit_actionlogentry_add")).status_code == 403
    assert staff.post(reverse("admin:audit_actionlogentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    page = staff.get(reverse("admin:audit_actionlogentry_change", args=[entry.pk]))
    assert "Save" not in page.text and "Delete" not in page.text
    assert ActionLogEntry.objects.filter(pk=entry.pk, action="activity.changed").exists()


def test_staff_without_the_view_permission_are_refused(log):
    client = staff_client_with("activities.view_activity")
    assert client.get(LIST).status_code == 403
    assert client.get(reverse("admin:audit_actionlogentry_change", args=[log["edited"].pk])).status_code == 403


def test_learners_never_reach_it(alice_client, log):
    assert alice_client.get(LIST).status_code == 302  # to the admin's sign-in, which refuses them


class TestTheLinkFromAnObject:
    def test_an_activity_page_links_to_its_log_for_those_who_may_read_it(self, log):
        activity = log["adjuvant"]
        url = reverse("admin:activities_activity_change", args=[activity.pk])
        reader = staff_client_with("activities.view_activity", "audit.view_actionlogentry")

        page = reader.get(url)

        activity_type = ContentType.objects.get_for_model(Activity)
        link = f"{LIST}?content_type__id__exact={activity_type.pk}&amp;object_id={activity.pk}"
        assert f'<a href="{link}">Action log</a>' in page.text
        assert "Action log</a>" not in staff_client_with("activities.view_activity").get(url).text

    def test_a_question_page_links_to_its_log(self, seed_questions):
        from quizzes.models import Question

        question = Question.objects.first()
        reader = client_for(UserFactory(staff=True))
        page = reader.get(reverse("admin:quizzes_question_change", args=[question.pk]))
        assert "object_id=" in page.text and "Action log</a>" in page.text
