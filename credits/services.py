"""Writes for evaluation, claims, certificates and self-reported credit."""

import json
import logging
import random
import secrets
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format

from accounts.selectors import profile_missing_for_certificate
from accounts.services import learner_pages_changed
from activities.models import Activity
from audit.services import record
from credentials.dataintegrity import sign
from credentials.did import current_verification_method
from credentials.keys import signing_key
from credits import badges, pdf, wording
from credits.models import (
    COMMITMENT_LIMIT,
    STATUS_LIST_SIZE,
    Barrier,
    Certificate,
    CertificateNumberSequence,
    Commitment,
    CommitmentOutcome,
    CreditClaim,
    CreditEntry,
    EntryKind,
    Evaluation,
    ExternalCredit,
    FollowUp,
    FollowUpDeclined,
    ObjectiveRating,
    OutcomeBarrier,
    PracticeChange,
    StatusList,
)
from credits.selectors import (
    EXTERNAL_CREDIT_LIMIT,
    amount_choices,
    credit_type_for,
    pars_reporting_possible,
)
from notifications.services import email_queue

logger = logging.getLogger(__name__)


# ------------------------------------------------------------------ evaluation


@transaction.atomic
def evaluation_submit(
    *,
    user,
    activity: Activity,
    answers: dict,
    objective_ratings: dict[int, int],
    commitments: Sequence[tuple[str, int]] = (),
    follow_up: bool = False,
) -> Evaluation:
    """Record the learner's evaluation once, with any practice changes they commit to, and schedule
    the follow-up about them unless they declined it. Whether they may evaluate yet is the journey's
    gate: call journey.services.evaluation_submit, which checks it in the same transaction.

    commitments are (text, strength) in the learner's order. follow_up is the learner's consent to
    be emailed about them: never assumed here; the evaluation page asks.
    """
    if Evaluation.objects.filter(user=user, activity=activity).exists():
        raise ValidationError("You have already completed the evaluation for this activity.")
    objective_ids = set(activity.objectives.values_list("pk", flat=True))
    if set(objective_ratings) != objective_ids:
        raise ValidationError("Rate how well each learning objective was met.")
    if answers["practice_change"] != PracticeChange.YES:
        answers = {**answers, "change_description": ""}
    if answers["free_of_commercial_bias"]:
        answers = {**answers, "bias_comment": ""}
    evaluation = Evaluation(user=user, activity=activity, **answers)
    evaluation.full_clean(validate_unique=False)
    try:
        # The unique constraint settles a double submit: the second one fails here.
        with transaction.atomic():
            evaluation.save()
    except IntegrityError:
        raise ValidationError("You have already completed the evaluation for this activity.") from None
    ObjectiveRating.objects.bulk_create(
        ObjectiveRating(evaluation=evaluation, objective_id=objective_id, rating=rating)
        for objective_id, rating in objective_ratings.items()
    )
    if commitments:
        commitments_record(evaluation=evaluation, commitments=commitments)
        followup_schedule(evaluation=evaluation, consent=follow_up)
    learner_pages_changed(user_ids=[user.pk])
    return evaluation


# --------------------------------------------------------- commitment to change

# One reminder this long after the follow-up if it is not answered; nothing after that.
FOLLOWUP_REMINDER_AFTER = timedelta(days=7)


@transaction.atomic
def commitments_record(*, evaluation: Evaluation, commitments: Sequence[tuple[str, int]]) -> list[Commitment]:
    """Store the learner's commitments, numbered in their order, once; they are never edited."""
    if len(commitments) > COMMITMENT_LIMIT:
        raise ValidationError(f"Commit to at most {COMMITMENT_LIMIT} changes.")
    rows = [
        Commitment(evaluation=evaluation, position=position, text=text.strip(), strength=strength)
        for position, (text, strength) in enumerate(commitments, start=1)
    ]
    for row in rows:
        row.full_clean(exclude=["evaluation"], validate_unique=False)
    return Commitment.objects.bulk_create(rows)


