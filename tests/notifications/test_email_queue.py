"""Outbound email: queued in the request, delivered by a task, retried with a growing delay."""

import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from accounts.models import User
from notifications.models import EmailStatus, OutboundEmail
from notifications.services import email_deliver, email_queue

PDF = b"%PDF-1.7 not really a PDF"


def queue_one(**overrides) -> OutboundEmail:
    fields = {
        "kind": "certificate",
        "to": ["learner@example.org"],
        "subject": "Your certificate",
        "body": "Sign in at https://cme.example.org/secret-token/",
        "html_body": "<p>Sign in at https://cme.example.org/secret-token/</p>",
        "attachments": [("CME-2026-000001.pdf", PDF, "application/pdf")],
    }
    return email_queue(**{**fields, **overrides})


class TestDelivery:
    def test_it_sends_the_message_once_the_transaction_commits(
        self, db, tasks_backend, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            email = queue_one()
            assert mail.outbox == []  # nothing leaves before the row is committed
        assert len(callbacks) >= 1

        (message,) = mail.outbox
        assert message.to == ["learner@example.org"]
        assert message.subject == "Your certificate"
        assert message.body == "Sign in at https://cme.example.org/secret-token/"
        assert message.alternatives[0][1] == "text/html"
        assert message.attachments == [("CME-2026-000001.pdf", PDF, "application/pdf")]
        email.refresh_from_db()
        assert (email.status, email.attempts, email.last_error) == (EmailStatus.SENT, 1, "")
        assert email.sent_at is not None

    def test_it_blanks_the_body_and_attachments_after_a_successful_send(
        self, db, tasks_backend, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            email = queue_one()

        email.refresh_from_db()
        assert (email.body, email.html_body, email.attachments) == ("", "", [])
        # Subject and recipients stay, for staff to see what went out.
        assert (email.subject, email.recipients) == ("Your certificate", ["learner@example.org"])

    @pytest.mark.parametrize(
        "leftover",
        [
            {"body": "still here"},
            {"html_body": "<p>still here</p>"},
            {"attachments": [{"filename": "a.pdf", "content": "JVBERg==", "mimetype": "application/pdf"}]},
        ],
    )
    def test_the_database_refuses_a_sent_row_that_still_holds_its_message(self, db, leftover):
        sent = {"kind": "certificate", "recipients": ["learner@example.org"], "subject": "Your certificate"}
        sent |= {"status": EmailStatus.SENT, "attempts": 1, "sent_at": timezone.now(), "claimed_at": timezone.now()}
        OutboundEmail.objects.create(**sent)  # blanked: fine
        with pytest.raises(IntegrityError), transaction.atomic():
            OutboundEmail.objects.create(**sent, **leftover)

    def test_it_sends_a_message_once_when_delivered_twice(self, db, tasks_backend, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            email = queue_one()
        email_deliver(email_id=email.pk)
        email_deliver(email_id=email.pk)

        assert len(mail.outbox) == 1
        email.refresh_from_db()
        assert email.attempts == 1

    def test_it_puts_only_the_row_id_in_the_queue(self, db, settings, django_capture_on_commit_callbacks):
        # The production backend: the task row must not carry the message (or the link in it).
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
        with django_capture_on_commit_callbacks(execute=True):
            email = queue_one()

        (task,) = DBTaskResult.objects.all()
        assert task.task_path == "notifications.tasks.deliver_email"
        assert task.args_kwargs == {"args": [email.pk], "kwargs": {}}
        assert mail.outbox == []  # the request sent nothing; the worker will


class TestRetries:
    def test_it_retries_a_failing_send_with_a_growing_delay_and_ends_failed_after_the_maximum(
        self, db, settings, tasks_backend, smtp_down, django_capture_on_commit_callbacks, caplog
    ):
        settings.EMAIL_MAX_ATTEMPTS = 3
        settings.EMAIL_RETRY_DELAY = 60

        with django_capture_on_commit_callbacks(execute=True):
            email = queue_one()
        delays = []
        for _ in range(5):  # bounded, so a missing maximum fails instead of looping
            if not tasks_backend.deferred:
                break
            (retry,) = tasks_backend.deferred
            assert retry.args == [email.pk]
            delays.append(retry.task.run_after - timezone.now())
            email.refresh_from_db()
            assert (email.status, email.attempts) == (EmailStatus.QUEUED, len(delays))
            with django_capture_on_commit_callbacks(execute=True):
                tasks_backend.run_deferred()

        assert smtp_down.calls == 3
        assert [round(delay / timedelta(seconds=60)) for delay in delays] == [1, 2]
        email.refresh_from_db()
        assert (email.status, email.attempts) == (EmailStatus.FAILED, 3)
        assert email.last_error.startswith("SMTPException: Connection unexpectedly closed")
        assert email.body  # kept, so staff can retry it
        assert any(
            record.levelno == logging.ERROR and f"email {email.pk}" in record.getMessage() for record in caplog.records
        )

    def test_a_retry_sends_a_message_that_failed_before(
        self, db, settings, tasks_backend, smtp_down, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            email = queue_one()
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the server is back

        with django_capture_on_commit_callbacks(execute=True):
            tasks_backend.run_deferred()

        assert len(mail.outbox) == 1
        email.refresh_from_db()
        assert (email.status, email.attempts) == (EmailStatus.SENT, 2)


class TestAccountMailWithABrokenServer:
    def test_sign_up_succeeds_and_queues_the_mail_when_the_server_is_down(
        self, client, db, password, tasks_backend, smtp_down, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("account_signup"),
                {"email": "new.doctor@example.org", "password1": password, "password2": password},
            )

        assert response.status_code == 302
        assert response["Location"] == reverse("account_email_verification_sent")
        assert User.objects.filter(email="new.doctor@example.org").exists()
        email = OutboundEmail.objects.get()
        assert (email.kind, email.recipients) == ("account/email/email_confirmation_signup", ["new.doctor@example.org"])
        assert (email.status, email.attempts) == (EmailStatus.QUEUED, 1)
        assert "SMTPException" in email.last_error
        assert len(tasks_backend.deferred) == 1  # and a retry is waiting

    def test_password_reset_succeeds_and_queues_the_mail_when_the_server_is_down(
        self, client, alice, tasks_backend, smtp_down, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("account_reset_password"), {"email": "alice@example.org"})

        assert response.status_code == 302
        assert response["Location"] == reverse("account_reset_password_done")
        assert client.get(response["Location"]).status_code == 200
        email = OutboundEmail.objects.get()
        assert (email.kind, email.recipients) == ("account/email/password_reset_key", ["alice@example.org"])
        assert (email.status, email.attempts) == (EmailStatus.QUEUED, 1)
        assert "/accounts/password/reset/key/" in email.body  # kept for the retry
        assert len(tasks_backend.deferred) == 1

    def test_sign_up_does_not_wait_for_a_hanging_server(
        self, client, db, settings, password, smtp_hanging, django_capture_on_commit_callbacks
    ):
        # With the production backend the request only queues; the worker meets the hanging server.
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("account_signup"),
                {"email": "new.doctor@example.org", "password1": password, "password2": password},
            )
        assert response.status_code == 302
        assert smtp_hanging.calls == 0
        email = OutboundEmail.objects.get()
        assert (email.status, email.attempts) == (EmailStatus.QUEUED, 0)

        worker = Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test-worker",
            excluded_queue_names=[],
        )
        first = DBTaskResult.objects.get()
        with django_capture_on_commit_callbacks(execute=True):
            worker.run_task(first)

        assert smtp_hanging.calls == 1
        email.refresh_from_db()
        assert (email.status, email.attempts, email.last_error) == (EmailStatus.QUEUED, 1, "TimeoutError: timed out")
        retry = DBTaskResult.objects.exclude(pk=first.pk).get()
        assert retry.args_kwargs == {"args": [email.pk], "kwargs": {}}
        assert retry.run_after > timezone.now() + timedelta(seconds=50)


def test_no_transaction_is_open_while_the_mail_server_is_talking(db, monkeypatch):
    """A hanging server must not hold a lock: on SQLite that would block every write in the app."""
    from django.db import connection

    from notifications.services import email_deliver, email_queue

    email = email_queue(kind="test", to=["a@example.org"], subject="Hello", body="Body")
    seen = []

    def send(message, *args, **kwargs):
        # pytest-django wraps each test in one transaction; anything deeper is the service's own.
        seen.append(len(connection.savepoint_ids))
        return 1

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", send)
    email_deliver(email_id=email.pk)
    assert seen == [0]
    email.refresh_from_db()
    assert email.status == "sent"


def test_a_message_whose_worker_died_mid_send_is_taken_again_once_stale(db, monkeypatch, settings):
    from datetime import timedelta

    from django.core import mail
    from django.utils import timezone

    from notifications.models import OutboundEmail
    from notifications.services import email_deliver, email_queue, email_retry, stale_after

    email = email_queue(kind="test", to=["a@example.org"], subject="Hello", body="Body")
    claimed = timezone.now()
    OutboundEmail.objects.filter(pk=email.pk).update(status="sending", attempts=1, claimed_at=claimed)

    email_deliver(email_id=email.pk)  # another worker holds it, recently: leave it alone
    assert len(mail.outbox) == 0

    OutboundEmail.objects.filter(pk=email.pk).update(claimed_at=claimed - stale_after() - timedelta(seconds=1))
    assert email_retry(email_ids=[email.pk]) == 1
    email_deliver(email_id=email.pk)
    assert len(mail.outbox) == 1
    assert OutboundEmail.objects.get(pk=email.pk).status == "sent"


def test_error_reports_to_admins_are_queued_not_sent_in_the_request(db, settings, monkeypatch):
    import logging

    from notifications.models import OutboundEmail

    settings.DEBUG = False
    settings.ADMINS = [("Admins", "ops@example.org")]
    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", lambda *a, **k: 1 / 0)
    monkeypatch.setattr("django.core.mail.EmailMessage.send", lambda *a, **k: 1 / 0)
    logging.getLogger("django.request").error("Internal Server Error: /boom/")
    email = OutboundEmail.objects.get(kind="error_report")
    assert email.recipients == ["ops@example.org"]
    assert "Internal Server Error: /boom/" in email.subject


def test_an_error_report_never_fails_when_the_queue_cannot_store_it(db, settings, monkeypatch):
    import logging

    settings.DEBUG = False
    settings.ADMINS = [("Admins", "ops@example.org")]
    monkeypatch.setattr("notifications.services.OutboundEmail.objects.create", lambda **kw: 1 / 0)
    logging.getLogger("django.request").error("Internal Server Error: /boom/")  # must not raise
