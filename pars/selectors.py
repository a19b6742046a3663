"""Reads for PARS: what a learner export would send now, and each activity's row for the activity file.

The learner export is planned here and recorded by pars.services: plan first
(nothing written, so the admin page can show it), then the service takes the
same plan under a lock and records it.

Rules, each in one place:
- only consenting physicians' AMA PRA Category 1 claims are reported; a
  learner who did not consent is counted, never listed or sent;
- a record needs a name and a birth date (month/day), and at least one of:
  MOC (a board that takes MOC through PARS, registered for this activity, and the
  learner's ID with it) or CME for a state board (a US licensing state and a licence
  number or NPI); what is missing is listed with the claim, which is left out;
- MOC points are counted by the board's rule (pars.boards);
- a revoked certificate deletes anything already reported, and sends nothing new;
- a record already sent unchanged is not sent again; a changed one is deleted as
  it was sent and added as it is now.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from accounts.models import CertifyingBoard
from accounts.regions import us_jurisdiction_code
from accounts.validators import IDENTIFIER_PATTERN
from activities.models import Activity
from credits.models import CreditClaim, CreditType
from pars.boards import board_rule
from pars.layout import ACTIVITY_TYPE_NAMES, RECORD_ADD, RECORD_DELETE, date_mdy, yes_no
from pars.models import ActivityRegistration, BoardCredit, SentRecord

IDENTIFIER = re.compile(IDENTIFIER_PATTERN)
# A cell starting with one of these is a formula to a spreadsheet; in the text file it would run.
FORMULA_STARTS = ("=", "+", "-", "@")


@dataclass(frozen=True)
class PlannedRecord:
    claim_id: int
    action: str  # RECORD_ADD or RECORD_DELETE
    values: dict  # the row's fields, without the record action

    @property
    def row(self) -> dict:
        return {"record_action": self.action, **self.values}


@dataclass(frozen=True)
class LeftOut:
    claim_id: int
    learner: str
    email: str
    completed_on: date
    reasons: tuple[str, ...]
    already_reported: bool = False  # a record PARS holds stays there as it was sent


@dataclass
class LearnerExportPlan:
    activity: Activity
    start: date | None
    end: date | None
    blockers: list[str] = field(default_factory=list)  # nothing can be exported until these are fixed
    records: list[PlannedRecord] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)
    partial: list[LeftOut] = field(default_factory=list)  # sent, but without MOC or without state CME
    not_consenting: int = 0
    unchanged: int = 0

    @property
    def added(self) -> int:
        return sum(1 for record in self.records if record.action == RECORD_ADD)

    @property
    def deleted(self) -> int:
        return sum(1 for record in self.records if record.action == RECORD_DELETE)


def registration_for(activity: Activity) -> ActivityRegistration | None:
    return ActivityRegistration.objects.filter(activity=activity).prefetch_related("board_credits").first()


def _day_bounds(start: date | None, end: date | None) -> Q:
    """Claims completed (claimed) on the dates from start to end inclusive, in the site's time zone."""
    condition = Q()
    if start:
        condition &= Q(claimed_at__gte=timezone.make_aware(datetime.combine(start, time.min)))
    if end:
        condition &= Q(claimed_at__lt=timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min)))
    return condition