def _enqueue_followup_sweep(*, at: datetime) -> None:
    # Imported here because the task module calls into this one.
    from credits.tasks import send_due_followups

    # After commit, so the worker finds the rows. robust: a queue that is down must not
    # undo the evaluation; the next sweep (any follow-up's) sends whatever is due.
    transaction.on_commit(lambda: send_due_followups.using(run_after=at).enqueue(), robust=True)


@transaction.atomic
def followup_schedule(*, evaluation: Evaluation, consent: bool) -> FollowUp:
    """The follow-up about an evaluation's commitments, due Activity.follow_up_days after it.

    Without consent the follow-up is recorded as declined at the evaluation and
    nothing is ever sent; with it, a deferred task wakes the worker when it is due.
    """
    due_at = evaluation.submitted_at + timedelta(days=evaluation.activity.follow_up_days)
    if consent:
        followup = FollowUp.objects.create(evaluation=evaluation, due_at=due_at)
        _enqueue_followup_sweep(at=due_at)
    else:
        followup = FollowUp.objects.create(
            evaluation=evaluation,
            due_at=due_at,
            declined_at=timezone.now(),
            declined_from=FollowUpDeclined.AT_EVALUATION,
        )
    return followup


# Which follow-ups may go out, and which may be reminded, at a given moment. The same
# conditions select the candidates and guard the UPDATE that claims each one.
def _due(now: datetime) -> Q:
    return Q(due_at__lte=now, sent_at__isnull=True, declined_at__isnull=True)


def _reminder_due(now: datetime) -> Q:
    return Q(
        sent_at__lte=now - FOLLOWUP_REMINDER_AFTER,
        reminder_sent_at__isnull=True,
        responded_at__isnull=True,
        declined_at__isnull=True,
    )


def followup_send_due(*, now: datetime | None = None) -> int:
    """Queue every follow-up email and reminder that is due; returns how many were queued.

    Safe to run from any number of workers at once: each follow-up is claimed by
    a conditional UPDATE (still unsent, not declined) in the transaction that
    queues its email, so only one worker's UPDATE matches and only it sends.
    """
    now = now or timezone.now()
    active = FollowUp.objects.filter(evaluation__user__is_active=True).order_by("due_at", "pk")
    queued = 0
    for pk in active.filter(_due(now)).values_list("pk", flat=True):
        queued += _followup_send(pk=pk, now=now, reminder=False)
    for pk in active.filter(_reminder_due(now)).values_list("pk", flat=True):
        queued += _followup_send(pk=pk, now=now, reminder=True)
    return queued


@transaction.atomic
def _followup_send(*, pk: int, now: datetime, reminder: bool) -> bool:
    if reminder:
        claimed = FollowUp.objects.filter(_reminder_due(now), pk=pk).update(reminder_sent_at=now)
    else:
        claimed = FollowUp.objects.filter(_due(now), pk=pk).update(sent_at=now)
    if not claimed:
        return False  # another worker sent it, or the learner answered or declined meanwhile
    followup = FollowUp.objects.select_related("evaluation__user", "evaluation__activity__provider").get(pk=pk)
    evaluation = followup.evaluation
    activity = evaluation.activity
    context = {
        "followup": followup,
        "learner": evaluation.user,
        "activity": activity,
        "commitments": list(evaluation.commitments.all()),
        "evaluated_on": timezone.localtime(evaluation.submitted_at).date(),
        "url": f"{settings.SITE_URL}{followup.get_absolute_url()}",
    }
    prefix = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX
    if reminder:
        subject = f"{prefix}Reminder: how did your practice changes go? ({activity.title})"
    else:
        subject = f"{prefix}How did your practice changes go? ({activity.title})"
    email_queue(
        kind="followup_reminder" if reminder else "followup",
        to=[evaluation.user.email],
        subject=subject,
        body=render_to_string(
            "credits/email/followup_reminder.txt" if reminder else "credits/email/followup.txt", context
        ),
    )
    if not reminder:
        _enqueue_followup_sweep(at=now + FOLLOWUP_REMINDER_AFTER)
    learner_pages_changed(user_ids=[evaluation.user_id])
    return True


