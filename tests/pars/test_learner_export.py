"""The PARS learner file: who is in it, what each row says, the second export's delta and revocations."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from openpyxl import load_workbook

from audit.models import ActionLogEntry
from credits.services import certificate_revoke
from pars.boards import BOARDS
from pars.layout import LEARNER_COLUMNS
from pars.models import LearnerSubmission, SentRecord
from pars.selectors import learner_export_plan
from pars.services import learner_export
from tests.factories import UserFactory
from tests.pars.conftest import ACCME_ID, claim, physician

HEADER = [column.header for column in LEARNER_COLUMNS]


def rows_of(content: bytes) -> list[dict]:
    """The tab-delimited file as one dict per record, by header."""
    lines = content.decode("utf-8").split("\r\n")
    assert lines[0].split("\t") == HEADER
    assert lines[-1] == ""  # every line ends with CRLF
    return [dict(zip(HEADER, line.split("\t"), strict=True)) for line in lines[1:-1]]


def export(activity, **kwargs) -> list[dict]:
    _submission, content, _plan = learner_export(activity=activity, file_format="tsv", **kwargs)
    return rows_of(content)


def test_the_header_is_acmes_learner_columns_in_order():
    assert HEADER[:15] == [
        "Record Action", "ACCME Activity ID", "Completion Date", "First Name", "Last Name", "Date of Birth (MM/DD)",
        "Licensing State", "Licensing ID or NPI", "Number of CME Credits", "Certifying Board", "Certifying Board ID",
        "Total Board Credits", "Credit Type", "Credits Awarded for Credit Type", "Additional Credit Type",
    ]  # fmt: skip


def test_a_consenting_physician_with_a_complete_profile_is_one_add_record(activity):
    claim(physician(), activity)
    assert export(activity) == [{
        "Record Action": "Add", "ACCME Activity ID": ACCME_ID, "Completion Date": "05/04/2026",
        "First Name": "Ana", "Last Name": "Reyes", "Date of Birth (MM/DD)": "03/07",
        "Licensing State": "NY", "Licensing ID or NPI": "NY-998877", "Number of CME Credits": "1",
        "Certifying Board": "ABIM", "Certifying Board ID": "123456", "Total Board Credits": "1",
        "Credit Type": "Medical Knowledge", "Credits Awarded for Credit Type": "1",
        "Additional Credit Type": "Patient Safety", "Credits Awarded for Additional Credit Type": "0.5",
    }]  # fmt: skip


def test_nothing_is_sent_for_a_learner_who_did_not_consent(activity):
    claim(physician(last_name="Private"), activity, consent=False)
    claim(physician(), activity)
    plan = learner_export_plan(activity=activity)
    assert plan.not_consenting == 1
    assert plan.left_out == []
    assert [row["Last Name"] for row in export(activity)] == ["Reyes"]


@pytest.mark.parametrize(
    ("profile", "reasons"),
    [
        ({"birth_month": None, "birth_day": None}, ["No date of birth (month and day)."]),
        ({"board_id": "", "license_number": "", "npi": ""}, ["No board ID for ABIM.", "No licence number or NPI."]),
        ({"board_id": "", "license_region": "", "country": "CA", "npi": ""},
         ["No board ID for ABIM.", "No US licensing state."]),
        ({"certifying_board": "ABS", "license_region": ""},
         ["The activity is not registered for ABS MOC.", "No US licensing state."]),
        ({"certifying_board": "ABO", "license_region": ""},
         ["American Board of Ophthalmology (ABO) does not take MOC through PARS.", "No US licensing state."]),
        ({"first_name": "", "last_name": ""}, ["No first and last name."]),
    ],
)  # fmt: skip
def test_an_incomplete_record_is_listed_with_its_reasons_and_never_sent_blank(activity, profile, reasons):
    learner = physician(**profile)
    claim(learner, activity)
    claim(physician(last_name="Complete"), activity)
    plan = learner_export_plan(activity=activity)
    assert [(item.email, list(item.reasons)) for item in plan.left_out] == [(learner.email, reasons)]
    assert [row["Last Name"] for row in export(activity)] == ["Complete"]
    assert LearnerSubmission.objects.get().left_out == 1


def test_a_learner_without_moc_details_is_reported_for_cme_alone_and_the_page_says_so(activity):
    claim(physician(board_id=""), activity)
    plan = learner_export_plan(activity=activity)
    assert [list(item.reasons) for item in plan.partial] == [["Sent as CME only: No board ID for ABIM."]]
    (row,) = export(activity)
    assert (row["Licensing State"], row["Number of CME Credits"], row["Certifying Board"]) == ("NY", "1", "")


def test_a_learner_outside_the_us_is_reported_for_moc_alone(activity):
    claim(physician(country="GB", license_region="London", npi=""), activity)
    (row,) = export(activity)
    assert (row["Licensing State"], row["Licensing ID or NPI"], row["Number of CME Credits"]) == ("", "", "")
    assert (row["Certifying Board"], row["Total Board Credits"]) == ("ABIM", "1")


def test_a_participation_certificate_is_not_a_pars_completion(activity):
    nurse = UserFactory(profession="other_hcp", degree="RN", license_number="RN-1", birth_month=1, birth_day=2)
    claim(nurse, activity)
    plan = learner_export_plan(activity=activity)
    assert "PARS takes physicians' completions" in plan.left_out[0].reasons[0]


def test_the_birth_date_is_month_and_day_only(activity):
    claim(physician(birth_month=11, birth_day=9), activity)
    (row,) = export(activity)
    assert row["Date of Birth (MM/DD)"] == "11/09"


class TestBoardRules:
    def test_abp_counts_whole_points_and_abim_the_credits_claimed(self, activity):
        claim(physician(certifying_board="ABP", last_name="Half"), activity, amount="0.50")
        claim(physician(certifying_board="ABIM", last_name="Quarter"), activity, amount="0.25")
        rows = {row["Last Name"]: row for row in export(activity)}
        assert rows["Half"]["Total Board Credits"] == "1"  # 0.5 rounds half up to a whole point
        assert rows["Quarter"]["Total Board Credits"] == "0.25"
        assert rows["Quarter"]["Credits Awarded for Additional Credit Type"] == "0.25"

    def test_points_never_exceed_what_the_activity_registered(self, activity):
        claim(physician(), activity, amount="1.00")
        (row,) = export(activity)
        assert row["Credits Awarded for Additional Credit Type"] == "0.5"  # Patient Safety registered 0.50

    def test_a_claim_too_small_for_a_whole_abp_point_goes_as_cme_only(self, activity):
        claim(physician(certifying_board="ABP"), activity, amount="0.25")
        plan = learner_export_plan(activity=activity)
        assert plan.partial[0].reasons == ("Sent as CME only: 0.25 credits make no whole ABP MOC point.",)

    def test_one_record_per_learner_per_activity_per_completion_date(self, activity):
        """ABP's rule holds by construction: the database refuses a learner's second claim for the activity."""
        learner = physician(certifying_board="ABP")
        claim(learner, activity)
        with pytest.raises(IntegrityError), transaction.atomic():
            claim(learner, activity, on=(2026, 5, 4))
        assert len(export(activity)) == 1

    def test_the_boards_that_take_moc_through_pars_are_data(self):
        assert sorted(code for code, rule in BOARDS.items() if rule.takes_moc_through_pars) == [
            "ABA", "ABIM", "ABOHNS", "ABOS", "ABP", "ABPATH", "ABS", "ABTS",
        ]  # fmt: skip


class TestTheSecondExport:
    def test_sends_nothing_twice(self, activity):
        claim(physician(), activity)
        export(activity)
        with pytest.raises(ValidationError, match="Nothing to send"):
            export(activity)
        assert LearnerSubmission.objects.count() == 1

    def test_sends_only_the_new_completion(self, activity):
        claim(physician(), activity)
        export(activity)
        claim(physician(last_name="Later"), activity, on=(2026, 6, 1))
        assert [(row["Record Action"], row["Last Name"]) for row in export(activity)] == [("Add", "Later")]

    def test_a_corrected_profile_deletes_the_old_row_as_sent_and_adds_the_new(self, activity):
        learner = physician(board_id="111111")
        claim(learner, activity)
        (first,) = export(activity)
        learner.board_id = "222222"
        learner.save()
        delete, add = export(activity)
        assert delete == {**first, "Record Action": "Delete"}
        assert (add["Record Action"], add["Certifying Board ID"]) == ("Add", "222222")

    def test_a_revoked_certificate_deletes_what_was_reported(self, activity):
        learner_claim = claim(physician(), activity)
        (sent,) = export(activity)
        certificate_revoke(certificate=learner_claim.certificate, reason="Attested in error.", by=None)
        assert export(activity) == [{**sent, "Record Action": "Delete"}]
        with pytest.raises(ValidationError, match="Nothing to send"):
            export(activity)

    def test_a_certificate_revoked_before_any_export_sends_nothing(self, activity):
        learner_claim = claim(physician(), activity)
        certificate_revoke(certificate=learner_claim.certificate, reason="Attested in error.", by=None)
        with pytest.raises(ValidationError, match="Nothing to send"):
            export(activity)

    def test_an_incomplete_profile_after_reporting_leaves_the_record_as_sent(self, activity):
        learner = physician()
        claim(learner, activity)
        export(activity)
        learner.birth_month = learner.birth_day = None
        learner.save()
        plan = learner_export_plan(activity=activity)
        assert plan.records == [] and plan.left_out[0].already_reported

    def test_the_dates_limit_what_is_sent(self, activity):
        claim(physician(last_name="May"), activity, on=(2026, 5, 4))
        claim(physician(last_name="June"), activity, on=(2026, 6, 4))
        from datetime import date

        rows = export(activity, start=date(2026, 6, 1), end=date(2026, 6, 30))
        assert [row["Last Name"] for row in rows] == ["June"]


def test_each_export_records_what_was_sent_when_and_by_whom(activity):
    claim(physician(), activity)
    staff = UserFactory(is_staff=True)
    submission, _content, _plan = learner_export(activity=activity, file_format="xlsx", by=staff)
    assert (submission.created_by, submission.added, submission.deleted) == (staff, 1, 0)
    assert SentRecord.objects.get().values["board_id"] == "123456"
    entry = ActionLogEntry.objects.get(action="pars.exported")
    assert (entry.actor, entry.object_id, entry.detail["added"]) == (staff, str(activity.pk), 1)
    assert entry.detail["sha256"] == submission.file_sha256


def test_the_workbook_has_guidance_then_the_header_and_keeps_every_value_as_text(activity):
    claim(physician(board_id="000123"), activity)
    _submission, content, _plan = learner_export(activity=activity, file_format="xlsx")
    sheet = load_workbook(io.BytesIO(content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[1] == HEADER
    assert rows[0][0].startswith("Add or Delete")
    assert rows[2][10] == "000123" and sheet.cell(3, 11).data_type == "s"  # text: the zeros stay


def test_without_an_accme_activity_id_nothing_is_exported(activity):
    activity.pars_registration.accme_activity_id = ""
    activity.pars_registration.save()
    claim(physician(), activity)
    assert "no ACCME activity ID" in learner_export_plan(activity=activity).blockers[0]
    with pytest.raises(ValidationError, match="ACCME activity ID"):
        export(activity)


def test_the_command_does_what_the_button_does(activity):
    claim(physician(), activity)
    claim(physician(birth_month=None, birth_day=None, email="nodob@example.org"), activity)
    out, err = io.BytesIO(), io.StringIO()
    call_command("export_pars", activity=activity.slug, file_format="tsv", stdout=out, stderr=err)
    assert [row["Last Name"] for row in rows_of(out.getvalue())] == ["Reyes"]
    assert "left out: nodob@example.org (2026-05-04): No date of birth (month and day)." in err.getvalue()
    assert LearnerSubmission.objects.get().created_by is None
    with pytest.raises(CommandError, match="Nothing to send"):
        call_command("export_pars", activity=activity.slug, file_format="tsv", stdout=io.BytesIO())


def test_the_command_names_an_unknown_activity(db):
    with pytest.raises(CommandError, match="No activity"):
        call_command("export_pars", activity="nope", file_format="tsv", stdout=io.BytesIO())


class TestWhatTheReviewFound:
    def test_a_revocation_is_deleted_whatever_dates_the_next_export_covers(self, activity):
        from datetime import date

        may = claim(physician(last_name="May"), activity, on=(2026, 5, 4))
        (sent,) = export(activity)
        certificate_revoke(certificate=may.certificate, reason="Attested in error.", by=None)
        claim(physician(last_name="June"), activity, on=(2026, 6, 4))
        rows = export(activity, start=date(2026, 6, 1), end=date(2026, 6, 30))
        assert [(row["Record Action"], row["Last Name"]) for row in rows] == [("Delete", "May"), ("Add", "June")]
        assert rows[0] == {**sent, "Record Action": "Delete"}

    def test_a_correction_is_sent_whatever_dates_the_next_export_covers(self, activity):
        from datetime import date

        learner = physician(board_id="111111")
        claim(learner, activity, on=(2026, 5, 4))
        export(activity)
        learner.board_id = "222222"
        learner.save()
        rows = export(activity, start=date(2026, 6, 1))
        assert [(row["Record Action"], row["Certifying Board ID"]) for row in rows] == [
            ("Delete", "111111"), ("Add", "222222"),
        ]  # fmt: skip

    @pytest.mark.parametrize(
        ("profile", "reason"),
        [
            ({"board_id": "12\x0334"}, "The board ID has characters PARS does not take"),
            ({"license_number": "=1+1"}, "The licence number has characters PARS does not take"),
            ({"first_name": '=HYPERLINK("http://x")'}, "The first name starts with “=”"),
            ({"last_name": "@SUM(1)"}, "The last name starts with “@”"),
        ],
    )
    def test_a_value_a_spreadsheet_would_run_or_a_file_would_break_is_left_out(self, activity, profile, reason):
        claim(physician(**profile), activity)
        claim(physician(last_name="Plain"), activity)
        plan = learner_export_plan(activity=activity)
        assert reason in " ".join(plan.left_out[0].reasons)
        _submission, content, _plan = learner_export(activity=activity, file_format="xlsx")
        assert load_workbook(io.BytesIO(content)).active.max_row == 3  # guidance, header, the plain record

    def test_the_profile_refuses_such_identifiers(self, db):
        from django.core.exceptions import ValidationError as ModelError

        learner = physician()
        learner.board_id = "12\x0334"
        learner.license_number = "=cmd"
        with pytest.raises(ModelError) as refused:
            learner.full_clean()
        assert set(refused.value.message_dict) == {"board_id", "license_number"}

    def test_the_command_refuses_a_binary_file_for_a_text_output_before_recording_it(self, activity):
        claim(physician(), activity)
        with pytest.raises(CommandError, match="cannot take a binary file"):
            call_command("export_pars", activity=activity.slug, file_format="xlsx", stdout=io.StringIO())
        assert not LearnerSubmission.objects.exists()

    def test_dates_out_of_range_are_refused_with_a_message(self, activity):
        with pytest.raises(CommandError, match="between 2000 and 2100"):
            call_command("export_pars", "--activity", activity.slug, "--until", "9999-12-31", stdout=io.BytesIO())
        with pytest.raises(CommandError, match="on or after --since"):
            call_command("export_pars", "--activity", activity.slug, "--since", "2026-06-02", "--until", "2026-06-01",
                         stdout=io.BytesIO())  # fmt: skip
