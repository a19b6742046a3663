from django.contrib import admin, messages

from notifications.models import OutboundEmail
from notifications.services import email_retry


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    """What went out, what is waiting and what failed; the only change is queueing a failed email again."""

    list_display = ["subject", "recipient", "kind", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["subject", "recipients"]
    # The body is never shown: until it is sent it can hold someone's sign-in or reset link.
    readonly_fields = ["kind", "recipient", "subject", "status", "attempts", "last_error", "attachment_names",
                       "created_at", "claimed_at", "sent_at"]  # fmt: skip
    fields = readonly_fields
    actions = ["retry_delivery"]

    # The changelist accepts ?<field>__<lookup>= filters on any field; on the body that would let
    # staff guess a queued reset link one character at a time without ever seeing it.
    hidden_fields = ("body", "html_body", "attachments")

    def lookup_allowed(self, lookup, value, request=None):
        if lookup.split("__")[0] in self.hidden_fields:
            return False
        return super().lookup_allowed(lookup, value, request)

    @admin.display(description="Recipient")
    def recipient(self, email):
        return ", ".join(email.recipients)

    @admin.display(description="Attachments")
    def attachment_names(self, email):
        return ", ".join(attachment["filename"] for attachment in email.attachments) or "—"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # The change permission is what the retry action requires (asked without an object);
        # a row itself is never edited, so its page is read-only for everyone.
        return obj is None and super().has_change_permission(request)

    @admin.action(description="Retry delivery", permissions=["change"])
    def retry_delivery(self, request, queryset):
        queued = email_retry(email_ids=list(queryset.values_list("pk", flat=True)))
        skipped = queryset.count() - queued
        self.message_user(request, f"Queued {queued} failed or stuck email(s) for delivery again.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                f"Left {skipped} email(s) alone: sent ones, and ones a worker is delivering now, are not retried.",
                messages.WARNING,
            )