@transaction.atomic
def followup_respond(*, followup: FollowUp, answers: dict[int, dict]) -> FollowUp:
    """Record the learner's answer about each commitment, once.

    answers maps each commitment's id to {"implementation": one of Implementation,
    "barriers": values of Barrier, "other_barrier": free text}.
    """
    commitments = list(followup.evaluation.commitments.all())
    if set(answers) != {commitment.pk for commitment in commitments}:
        raise ValidationError("Tell us how each change you committed to went.")
    outcomes, barriers = [], []
    for commitment in commitments:
        answer = answers[commitment.pk]
        outcome = CommitmentOutcome(
            commitment=commitment,
            implementation=answer["implementation"],
            other_barrier=answer.get("other_barrier", "").strip(),
        )
        outcome.full_clean(exclude=["commitment"], validate_unique=False)
        chosen = set(answer.get("barriers", ()))
        if not chosen <= set(Barrier.values):
            raise ValidationError("Choose barriers from the list, or describe others in your own words.")
        outcomes.append(outcome)
        barriers.append(sorted(chosen))
    now = timezone.now()
    # The UPDATE is the lock: of two submits, or a submit racing a decline, one matches.
    if not FollowUp.objects.filter(
        pk=followup.pk, sent_at__isnull=False, responded_at__isnull=True, declined_at__isnull=True
    ).update(responded_at=now):
        raise ValidationError(
            "You have already answered this follow-up."
            if FollowUp.objects.filter(pk=followup.pk, responded_at__isnull=False).exists()
            else "This follow-up is closed: you asked us not to contact you about it."
        )
    CommitmentOutcome.objects.bulk_create(outcomes)
    OutcomeBarrier.objects.bulk_create(
        OutcomeBarrier(outcome=outcome, barrier=barrier)
        for outcome, chosen in zip(outcomes, barriers, strict=True)
        for barrier in chosen
    )
    followup.responded_at = now
    learner_pages_changed(user_ids=[followup.evaluation.user_id])
    return followup


@transaction.atomic
def followup_decline(*, followup: FollowUp) -> int:
    """No more follow-up email: this follow-up and every other the learner has waiting are closed.

    Returns how many were closed. An answered follow-up sends nothing more anyway;
    one already declined stays as it was. A sender racing this waits for the
    UPDATE and then finds the row declined.
    """
    if FollowUp.objects.filter(pk=followup.pk, responded_at__isnull=False).exists():
        raise ValidationError("You have already answered this follow-up: we will not email you about it again.")
    now = timezone.now()
    closed = FollowUp.objects.filter(
        evaluation__user_id=followup.evaluation.user_id, responded_at__isnull=True, declined_at__isnull=True
    ).update(declined_at=now, declined_from=FollowUpDeclined.FROM_FOLLOW_UP)
    followup.refresh_from_db(fields=["declined_at", "declined_from"])
    learner_pages_changed(user_ids=[followup.evaluation.user_id])
    return closed


# ---------------------------------------------------------------------- claims


def _snapshot(*, claim: CreditClaim, number: str, code: str, issued_at) -> dict:
    """Everything the certificate prints, as final text: later edits change nothing."""
    user, activity = claim.user, claim.activity
    completed = timezone.localtime(claim.claimed_at).date()
    issued = timezone.localtime(issued_at)
    return {
        "number": number,
        "document_title": f"Certificate {number}: {activity.title}",
        "learner_name": user.certificate_name,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "degree": user.degree_other if user.degree == "OTHER" else user.get_degree_display(),
        "completion_phrase": f"has completed the {activity.activity_type}",
        "activity_title": activity.title,
        "activity_slug": activity.slug,
        "activity_type": activity.activity_type,
        "activity_summary": activity.summary,
        "activity_topic": activity.topic,
        "max_credits": f"{activity.max_credits:.2f}",
        "provider": activity.provider.name,
        "credit_type": claim.credit_type,
        "credit_type_label": claim.get_credit_type_display(),
        "amount": f"{claim.amount:.2f}",
        **wording.certificate_award(
            credit_type=claim.credit_type, amount=claim.amount, max_credits=activity.max_credits
        ),
        "completed_on": completed.isoformat(),
        "completed_on_text": date_format(completed, "F j, Y"),
        "accreditation_statement": activity.provider.accreditation_statement,
        "designation_statement": wording.designation_statement(activity),
        "issued_at": issued.isoformat(timespec="seconds"),
        "issued_on_text": date_format(issued.date(), "F j, Y"),
        "verify_url": f"{settings.SITE_URL}{Certificate(verification_code=code).verification_path}",
    }