def learner_record(claim: CreditClaim, board_credits: list[BoardCredit], accme_activity_id: str):
    """(the row's values or None, why it cannot go, what it goes without) for one consenting claim."""
    user = claim.user
    missing, without = [], []
    if claim.credit_type != CreditType.AMA_PRA_1:
        return None, ("Not a physician's AMA PRA Category 1 Credit™ claim: PARS takes physicians' completions.",), ()
    if not (user.first_name.strip() and user.last_name.strip()):
        missing.append("No first and last name.")
    if not (user.birth_month and user.birth_day):
        missing.append("No date of birth (month and day).")
    for label, value in (("first name", user.first_name), ("last name", user.last_name)):
        if value.strip().startswith(FORMULA_STARTS):
            missing.append(f"The {label} starts with “{value.strip()[0]}”, which spreadsheets run as a formula.")
    for label, value in (("board ID", user.board_id), ("licence number", user.license_number)):
        if value.strip() and not IDENTIFIER.fullmatch(value.strip()):
            missing.append(f"The {label} has characters PARS does not take (letters, digits, - . / only).")

    # MOC: the learner's board takes MOC through PARS and the activity is registered for it.
    rule = board_rule(user.certifying_board)
    board_label = CertifyingBoard(user.certifying_board).label if user.certifying_board else ""
    board = rule.abbreviation if rule else user.certifying_board
    registered = [credit for credit in board_credits if credit.board == user.certifying_board]
    moc_problem = ""
    if not user.certifying_board:
        moc_problem = "No certifying board."
    elif rule is None or not rule.takes_moc_through_pars:
        moc_problem = f"{board_label} does not take MOC through PARS."
    elif not registered:
        moc_problem = f"The activity is not registered for {board} MOC."
    elif not user.board_id.strip():
        moc_problem = f"No board ID for {board}."
    moc = None
    if not moc_problem:
        points = rule.points(credits=claim.amount, registered=max(credit.points for credit in registered))
        if points <= 0:
            moc_problem = f"{claim.amount} credits make no whole {board} MOC point."
        else:
            moc = {
                "board": board,
                "board_id": user.board_id.strip(),
                "board_points": _number(points),
                "credit_type": registered[0].credit_type,
                "credit_type_points": _number(rule.points(credits=claim.amount, registered=registered[0].points)),
            }
            if len(registered) > 1:
                moc["additional_credit_type"] = registered[1].credit_type
                moc["additional_credit_type_points"] = _number(
                    rule.points(credits=claim.amount, registered=registered[1].points)
                )

    # CME for the state licensing board: a US state and a licence number or NPI.
    state = us_jurisdiction_code(user.license_region) if str(user.country) == "US" else None
    licensing_id = user.license_number.strip() or user.npi
    cme_problem = ""
    if not state:
        cme_problem = "No US licensing state."
    elif not licensing_id:
        cme_problem = "No licence number or NPI."

    if moc is None and cme_problem:
        missing += [moc_problem, cme_problem]
    if missing:
        return None, tuple(missing), ()
    if moc is None:
        without.append(f"Sent as CME only: {moc_problem}")
    elif cme_problem and user.certifying_board:
        without.append(f"Sent as MOC only: {cme_problem}")
    values = {
        "accme_activity_id": accme_activity_id,
        "completion_date": date_mdy(timezone.localtime(claim.claimed_at).date()),
        "first_name": user.first_name.strip(),
        "last_name": user.last_name.strip(),
        "birth_date": f"{user.birth_month:02d}/{user.birth_day:02d}",
        "licensing_state": state if not cme_problem else "",
        "licensing_id": licensing_id if not cme_problem else "",
        "cme_credits": _number(claim.amount) if not cme_problem else "",
        **(moc or {}),
    }
    return values, (), tuple(without)


def _number(value) -> str:
    return f"{value.normalize():f}"


def learner_export_plan(
    *,
    activity: Activity,
    start: date | None = None,
    end: date | None = None,
    registration: ActivityRegistration | None = None,
):
    """What an export would send now: new records for claims completed from start to end (either open),
    and, whatever their dates, the Deletes and corrections that records PARS already holds need.

    A record reported in March and revoked in June is deleted by a June-only export:
    a provider who exports month by month must not leave revoked credit in PARS.
    """
    plan = LearnerExportPlan(activity=activity, start=start, end=end)
    registration = registration or registration_for(activity)
    if registration is None or not registration.accme_activity_id:
        plan.blockers.append("The activity has no ACCME activity ID: add it to the activity's PARS registration first.")
        return plan
    board_credits = list(registration.board_credits.all())

    standing = _standing_records(activity)
    in_dates = _day_bounds(start, end)
    if in_dates:  # dated: the completions in the dates, and every claim whose record PARS holds
        in_dates |= Q(pk__in=list(standing))
    claims = (
        CreditClaim.objects.filter(in_dates, activity=activity)
        .select_related("user", "certificate")
        .order_by("claimed_at", "pk")
    )
    for claim in claims.iterator(chunk_size=2000):
        if not claim.pars_consent:
            plan.not_consenting += 1
            continue
        sent_values = standing.get(claim.pk)
        revoked = hasattr(claim, "certificate") and claim.certificate.is_revoked
        if revoked:
            if sent_values:
                plan.records.append(PlannedRecord(claim.pk, RECORD_DELETE, sent_values))
            continue
        values, reasons, without = learner_record(claim, board_credits, registration.accme_activity_id)
        user = claim.user
        completed = timezone.localtime(claim.claimed_at).date()
        who = {"learner": f"{user.first_name} {user.last_name}".strip() or user.email, "email": user.email}
        if values is None:
            plan.left_out.append(LeftOut(claim.pk, completed_on=completed, reasons=reasons,
                                         already_reported=sent_values is not None, **who))  # fmt: skip
            continue
        if without:
            plan.partial.append(LeftOut(claim.pk, completed_on=completed, reasons=without, **who))
        if sent_values == values:
            plan.unchanged += 1
            continue
        if sent_values:
            plan.records.append(PlannedRecord(claim.pk, RECORD_DELETE, sent_values))
        plan.records.append(PlannedRecord(claim.pk, RECORD_ADD, values))
    # Deletes first: PARS must drop the old row before the corrected one arrives.
    plan.records.sort(key=lambda record: record.action != RECORD_DELETE)
    return plan


