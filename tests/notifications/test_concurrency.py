"""Parallel deliveries of one email (a duplicated task, a retry racing an admin) send it once."""

import pytest
from django.db import connection

from notifications.models import EmailStatus, OutboundEmail
from notifications.services import email_deliver
from tests.concurrency import run_in_parallel
from tests.notifications.mail_backends import SlowBackend

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent writers"),
]


def test_five_parallel_deliveries_send_one_message(transactional_db, settings):
    settings.EMAIL_BACKEND = "tests.notifications.mail_backends.SlowBackend"
    SlowBackend.sent = []
    email = OutboundEmail.objects.create(
        kind="certificate", recipients=["learner@example.org"], subject="Your certificate", body="Hello."
    )

    run_in_parallel(lambda: email_deliver(email_id=email.pk), threads=5)

    assert len(SlowBackend.sent) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.SENT, 1)