@transaction.atomic
def credit_claim(*, user, activity: Activity, amount: Decimal, attested: bool, pars_consent: bool) -> Certificate:
    """Claim credit once: the claim, its ledger entry and its certificate land together or not at all.

    The steps before the claim (post-test passed, evaluation) are the journey's gate: call
    journey.services.credit_claim, which checks them in the same transaction.
    """
    missing = profile_missing_for_certificate(user)
    if missing:
        raise ValidationError(f"Complete your profile: {', '.join(missing)}.")
    if amount not in amount_choices(activity):
        raise ValidationError(
            f"Choose an amount in steps of 0.25, up to the activity's maximum of {activity.max_credits:.2f}."
        )
    if not attested:
        raise ValidationError("Confirm the attestation to claim credit.")
    if pars_consent and not pars_reporting_possible(user):
        raise ValidationError("Add a board ID or license to your profile before asking us to report to PARS.")
    credit_type = credit_type_for(user)
    try:
        # Twenty parallel requests all reach this insert; the unique constraint
        # lets exactly one claim in and the others leave without a trace.
        with transaction.atomic():
            claim = CreditClaim.objects.create(
                user=user,
                activity=activity,
                credit_type=credit_type,
                amount=amount,
                attestation=wording.attestation_statement(credit_type=credit_type, amount=amount),
                pars_consent=pars_consent,
                pars_consent_statement=wording.pars_consent_statement(activity) if pars_consent else "",
            )
    except IntegrityError:
        raise ValidationError("You have already claimed credit for this activity.") from None
    CreditEntry.objects.create(
        user=user,
        claim=claim,
        kind=EntryKind.AWARD,
        credit_type=credit_type,
        amount=amount,
        earned_on=timezone.localtime(claim.claimed_at).date(),
    )
    record(
        action="claim.created",
        obj=claim,
        actor=user,
        detail={"activity": activity.slug, "credit_type": credit_type, "amount": amount, "pars_consent": pars_consent},
    )
    certificate = _issue_certificate(claim)
    learner_pages_changed(user_ids=[user.pk])
    # The PDF is rendered, stored and emailed once the claim has committed: the
    # year's number row stays locked only for these few inserts, not for a render
    # and an upload, so simultaneous claims do not queue behind each other. If this
    # step fails, the first download renders the file from the snapshot instead.
    transaction.on_commit(lambda: certificate_file_issue(certificate=certificate), robust=True)
    return certificate


def _next_certificate_number(*, year: int, count: int = 1) -> int:
    """The year's next number (the first of `count`), taken under a row lock that holds until the
    claim commits or rolls back.

    Called only once the claim's own row is in (a losing duplicate has already
    left), so every number taken belongs to a certificate that commits, or goes
    back with its rollback: the numbers have no gaps.
    """
    # INSERT … ON CONFLICT DO NOTHING: the first claim of a year creates the
    # row; one racing it waits for that insert and then finds the row.
    CertificateNumberSequence.objects.bulk_create([CertificateNumberSequence(year=year)], ignore_conflicts=True)
    sequence = CertificateNumberSequence.objects.select_for_update().get(year=year)
    first = sequence.last_number + 1
    sequence.last_number += count
    sequence.save(update_fields=["last_number"])
    return first


