"""Mail backends that behave like a broken SMTP server, for EMAIL_BACKEND in tests."""

import smtplib
import time

from django.core.mail.backends.base import BaseEmailBackend


class RefusingBackend(BaseEmailBackend):
    """A server that is down: every send raises, as Django's SMTP backend does."""

    calls = 0

    def send_messages(self, email_messages):
        type(self).calls += 1
        raise smtplib.SMTPException("Connection unexpectedly closed (test server is down)")


class HangingBackend(BaseEmailBackend):
    """A server that accepts the connection and never answers: the send stalls until the
    socket timeout (EMAIL_TIMEOUT, shortened here) and then fails, as Django's SMTP backend does."""

    calls = 0
    stall_seconds = 0.5

    def send_messages(self, email_messages):
        type(self).calls += 1
        time.sleep(self.stall_seconds)
        raise TimeoutError("timed out")


class SlowBackend(BaseEmailBackend):
    """A server that takes a moment to accept each message, so parallel senders overlap."""

    sent: list = []

    def send_messages(self, email_messages):
        time.sleep(0.3)
        type(self).sent.extend(email_messages)
        return len(email_messages)
