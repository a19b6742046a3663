from django.db import models


class EmailStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class OutboundEmail(models.Model):
    """One message on its way out, delivered by a background task (notifications.tasks).

    The body and attachments are blanked once the message is sent: they can hold
    sign-in and password-reset links, which must not outlive their delivery here.
    """

    kind = models.CharField(max_length=100, help_text="What the message is: an allauth template, 'certificate', …")
    recipients = models.JSONField(help_text="The addresses the message goes to.")
    subject = models.CharField(max_length=998)
    body = models.TextField(blank=True)
    html_body = models.TextField(blank=True, help_text="An optional HTML alternative to the plain-text body.")
    attachments = models.JSONField(
        default=list, blank=True, help_text="Each attachment's filename, base64 content and MIME type."
    )
    status = models.CharField(max_length=10, choices=EmailStatus.choices, default=EmailStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Delivery attempts since it was last queued.")
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(
        null=True, blank=True, help_text="When a worker last took the message to send it."
    )
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "outbound email"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=EmailStatus.values), name="notifications_email_status_known"
            ),
            models.CheckConstraint(condition=~models.Q(kind=""), name="notifications_email_has_kind"),
            # A sent row has its time and no longer holds the message; no other row claims to be sent.
            models.CheckConstraint(
                condition=models.Q(
                    status=EmailStatus.SENT, sent_at__isnull=False, body="", html_body="", attachments=[]
                )
                | ~models.Q(status=EmailStatus.SENT) & models.Q(sent_at__isnull=True),
                name="notifications_email_sent_is_blanked",
            ),
            # Nothing is being sent, sent or given up on without having been tried.
            models.CheckConstraint(
                condition=models.Q(status=EmailStatus.QUEUED) | models.Q(attempts__gte=1, claimed_at__isnull=False),
                name="notifications_email_done_after_an_attempt",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {', '.join(self.recipients)}"