@transaction.atomic
def claims_record_past(*, claims: Sequence[CreditClaim], batch_size: int = 2000) -> list[Certificate]:
    """Record claims made before this system saw them, in bulk: each with its ledger entry and a certificate.

    For learners brought over from another system and for simulated cohorts
    (outcomes.simulation). Each unsaved claim carries its user and activity
    (loaded, for the snapshot) and its claimed_at. The certificates are numbered
    from the same yearly sequence as live claims, issued at the claim's moment,
    and rendered to PDF on first download like any certificate whose file is
    missing. The learner gets no email: these claims are not news to them.
    """
    claimed_at = {id(claim): claim.claimed_at for claim in claims}
    if None in claimed_at.values():
        raise ValueError("Every past claim needs its claimed_at.")
    created = CreditClaim.objects.bulk_create(claims, batch_size=batch_size)
    for claim in created:  # auto_now_add overrides the value given at insert
        claim.claimed_at = claimed_at[id(claim)]
    CreditClaim.objects.bulk_update(created, ["claimed_at"], batch_size=batch_size)
    CreditEntry.objects.bulk_create(
        (
            CreditEntry(
                user=claim.user,
                claim=claim,
                kind=EntryKind.AWARD,
                credit_type=claim.credit_type,
                amount=claim.amount,
                earned_on=timezone.localtime(claim.claimed_at).date(),
            )
            for claim in created
        ),
        batch_size=batch_size,
    )
    by_year: dict[int, list[CreditClaim]] = {}
    for claim in sorted(created, key=lambda claim: claim.claimed_at):
        by_year.setdefault(timezone.localtime(claim.claimed_at).year, []).append(claim)
    numbered = []
    for year, year_claims in sorted(by_year.items()):
        first = _next_certificate_number(year=year, count=len(year_claims))
        numbered += [(claim, year, first + offset) for offset, claim in enumerate(year_claims)]
    places = _status_places(count=len(numbered))
    certificates = [
        _unsaved_certificate(
            claim=claim, year=year, sequence=sequence, issued_at=claim.claimed_at.replace(microsecond=0), place=place
        )
        for (claim, year, sequence), place in zip(numbered, places, strict=True)
    ]
    issued = Certificate.objects.bulk_create(certificates, batch_size=batch_size)
    learner_pages_changed(user_ids=[claim.user_id for claim in created])
    # One entry for the batch, not one per claim: a migration or a simulated cohort can be tens of thousands.
    record(
        action="claims.recorded_past",
        detail={
            "claims": len(created),
            "certificates": len(issued),
            "activities": sorted({claim.activity.slug for claim in created}),
            "first_number": issued[0].number if issued else None,
            "last_number": issued[-1].number if issued else None,
        },
    )
    return issued


# A status list takes certificates until half its entries are used: a random
# pick is then free at least one time in two, and a list stays one in 131,072.
STATUS_LIST_CAPACITY = STATUS_LIST_SIZE // 2
_random = random.SystemRandom()


def _status_places(*, count: int) -> list[tuple[int, int]]:
    """Places in the revocation status lists for `count` new certificates: (list number, index) pairs.

    Each is a random free index of the open list, taken under that list's row
    lock (held until the claim commits, like the year's number row, and always
    taken after it), so two claims never take the same place. Random places mean
    a certificate's index tells nothing of when it was issued or by whom beside it.
    """
    places = []
    while len(places) < count:
        open_list = StatusList.objects.select_for_update().order_by("-number").first()
        if open_list is None or open_list.allocated >= STATUS_LIST_CAPACITY:
            # INSERT … ON CONFLICT DO NOTHING, then lock it on the next pass: a claim racing
            # this one to open the same list waits for the insert and then finds the row.
            next_number = open_list.number + 1 if open_list else 1
            StatusList.objects.bulk_create([StatusList(number=next_number)], ignore_conflicts=True)
            continue
        take = min(count - len(places), STATUS_LIST_CAPACITY - open_list.allocated)
        used = Certificate.objects.filter(status_list=open_list)
        if take == 1:
            index = _random.randrange(STATUS_LIST_SIZE)
            while used.filter(status_index=index).exists():
                index = _random.randrange(STATUS_LIST_SIZE)
            indices = [index]
        else:
            free = set(range(STATUS_LIST_SIZE)) - set(used.values_list("status_index", flat=True))
            indices = _random.sample(sorted(free), take)
        StatusList.objects.filter(pk=open_list.pk).update(allocated=open_list.allocated + take)
        places += [(open_list.number, index) for index in indices]
    return places


