"""The PARS pages in admin (each behind its own permission), the activity file, and exports racing each other."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import ActionLogEntry
from credits.services import certificate_revoke
from pars.layout import ACTIVITY_COLUMNS
from pars.models import ActivityRegistration, BoardCredit, LearnerSubmission, SentRecord
from pars.services import learner_export
from tests.concurrency import run_in_parallel
from tests.factories import ActivityFactory, UserFactory
from tests.pars.conftest import ACCME_ID, claim, physician
from tests.test_staff_access import staff_client_with

EXPORT = "pars.export_pars_learners"


def export_url(activity) -> str:
    return reverse("admin:pars_learner_export", args=[activity.pk])


class TestTheLearnerExportPage:
    def test_shows_what_would_be_sent_and_what_cannot_be_without_recording_anything(self, activity):
        claim(physician(), activity)
        claim(physician(birth_month=None, birth_day=None, email="nodob@example.org"), activity)
        page = staff_client_with(EXPORT).get(export_url(activity))
        assert page.status_code == 200
        html = page.content.decode()
        assert "nodob@example.org" in html and "No date of birth (month and day)." in html
        assert page.context["plan"].added == 1
        assert not LearnerSubmission.objects.exists()

    def test_the_download_records_the_export_and_the_next_plan_is_empty(self, activity):
        claim(physician(), activity)
        client = staff_client_with(EXPORT)
        response = client.post(export_url(activity), {"file_format": "xlsx", "start": "", "end": ""})
        assert response.status_code == 200
        assert response["Content-Disposition"].endswith('.xlsx"')
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet.cell(3, 2).value == ACCME_ID
        assert LearnerSubmission.objects.get().created_by.email == response.wsgi_request.user.email
        again = client.post(export_url(activity), {"file_format": "xlsx"}, follow=True)
        assert "Nothing to send" in again.content.decode()
        assert LearnerSubmission.objects.count() == 1

    def test_an_earlier_file_downloads_again_from_the_recorded_rows(self, activity):
        claim(physician(), activity)
        submission, content, _plan = learner_export(activity=activity, file_format="tsv")
        response = staff_client_with(EXPORT).get(reverse("admin:pars_submission_file", args=[submission.pk]))
        assert response.content == content

    @pytest.mark.parametrize("method", ["get", "post"])
    def test_staff_without_the_permission_are_refused_and_nothing_is_recorded(self, activity, method):
        claim(physician(), activity)
        client = staff_client_with("pars.view_activityregistration", "pars.change_activityregistration")
        response = getattr(client, method)(export_url(activity), {"file_format": "tsv"})
        assert response.status_code == 403
        assert not LearnerSubmission.objects.exists()

    def test_learners_get_a_404(self, activity, client):
        client.force_login(physician())
        assert client.get(export_url(activity)).status_code == 404

    def test_bad_dates_are_explained_and_change_nothing(self, activity):
        claim(physician(), activity)
        response = staff_client_with(EXPORT).post(export_url(activity), {"file_format": "tsv", "start": "2026-06-02",
                                                                          "end": "2026-06-01"})  # fmt: skip
        assert "The end date must be on or after the start date." in response.content.decode()
        assert not LearnerSubmission.objects.exists()


def test_editing_the_registration_in_admin_is_logged(activity):
    client = staff_client_with("pars.change_activityregistration", "pars.view_activityregistration")
    registration = activity.pars_registration
    url = reverse("admin:pars_activityregistration_change", args=[registration.pk])
    data = {
        "activity": activity.pk, "accme_activity_id": "202699999", "commercial_support_amount": "0",
        "board_credits-TOTAL_FORMS": "0", "board_credits-INITIAL_FORMS": "0",
    }  # fmt: skip
    BoardCredit.objects.filter(registration=registration).delete()
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = ActionLogEntry.objects.get(action="pars_registration.changed")
    assert entry.changes["accme_activity_id"] == [ACCME_ID, "202699999"]


def test_a_board_credit_type_must_be_one_the_board_takes(activity):
    credit = BoardCredit(registration=activity.pars_registration, board="ABP", credit_type="Medical Knowledge",
                         points=1)  # fmt: skip
    with pytest.raises(ValidationError, match="ABP takes: Lifelong Learning and Self-Assessment"):
        credit.full_clean()


class TestTheActivityFile:
    def test_one_row_per_activity_with_its_answers_and_the_years_learners(self, activity):
        claim(physician(), activity, on=(2026, 5, 4))
        claim(physician(), activity, on=(2026, 6, 4))
        revoked = claim(physician(), activity, on=(2026, 7, 4))
        certificate_revoke(certificate=revoked.certificate, reason="Error.", by=None)
        claim(UserFactory(profession="other_hcp", degree="RN"), activity, on=(2026, 8, 4))
        claim(physician(), activity, on=(2025, 12, 31))  # another year
        registration = activity.pars_registration
        registration.designed_to_change_competence = True
        registration.commercial_support_received = True
        registration.commercial_support_amount = 5000
        registration.commercial_supporters = "Maker A\nMaker B"
        registration.save()
        out = io.BytesIO()
        activity.release_date, activity.expiration_date = date(2026, 1, 1), date(2026, 12, 31)
        activity.save()
        call_command("export_pars_activities", year=2026, file_format="tsv", stdout=out)
        lines = out.getvalue().decode().split("\r\n")
        header = [column.header for column in ACTIVITY_COLUMNS]
        assert lines[0].split("\t") == header
        row = dict(zip(header, lines[1].split("\t"), strict=True))
        assert row["ACCME Activity ID"] == ACCME_ID
        assert (row["Number of Physician Learners"], row["Number of Other Learners"]) == ("2", "1")
        assert (row["Start Date"], row["End Date"], row["Activity Type"]) == ("01/01/2026", "12/31/2026",
                                                                             "Enduring Material")  # fmt: skip
        assert row["Designed to Change Competence"] == "Yes" and row["Designed to Change Performance"] == "No"
        assert (row["Monetary Commercial Support Amount"], row["Commercial Supporters"]) == (
            "5000.00",
            "Maker A; Maker B",
        )
        assert row["MOC Boards"] == "ABIM, ABP"
        assert ActionLogEntry.objects.get(action="pars.activities_exported").detail["activities"] == 1

    def test_the_page_needs_its_own_permission(self, activity):
        url = reverse("admin:pars_activity_export")
        assert staff_client_with(EXPORT).get(url).status_code == 403
        client = staff_client_with("pars.export_pars_activities")
        assert client.get(url).status_code == 200
        response = client.post(url, {"year": "2026", "file_format": "xlsx"})
        assert response["Content-Disposition"] == 'attachment; filename="pars-activities-2026.xlsx"'

    def test_support_cannot_be_recorded_without_saying_it_was_received(self, activity):
        registration = ActivityRegistration(activity=activity, commercial_support_amount=10)
        with pytest.raises(ValidationError, match="commercial support received"):
            registration.validate_constraints()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers; the race is PostgreSQL's")
def test_two_exports_at_once_send_each_record_once(transactional_db):
    activity = ActivityFactory(max_credits=Decimal("1.00"))
    registration = ActivityRegistration.objects.create(activity=activity, accme_activity_id=ACCME_ID)
    BoardCredit.objects.create(registration=registration, board="ABIM", credit_type="Medical Knowledge", points=1)
    for number in range(5):
        claim(physician(email=f"race{number}@example.org"), activity)

    outcomes = run_in_parallel(lambda: learner_export(activity=activity, file_format="tsv")[0].added, threads=2)
    assert sorted(outcome if isinstance(outcome, int) else 0 for outcome in outcomes) == [0, 5]
    assert SentRecord.objects.count() == 5


def test_the_registration_page_shows_what_the_outcomes_collected(activity):
    client = staff_client_with("pars.view_activityregistration")
    url = reverse("admin:pars_activityregistration_change", args=[activity.pars_registration.pk])
    assert "No learner has committed to a change yet." in client.get(url).content.decode()
