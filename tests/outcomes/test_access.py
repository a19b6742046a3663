"""Who may read an outcomes report: staff with an authenticator app and outcomes.view_outcomes, nobody else.

Learners get a 404 as if the page did not exist, staff without the permission a 403,
staff without an authenticator app the set-up page, and nothing is ever written.
"""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory
from tests.outcomes.conftest import staff_client_with
from tests.stored import everything_stored


def report_urls(activity) -> list[str]:
    return [
        reverse("admin:outcomes_report", args=[activity.pk]),
        reverse("admin:outcomes_report_csv", args=[activity.pk]) + "?section=items",
        reverse("admin:outcomes_report_pdf", args=[activity.pk]),
    ]


def test_the_permission_opens_the_report_its_csv_and_its_pdf(course, reporter):
    page, csv, pdf = (reporter.get(url) for url in report_urls(course))
    assert page.status_code == 200
    assert "1. Participation" in page.text
    assert (csv.status_code, csv["Content-Type"]) == (200, "text/csv; charset=utf-8")
    assert csv["Content-Disposition"] == f'attachment; filename="outcomes-{course.slug}-items.csv"'
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    assert "no-cache" in page["Cache-Control"]


def test_the_permission_is_the_only_one_staff_need(course):
    permissions = Permission.objects.filter(content_type__app_label="outcomes")
    assert [permission.codename for permission in permissions] == ["view_outcomes"]


@pytest.mark.parametrize("method", ["get", "post"])
def test_staff_without_the_permission_are_refused_everywhere(course, method):
    others = staff_client_with("activities.view_activity", "quizzes.view_question", "credits.view_evaluation")
    before = everything_stored()
    urls = [*report_urls(course), reverse("admin:outcomes_outcomesreport_changelist"),
            reverse("admin:outcomes_outcomesreport_change", args=[course.pk])]  # fmt: skip
    assert [getattr(others, method)(url).status_code for url in urls] == [403] * len(urls)
    assert everything_stored() == before


def test_learners_get_a_404(course, alice_client):
    assert [alice_client.get(url).status_code for url in report_urls(course)] == [404, 404, 404]


def test_anonymous_visitors_are_sent_to_sign_in(course):
    response = Client().get(report_urls(course)[0])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_staff_without_an_authenticator_are_sent_to_set_one_up(course):
    staff = UserFactory(is_staff=True, authenticator=False)
    staff.user_permissions.add(Permission.objects.get(codename="view_outcomes"))
    client = Client()
    client.force_login(staff)
    for url in report_urls(course):
        assert client.get(url)["Location"] == reverse("mfa_activate_totp")


def test_the_admin_index_lists_outcomes_for_those_who_may_read_them(course, reporter):
    index = reporter.get(reverse("admin:index"))
    assert "Outcomes" in index.text
    assert reverse("admin:outcomes_outcomesreport_changelist") in index.text
    others = staff_client_with("activities.view_activity")
    assert reverse("admin:outcomes_outcomesreport_changelist") not in others.get(reverse("admin:index")).text


def test_the_list_links_each_activity_to_its_report(course, reporter):
    listing = reporter.get(reverse("admin:outcomes_outcomesreport_changelist"))
    assert listing.status_code == 200
    assert reverse("admin:outcomes_report", args=[course.pk]) in listing.text
    change = reporter.get(reverse("admin:outcomes_outcomesreport_change", args=[course.pk]))
    assert change["Location"] == reverse("admin:outcomes_report", args=[course.pk])
    assert "Add outcomes report" not in listing.text


def test_nothing_can_be_added_changed_or_deleted(course, reporter):
    before = everything_stored()
    urls = [reverse("admin:outcomes_outcomesreport_add"),
            reverse("admin:outcomes_outcomesreport_delete", args=[course.pk])]  # fmt: skip
    assert [reporter.post(url, {"post": "yes"}).status_code for url in urls] == [403, 403]
    assert reporter.post(report_urls(course)[0]).status_code == 405
    assert everything_stored() == before


def test_an_unknown_section_or_activity_is_a_404(course, reporter):
    assert (
        reporter.get(reverse("admin:outcomes_report_csv", args=[course.pk]), {"section": "secrets"}).status_code == 404
    )
    assert reporter.get(reverse("admin:outcomes_report", args=[course.pk + 999])).status_code == 404


def test_bad_dates_are_explained_not_computed(course, reporter):
    page = reporter.get(
        reverse("admin:outcomes_report", args=[course.pk]), {"start": "2026-05-01", "end": "2026-04-01"}
    )
    assert page.status_code == 200
    assert "The end date must be on or after the start date." in page.text
    assert "1. Participation" not in page.text
    csv = reporter.get(reverse("admin:outcomes_report_csv", args=[course.pk]), {"section": "items", "start": "nope"})
    assert csv.status_code == 404