def _unsaved_certificate(
    *, claim: CreditClaim, year: int, sequence: int, issued_at, place: tuple[int, int]
) -> Certificate:
    """The certificate for a claim, numbered in its year, with its verification code, frozen snapshot and
    place in a revocation status list."""
    number = f"CME-{year}-{sequence:06d}"
    code = secrets.token_urlsafe(18)
    snapshot = _snapshot(claim=claim, number=number, code=code, issued_at=issued_at)
    status_list, status_index = place
    return Certificate(
        claim=claim,
        number=number,
        verification_code=code,
        snapshot=snapshot,
        issued_at=issued_at,
        status_list_id=status_list,
        status_index=status_index,
    )


def _issue_certificate(claim: CreditClaim) -> Certificate:
    issued_at = timezone.now().replace(microsecond=0)
    year = timezone.localtime(issued_at).year  # the year printed on the certificate
    sequence = _next_certificate_number(year=year)
    (place,) = _status_places(count=1)
    certificate = _unsaved_certificate(claim=claim, year=year, sequence=sequence, issued_at=issued_at, place=place)
    certificate.save()
    record(action="certificate.issued", obj=certificate, detail={"claim": claim.pk, "number": certificate.number})
    return certificate


def certificate_file_issue(*, certificate: Certificate) -> bytes:
    """After the claim commits: issue the credential, render the PDF with it, record its hash, store it and email it."""
    content = certificate_pdf_bytes(certificate=certificate)
    _email_certificate(certificate, content)
    return content


def _email_certificate(certificate: Certificate, content: bytes) -> None:
    # Queued once the claim has committed, so a refused claim emails no one; a mail
    # server that is down or slow delays the email, never the claim.
    email_queue(
        kind="certificate",
        to=[certificate.claim.user.email],
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}Your certificate for {certificate.snapshot['activity_title']}",
        body=render_to_string(
            "credits/email/certificate.txt", {"certificate": certificate, "site_url": settings.SITE_URL}
        ),
        attachments=[(f"{certificate.number}.pdf", content, "application/pdf")],
    )


class CertificateFileMismatchError(Exception):
    """A rebuilt PDF differs from the one issued (the template, fonts or WeasyPrint changed)."""


def _store_pdf(certificate: Certificate, content: bytes) -> None:
    # Only the file column is written: a full save() from this copy could put
    # back fields (a revocation) that changed since it was loaded.
    certificate.pdf.save(f"{certificate.number}.pdf", ContentFile(content), save=False)
    Certificate.objects.filter(pk=certificate.pk).update(pdf=certificate.pdf.name)


def certificate_pdf_bytes(*, certificate: Certificate) -> bytes:
    """The stored PDF; if it is missing, rendered from the snapshot and checked against the recorded hash."""
    if certificate.pdf and default_storage.exists(certificate.pdf.name):
        with certificate.pdf.open("rb") as stored:
            return stored.read()
    content, digest = pdf.render_certificate(
        certificate.snapshot, credential_json=certificate_credential(certificate=certificate)
    )
    if not certificate.pdf_sha256:
        # The first render is the issued document: its hash is recorded once, and
        # every later rebuild must match it.
        if Certificate.objects.filter(pk=certificate.pk, pdf_sha256="").update(pdf_sha256=digest):
            certificate.pdf_sha256 = digest
        else:
            certificate.refresh_from_db(fields=["pdf_sha256"])
    if digest != certificate.pdf_sha256:
        logger.error("Rebuilt PDF for certificate %s does not match its recorded SHA-256.", certificate.number)
        raise CertificateFileMismatchError(certificate.number)
    _store_pdf(certificate, content)
    return content


