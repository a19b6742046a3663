"""Staff see outbound email read-only and may queue a failed one again with the change permission."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from notifications.models import EmailStatus, OutboundEmail

CHANGELIST = reverse("admin:notifications_outboundemail_changelist")


@pytest.fixture
def failed_email(db):
    return OutboundEmail.objects.create(
        kind="account/email/password_reset_key",
        recipients=["alice@example.org"],
        subject="[Oncology CME] Password Reset Email",
        body="Reset at https://cme.example.org/accounts/password/reset/key/secret-token/",
        status=EmailStatus.FAILED,
        attempts=8,
        claimed_at=timezone.now(),
        last_error="SMTPException: Connection unexpectedly closed",
    )


def staff_client_with(user_factory, *codenames) -> Client:
    user = user_factory(is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="notifications", codename__in=codenames)
    )
    client = Client()
    client.force_login(user)
    return client


def retry(client, email):
    return client.post(CHANGELIST, {"action": "retry_delivery", ACTION_CHECKBOX_NAME: [str(email.pk)]}, follow=True)


def test_staff_see_status_attempts_error_recipient_and_subject_but_never_the_body(user_factory, failed_email):
    client = staff_client_with(user_factory, "view_outboundemail")

    listing = client.get(CHANGELIST, {"status__exact": "failed"})
    assert listing.status_code == 200
    assert "alice@example.org" in listing.text and "Password Reset Email" in listing.text
    assert "alice@example.org" in client.get(CHANGELIST, {"q": "alice@"}).text
    assert "alice@example.org" not in client.get(CHANGELIST, {"q": "bob@"}).text

    detail = client.get(reverse("admin:notifications_outboundemail_change", args=[failed_email.pk]))
    assert detail.status_code == 200
    for shown in ("Failed", "8", "SMTPException: Connection unexpectedly closed", "alice@example.org"):
        assert shown in detail.text
    assert "secret-token" not in detail.text


def test_no_one_edits_a_row_by_hand(user_factory, failed_email):
    client = staff_client_with(user_factory, "view_outboundemail", "change_outboundemail")

    response = client.post(
        reverse("admin:notifications_outboundemail_change", args=[failed_email.pk]), {"status": "sent"}
    )

    assert response.status_code == 403
    failed_email.refresh_from_db()
    assert failed_email.status == EmailStatus.FAILED


def test_the_retry_action_requires_the_change_permission(user_factory, failed_email):
    client = staff_client_with(user_factory, "view_outboundemail")

    assert "retry_delivery" not in client.get(CHANGELIST).text
    retry(client, failed_email)

    failed_email.refresh_from_db()
    assert (failed_email.status, failed_email.attempts) == (EmailStatus.FAILED, 8)
    assert mail.outbox == []


def test_retrying_a_failed_email_queues_and_delivers_it(user_factory, failed_email, django_capture_on_commit_callbacks):
    client = staff_client_with(user_factory, "view_outboundemail", "change_outboundemail")
    assert "retry_delivery" in client.get(CHANGELIST).text

    with django_capture_on_commit_callbacks(execute=True):
        response = retry(client, failed_email)

    assert "Queued 1 failed or stuck email(s) for delivery again." in response.text
    (message,) = mail.outbox
    assert message.to == ["alice@example.org"]
    failed_email.refresh_from_db()
    assert (failed_email.status, failed_email.attempts) == (EmailStatus.SENT, 1)


def test_retrying_leaves_a_sent_email_alone(user_factory, db, django_capture_on_commit_callbacks):
    sent = OutboundEmail.objects.create(
        kind="certificate",
        recipients=["bob@example.org"],
        subject="Your certificate",
        status=EmailStatus.SENT,
        attempts=1,
        claimed_at=timezone.now(),
        sent_at=timezone.now(),
    )
    client = staff_client_with(user_factory, "view_outboundemail", "change_outboundemail")

    with django_capture_on_commit_callbacks(execute=True):
        response = retry(client, sent)

    assert "sent ones, and ones a worker is delivering now, are not retried" in response.text
    assert mail.outbox == []
    sent.refresh_from_db()
    assert sent.status == EmailStatus.SENT


def test_the_list_cannot_be_filtered_on_what_it_never_shows(user_factory, failed_email):
    """Otherwise ?body__contains= would spell out a queued reset link one character at a time."""
    from django.test import Client

    client = Client()
    client.force_login(user_factory(staff=True))
    url = "/admin/notifications/outboundemail/"
    for field in ("body", "html_body", "attachments"):
        assert client.get(url, {f"{field}__contains": "a"}).status_code == 400
    assert client.get(url, {"status__exact": "failed"}).status_code == 200
