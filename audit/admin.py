import json
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join

from audit.models import ActionLogEntry
from audit.services import record
from cme.admin_base import ReadOnlyAdmin

VIEW_PERMISSION = "audit.view_actionlogentry"


class ActorFilter(admin.SimpleListFilter):
    """The staff who appear in the log, and the system; learners are found by searching their email."""

    title = "actor"
    parameter_name = "actor"
    SYSTEM = "system"

    def lookups(self, request, model_admin):
        acting = ActionLogEntry.objects.filter(actor__isnull=False).values("actor")
        staff = get_user_model().objects.filter(is_staff=True, pk__in=acting).order_by("email")
        return [(self.SYSTEM, "System"), *((str(user.pk), user.get_username()) for user in staff)]

    def queryset(self, request, queryset):
        if self.value() == self.SYSTEM:
            return queryset.filter(actor__isnull=True)
        if self.value():
            return queryset.filter(actor_id=self.value())
        return queryset


@admin.register(ActionLogEntry)
class ActionLogEntryAdmin(ReadOnlyAdmin):
    """Read by staff with the view permission; nobody adds, changes or deletes an entry.

    One object's entries: ?content_type__id__exact=<id>&object_id=<pk> (the
    "Action log" link on an activity's or question's page).
    """

    list_display = ["at", "actor_label", "action", "object_repr", "ip_address"]
    list_filter = ["action", ("content_type", admin.RelatedOnlyFieldListFilter), ActorFilter, "at"]
    date_hierarchy = "at"
    search_fields = ["object_repr", "actor_label", "object_id"]
    fields = readonly_fields = ["at", "actor_label", "action", "content_type", "object_id", "object_link",
                                "changes_table", "detail_text", "ip_address", "user_agent"]  # fmt: skip

    @admin.display(description="Object")
    def object_link(self, entry: ActionLogEntry):
        if entry.content_type is None:
            return "—"
        try:
            url = reverse(f"admin:{entry.content_type.app_label}_{entry.content_type.model}_change",
                          args=[entry.object_id])  # fmt: skip
        except NoReverseMatch:
            return entry.object_repr
        return format_html('<a href="{}">{}</a>', url, entry.object_repr)

    @admin.display(description="Changes (before → after)")
    def changes_table(self, entry: ActionLogEntry):
        if not entry.changes:
            return "—"
        rows = format_html_join(
            "",
            "<tr><th scope='row'>{}</th><td>{}</td><td>{}</td></tr>",
            ((field, _shown(before), _shown(after)) for field, (before, after) in entry.changes.items()),
        )
        return format_html(
            "<table><thead><tr><th scope='col'>Field</th><th scope='col'>Before</th><th scope='col'>After</th>"
            "</tr></thead><tbody>{}</tbody></table>",
            rows,
        )

    @admin.display(description="Detail")
    def detail_text(self, entry: ActionLogEntry):
        if not entry.detail:
            return "—"
        return format_html("<pre>{}</pre>", json.dumps(entry.detail, indent=2, ensure_ascii=False))


def _shown(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


class ActionLogLinkMixin:
    """For a ModelAdmin: an "Action log" link on each change page, for staff who may read the log."""

    change_form_template = "admin/audit/change_form_with_log.html"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.user.has_perm(VIEW_PERMISSION):
            content_type = ContentType.objects.get_for_model(self.model)
            query = urlencode({"content_type__id__exact": content_type.pk, "object_id": object_id})
            url = f"{reverse('admin:audit_actionlogentry_changelist')}?{query}"
            extra_context = {**(extra_context or {}), "action_log_url": url}
        return super().change_view(request, object_id, form_url, extra_context)


class LoggedDeletionsMixin:
    """For a ModelAdmin: every deletion made in admin, one object or a selection, is logged first.

    The admin deletes without going through a service, so the entry is written
    here, in the same transaction as the delete: if the delete fails, so does the entry.
    """

    def delete_model(self, request, obj):
        with transaction.atomic():
            record(action=f"{obj._meta.model_name}.deleted", obj=obj, detail={"deleted": str(obj)})
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                record(action=f"{obj._meta.model_name}.deleted", obj=obj, detail={"deleted": str(obj)})
            super().delete_queryset(request, queryset)