@transaction.atomic
def certificate_credential(*, certificate: Certificate) -> str:
    """The certificate's signed Open Badges 3.0 credential as JSON text: issued the first time it is asked for, then
    the same text for ever.

    Signed with the site's current key. The first caller's text is kept (a
    conditional UPDATE, like the PDF's hash), so two first requests at once still
    hand out one credential.
    """
    if certificate.credential_json:
        return certificate.credential_json
    unsigned = badges.open_badge_credential(certificate)
    signed = sign(
        unsigned,
        private_key=signing_key(),
        verification_method=current_verification_method(),
        created=badges.timestamp(timezone.now()),
    )
    text = json.dumps(signed, indent=2, ensure_ascii=False)
    if Certificate.objects.filter(pk=certificate.pk, credential_json="").update(credential_json=text):
        certificate.credential_json = text
        record(
            action="credential.issued",
            obj=certificate,
            detail={"number": certificate.number, "verification_method": signed["proof"]["verificationMethod"]},
        )
    else:
        certificate.refresh_from_db(fields=["credential_json"])
    return certificate.credential_json


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, reason: str, by) -> Certificate:
    """Revoke with a recorded reason; the credit is reversed by a new ledger entry, never deleted."""
    reason = reason.strip()
    if not reason:
        raise ValidationError("Give the reason for revoking this certificate.")
    locked = Certificate.objects.select_for_update().select_related("claim").get(pk=certificate.pk)
    if locked.is_revoked:
        raise ValidationError("This certificate is already revoked.")
    locked.revoked_at = timezone.now()
    locked.revoked_reason = reason
    locked.revoked_by = by
    locked.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
    record(
        action="certificate.revoked",
        obj=locked,
        actor=by,
        changes={"revoked_at": [None, locked.revoked_at], "revoked_reason": ["", reason]},
    )
    award = CreditEntry.objects.get(claim=locked.claim, kind=EntryKind.AWARD)
    CreditEntry.objects.create(
        user=award.user,
        claim=award.claim,
        kind=EntryKind.REVERSAL,
        credit_type=award.credit_type,
        amount=-award.amount,
        earned_on=award.earned_on,
        reason=f"Certificate {locked.number} revoked: {reason}",
    )
    learner_pages_changed(user_ids=[award.user_id])
    # The learner hears it from us, with the reason, not first from someone who checked the link.
    email_queue(
        kind="certificate_revoked",
        to=[award.user.email],
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}Your certificate {locked.number} has been revoked",
        body=render_to_string(
            "credits/email/certificate_revoked.txt",
            {"certificate": locked, "reason": reason, "site_url": settings.SITE_URL},
        ),
    )
    return locked


# ------------------------------------------------------------- self-reported


@transaction.atomic
def external_credit_add(
    *, user, title: str, provider: str, completed_on: date, credit_type: str, amount: Decimal
) -> ExternalCredit:
    """Record credit earned elsewhere, up to EXTERNAL_CREDIT_LIMIT entries per learner."""
    credit = ExternalCredit(
        user=user, title=title, provider=provider, completed_on=completed_on, credit_type=credit_type, amount=amount
    )
    credit.full_clean()
    # The learner's row is the lock: parallel adds queue here, so each counts
    # the others' entries and together they cannot pass the limit.
    get_user_model().objects.select_for_update().only("pk").get(pk=user.pk)
    if ExternalCredit.objects.filter(user=user).count() >= EXTERNAL_CREDIT_LIMIT:
        raise ValidationError(
            f"You can keep up to {EXTERNAL_CREDIT_LIMIT} self-reported entries. Remove ones you no longer need "
            "before adding more."
        )
    credit.save()
    learner_pages_changed(user_ids=[user.pk])
    return credit


@transaction.atomic
def external_credit_delete(*, credit: ExternalCredit) -> None:
    credit.delete()
    learner_pages_changed(user_ids=[credit.user_id])
