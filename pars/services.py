"""Writes for PARS: recording a learner export (what was sent, when, by whom) and the activity file."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from activities.models import Activity
from audit.services import record
from pars import files
from pars.layout import ACTIVITY_COLUMNS, LEARNER_COLUMNS
from pars.models import ActivityRegistration, FileFormat, LearnerSubmission, SentRecord
from pars.selectors import LearnerExportPlan, activity_rows, learner_export_plan


def learner_file(rows: list[dict], file_format: str) -> bytes:
    if file_format == FileFormat.XLSX:
        return files.workbook(LEARNER_COLUMNS, rows, guidance=True)
    if file_format == FileFormat.TSV:
        return files.tab_delimited(LEARNER_COLUMNS, rows)
    raise ValidationError(f"Choose a file format: {', '.join(FileFormat.values)}.")


@transaction.atomic
def learner_export(
    *, activity: Activity, file_format: str, by=None, start: date | None = None, end: date | None = None
) -> tuple[LearnerSubmission, bytes, LearnerExportPlan]:
    """Plan the activity's learner file, record every row as sent, and return the file.

    Two exports of one activity never interleave: the activity's registration row is
    locked first, so the second plans against what the first recorded and sends only
    what is still new. A plan with nothing to send records nothing.
    """
    if file_format not in FileFormat.values:
        raise ValidationError(f"Choose a file format: {', '.join(FileFormat.values)}.")
    registration = ActivityRegistration.objects.select_for_update().filter(activity=activity).first()
    plan = learner_export_plan(activity=activity, start=start, end=end, registration=registration)
    if plan.blockers:
        raise ValidationError(plan.blockers)
    if not plan.records:
        raise ValidationError(
            "Nothing to send: every reportable completion in these dates has been sent as it is, and no reported "
            "certificate has been revoked since."
        )
    content = learner_file([planned.row for planned in plan.records], file_format)
    submission = LearnerSubmission.objects.create(
        activity=activity,
        created_by=by,
        file_format=file_format,
        completed_from=start,
        completed_to=end,
        added=plan.added,
        deleted=plan.deleted,
        left_out=len(plan.left_out),
        file_sha256=files.sha256(content),
    )
    SentRecord.objects.bulk_create(
        SentRecord(submission=submission, claim_id=planned.claim_id, action=planned.action, values=planned.values)
        for planned in plan.records
    )
    record(
        action="pars.exported",
        obj=activity,
        actor=by,
        detail={
            "submission": submission.pk,
            "format": file_format,
            "completed_from": start,
            "completed_to": end,
            "added": plan.added,
            "deleted": plan.deleted,
            "left_out": len(plan.left_out),
            "sha256": submission.file_sha256,
        },
    )
    return submission, content, plan


def submission_file(*, submission: LearnerSubmission) -> bytes:
    """A past submission's file again, rebuilt from the rows recorded as sent."""
    rows = [{"record_action": sent.action, **sent.values} for sent in submission.records.order_by("pk")]
    return learner_file(rows, submission.file_format)


@transaction.atomic
def activity_export(*, year: int, file_format: str, by=None) -> bytes:
    """Every activity open for credit in the year, in ACCME's activity file; the export is logged."""
    rows = activity_rows(year=year)
    if file_format == FileFormat.XLSX:
        content = files.workbook(ACTIVITY_COLUMNS, rows, guidance=False)
    elif file_format == FileFormat.TSV:
        content = files.tab_delimited(ACTIVITY_COLUMNS, rows)
    else:
        raise ValidationError(f"Choose a file format: {', '.join(FileFormat.values)}.")
    record(
        action="pars.activities_exported",
        actor=by,
        detail={"year": year, "format": file_format, "activities": len(rows), "sha256": files.sha256(content)},
    )
    return content


@transaction.atomic
def registration_edit_log(*, registration: ActivityRegistration, changes: dict, created: bool) -> None:
    """Log an edit of what the activity is registered for in PARS (its ID, boards, points, support)."""
    if changes or created:
        action = "pars_registration.created" if created else "pars_registration.changed"
        record(action=action, obj=registration, changes=changes)