def _standing_records(activity: Activity) -> dict[int, dict]:
    """claim → the values PARS holds for it now: its latest record, if that was an Add."""
    latest: dict[int, tuple[str, dict]] = {}
    records = SentRecord.objects.filter(submission__activity=activity).order_by("pk")
    for claim_id, action, values in records.values_list("claim_id", "action", "values").iterator(chunk_size=5000):
        latest[claim_id] = (action, values)
    return {claim_id: values for claim_id, (action, values) in latest.items() if action == RECORD_ADD}


# ------------------------------------------------------------ activity data


def activity_rows(*, year: int) -> list[dict]:
    """One row per activity open for credit at some point in the year, for ACCME's activity file.

    Learner counts are the year's completions (claims not revoked): physicians are
    AMA PRA Category 1 claims, other learners the certificates of participation.
    """
    first, last = date(year, 1, 1), date(year, 12, 31)
    activities = (
        Activity.objects.filter(release_date__lte=last, expiration_date__gte=first)
        .select_related("pars_registration")
        .prefetch_related("pars_registration__board_credits")
        .order_by("release_date", "title")
    )
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    completions = (
        CreditClaim.objects.filter(_day_bounds(first, last), activity__in=activities)
        .exclude(certificate__revoked_at__isnull=False)
        .values_list("activity_id", "credit_type")
    )
    for activity_id, credit_type in completions.iterator():
        counts[activity_id][credit_type] += 1
    rows = []
    for activity in activities:
        registration = getattr(activity, "pars_registration", None)
        boards = (
            sorted({board_rule(credit.board).abbreviation for credit in registration.board_credits.all()})
            if registration
            else []
        )
        rows.append({
            "accme_activity_id": registration.accme_activity_id if registration else "",
            "provider_activity_id": activity.slug,
            "title": activity.title,
            "activity_type": ACTIVITY_TYPE_NAMES.get(activity.activity_type, activity.activity_type),
            "start_date": date_mdy(activity.release_date),
            "end_date": date_mdy(activity.expiration_date),
            "hours": f"{activity.estimated_minutes / 60:.2f}",
            "credits_designated": f"{activity.max_credits.normalize():f}",
            "physician_learners": counts[activity.pk][CreditType.AMA_PRA_1],
            "other_learners": counts[activity.pk][CreditType.PARTICIPATION],
            **_registration_answers(registration),
            "moc_boards": ", ".join(boards),
        })  # fmt: skip
    return rows


def _registration_answers(registration: ActivityRegistration | None) -> dict:
    if registration is None:
        return {}
    support = registration.commercial_support_received
    return {
        "designed_competence": yes_no(registration.designed_to_change_competence),
        "designed_performance": yes_no(registration.designed_to_change_performance),
        "designed_patient_outcomes": yes_no(registration.designed_to_change_patient_outcomes),
        "evaluated_competence": yes_no(registration.evaluated_for_change_in_competence),
        "evaluated_performance": yes_no(registration.evaluated_for_change_in_performance),
        "evaluated_patient_outcomes": yes_no(registration.evaluated_for_change_in_patient_outcomes),
        "commercial_support": yes_no(support),
        "commercial_support_amount": f"{registration.commercial_support_amount:.2f}" if support else "",
        "commercial_support_in_kind": yes_no(registration.commercial_support_in_kind) if support else "",
        "commercial_supporters": "; ".join(_lines(registration.commercial_supporters)) if support else "",
    }


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]
