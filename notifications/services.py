"""Writes for outbound email: queue a message, deliver it (the task's body), retry what failed.

Mail never goes out inside a request: a dead or hanging SMTP server must not
turn a sign-up or a credit claim into an error page or a ten-second wait. The
request stores the message and a background worker delivers it, retrying with
a growing delay.
"""

import base64
import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.utils import timezone

from notifications.models import EmailStatus, OutboundEmail

logger = logging.getLogger(__name__)

# Enough of an SMTP error to diagnose it in admin, not a whole transcript.
ERROR_LENGTH = 2000


@transaction.atomic
def email_queue(
    *,
    kind: str,
    to: list[str],
    subject: str,
    body: str,
    html_body: str = "",
    attachments: list[tuple[str, bytes, str]] = (),
) -> OutboundEmail:
    """Store a message and have it delivered once the surrounding transaction commits.

    attachments are (filename, content, MIME type), as EmailMessage.attach takes them.
    """
    if not to:
        raise ValueError("An email needs at least one recipient.")
    email = OutboundEmail.objects.create(
        kind=kind,
        recipients=list(to),
        subject=subject,
        body=body,
        html_body=html_body,
        attachments=[
            {"filename": filename, "content": base64.b64encode(content).decode("ascii"), "mimetype": mimetype}
            for filename, content, mimetype in attachments
        ],
    )
    _enqueue_delivery(email_id=email.pk)
    return email


def _enqueue_delivery(*, email_id: int, run_after: datetime | None = None) -> None:
    # Imported here because the task module calls into this one.
    from notifications.tasks import deliver_email

    def enqueue() -> None:
        task = deliver_email if run_after is None else deliver_email.using(run_after=run_after)
        # Only the id goes into the queue: message bodies (and the links in them) stay in this table.
        task.enqueue(email_id)

    # After commit, so the worker finds the row (and, on a retry, the attempt just recorded).
    # robust: if the queue itself is down, the sign-up or claim that queued the mail still
    # succeeds; the error is logged and the row stays queued for staff to see.
    transaction.on_commit(enqueue, robust=True)


def retry_delay(*, attempts: int) -> timedelta:
    """The wait before the next attempt: EMAIL_RETRY_DELAY, doubled after each failure."""
    return timedelta(seconds=settings.EMAIL_RETRY_DELAY * 2 ** (attempts - 1))


def _message(email: OutboundEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(subject=email.subject, body=email.body, to=email.recipients)
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    for attachment in email.attachments:
        message.attach(attachment["filename"], base64.b64decode(attachment["content"]), attachment["mimetype"])
    return message


def stale_after() -> timedelta:
    """How long a message may sit claimed by a worker before another may take it (the first one died)."""
    return timedelta(seconds=settings.EMAIL_TIMEOUT * 3 + 60)


def _claim(*, email_id: int) -> OutboundEmail | None:
    """Take a queued message (or one whose worker died mid-send) for one attempt, in a short transaction.

    The lock is held only for this update, never while SMTP is talking: on SQLite
    a write lock blocks the whole database, and on PostgreSQL a long transaction
    would pin a connection for as long as a hanging server takes.
    """
    now = timezone.now()
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update()
            .filter(
                models.Q(status=EmailStatus.QUEUED)
                | models.Q(status=EmailStatus.SENDING, claimed_at__lt=now - stale_after()),
                pk=email_id,
            )
            .first()
        )
        if email is None:
            return None
        email.status = EmailStatus.SENDING
        email.attempts += 1
        email.claimed_at = now
        email.save(update_fields=["status", "attempts", "claimed_at"])
    return email


def email_deliver(*, email_id: int) -> None:
    """Send one queued email through Django's mail backend (EMAIL_TIMEOUT bounds a hanging server).

    Idempotent: a row that is sent, given up on, or being sent by another worker is
    left alone, so a duplicate task never sends a message twice. A worker that dies
    between sending and recording leaves the row "sending"; after stale_after() it
    may be sent again, so delivery is at least once.
    """
    email = _claim(email_id=email_id)
    if email is None:
        return
    try:
        _message(email).send()
    except Exception as error:
        _record_failure(email, f"{type(error).__name__}: {error}"[:ERROR_LENGTH])
        return
    with transaction.atomic():
        OutboundEmail.objects.filter(pk=email.pk, status=EmailStatus.SENDING).update(
            status=EmailStatus.SENT, sent_at=timezone.now(), body="", html_body="", attachments=[], last_error=""
        )


@transaction.atomic
def _record_failure(email: OutboundEmail, error: str) -> None:
    if email.attempts >= settings.EMAIL_MAX_ATTEMPTS:
        status = EmailStatus.FAILED
        logger.error(
            "Gave up delivering email %s (%s) after %s attempts: %s", email.pk, email.kind, email.attempts, error
        )
    else:
        status = EmailStatus.QUEUED
        delay = retry_delay(attempts=email.attempts)
        _enqueue_delivery(email_id=email.pk, run_after=timezone.now() + delay)
        logger.warning(
            "Email %s (%s) attempt %s failed, retrying in %s: %s", email.pk, email.kind, email.attempts, delay, error
        )
    OutboundEmail.objects.filter(pk=email.pk, status=EmailStatus.SENDING).update(status=status, last_error=error)


@transaction.atomic
def email_retry(*, email_ids: Iterable[int]) -> int:
    """Queue failed or stuck emails again for a fresh round of attempts; returns how many were queued.

    Stuck means claimed by a worker that died mid-send, or queued so long ago that
    its task was evidently lost (the queue was down when it was stored). Sent rows,
    and rows a worker is handling now, are left alone.
    """
    long_ago = timezone.now() - stale_after()
    stuck_or_failed = (
        models.Q(status=EmailStatus.FAILED)
        | models.Q(status=EmailStatus.SENDING, claimed_at__lt=long_ago)
        # A queued row whose task is still pending is harmless to queue again: delivery is
        # idempotent, so whichever task runs second finds it sent and leaves it.
        | models.Q(status=EmailStatus.QUEUED, created_at__lt=long_ago)
    )
    emails = list(OutboundEmail.objects.select_for_update().filter(stuck_or_failed, pk__in=email_ids))
    for email in emails:
        # The last error stays on the row until the next attempt replaces it.
        email.status = EmailStatus.QUEUED
        email.attempts = 0
        email.claimed_at = None
        email.save(update_fields=["status", "attempts", "claimed_at"])
        _enqueue_delivery(email_id=email.pk)
    return len(emails)
