"""Writes for evaluation, claims, certificates and self-reported credit."""

import logging
import secrets
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format

from accounts.selectors import profile_missing_for_certificate
from activities.models import Activity
from credits import pdf, wording
from credits.models import (
    Certificate,
    CertificateNumberSequence,
    CreditClaim,
    CreditEntry,
    EntryKind,
    Evaluation,
    ExternalCredit,
    ObjectiveRating,
    PracticeChange,
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
def evaluation_submit(*, user, activity: Activity, answers: dict, objective_ratings: dict[int, int]) -> Evaluation:
    """Record the learner's evaluation once. Whether they may evaluate yet is the journey's gate:
    call journey.services.evaluation_submit, which checks it in the same transaction."""
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
    return evaluation


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
    certificate = _issue_certificate(claim)
    # The PDF is rendered, stored and emailed once the claim has committed: the
    # year's number row stays locked only for these few inserts, not for a render
    # and an upload, so simultaneous claims do not queue behind each other. If this
    # step fails, the first download renders the file from the snapshot instead.
    transaction.on_commit(lambda: certificate_file_issue(certificate=certificate), robust=True)
    return certificate


def _next_certificate_number(*, year: int) -> int:
    """The year's next number, taken under a row lock that holds until the claim commits or rolls back.

    Called only once the claim's own row is in (a losing duplicate has already
    left), so every number taken belongs to a certificate that commits, or goes
    back with its rollback: the numbers have no gaps.
    """
    # INSERT … ON CONFLICT DO NOTHING: the first claim of a year creates the
    # row; one racing it waits for that insert and then finds the row.
    CertificateNumberSequence.objects.bulk_create([CertificateNumberSequence(year=year)], ignore_conflicts=True)
    sequence = CertificateNumberSequence.objects.select_for_update().get(year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return sequence.last_number


def _issue_certificate(claim: CreditClaim) -> Certificate:
    issued_at = timezone.now().replace(microsecond=0)
    year = timezone.localtime(issued_at).year  # the year printed on the certificate
    number = f"CME-{year}-{_next_certificate_number(year=year):06d}"
    code = secrets.token_urlsafe(18)
    snapshot = _snapshot(claim=claim, number=number, code=code, issued_at=issued_at)
    return Certificate.objects.create(
        claim=claim, number=number, verification_code=code, snapshot=snapshot, issued_at=issued_at
    )


def certificate_file_issue(*, certificate: Certificate) -> bytes:
    """After the claim commits: render the PDF, record its hash, store it and email it to the learner."""
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
    content, digest = pdf.render_certificate(certificate.snapshot)
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
    return credit


@transaction.atomic
def external_credit_delete(*, credit: ExternalCredit) -> None:
    credit.delete()
