"""Error reports to ADMINS go through the outbound email queue, like every other message.

Django's own AdminEmailHandler sends in the request that failed, so a hanging mail
server made every error page wait EMAIL_TIMEOUT seconds.
"""

import contextlib

from django.conf import settings
from django.utils.log import AdminEmailHandler


class QueuedAdminEmailHandler(AdminEmailHandler):
    def send_mail(self, subject, message, *args, **kwargs):
        if not settings.ADMINS:
            return
        from notifications.services import email_queue  # the app registry is ready by the time errors happen

        # The database may be what failed; the console log still has the error.
        with contextlib.suppress(Exception):
            email_queue(
                kind="error_report",
                to=[address for _name, address in settings.ADMINS],
                subject=f"{settings.EMAIL_SUBJECT_PREFIX}{subject}",
                body=message,
                html_body=kwargs.get("html_message") or "",
            )
