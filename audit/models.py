"""The action log: who changed what, when and from where, for the provider's auditors.

Rows are only ever added. The model refuses to save an existing row or delete
one, its querysets refuse update() and delete(), and the database refuses the
same through triggers (migration 0002), so neither a slip in the code nor a
raw SQL session can rewrite history. `manage.py flush`, which empties every
table on purpose, is the one exception (audit/management/commands/flush.py).
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class AppendOnlyError(Exception):
    """An attempt to change or delete an action log entry."""


class ActionLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The action log is append-only: its entries cannot be changed.")

    def delete(self):
        raise AppendOnlyError("The action log is append-only: its entries cannot be deleted.")


class ActionLogEntry(models.Model):
    at = models.DateTimeField("when", default=timezone.now, db_index=True)
    # Null for the system (a worker, a management command). PROTECT: a user
    # who acted stays, so the entry keeps pointing at them.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(
        "who", max_length=254, help_text="Who acted, as they were then: the email, or “system: …” with the process."
    )
    action = models.CharField(max_length=64, help_text="A dotted verb: question.published, certificate.revoked, …")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField("object", max_length=300, blank=True, help_text="The object as it read at the time.")
    changes = models.JSONField(default=dict, blank=True, help_text="{field: [before, after]} for an edit.")
    detail = models.JSONField(default=dict, blank=True, help_text="More context: an import's counts, a file name.")
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    objects = ActionLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "action log entry"
        verbose_name_plural = "action log"
        # Related lookups use the base manager; it refuses bulk writes too.
        base_manager_name = "objects"
        indexes = [
            models.Index(fields=["content_type", "object_id", "-at"], name="audit_entry_object_idx"),
            models.Index(fields=["action", "-at"], name="audit_entry_action_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_repr}".strip()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("The action log is append-only: its entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The action log is append-only: its entries cannot be deleted.")
