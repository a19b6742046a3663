from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html

from outcomes import views
from outcomes.models import VIEW_OUTCOMES, OutcomesReport


@admin.register(OutcomesReport)
class OutcomesReportAdmin(admin.ModelAdmin):
    """Lists the activities; each opens its outcomes report. Nothing here is added, changed or deleted."""

    list_display = ["title", "release_date", "expiration_date", "learners_started", "report_link"]
    list_display_links = None
    search_fields = ["title", "slug"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(started=Count("enrollments"))

    @admin.display(description="Learners started", ordering="started")
    def learners_started(self, activity):
        return activity.started

    @admin.display(description="Report")
    def report_link(self, activity):
        url = reverse("admin:outcomes_report", args=[activity.pk])
        return format_html('<a href="{}">Open the outcomes report</a>', url)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(VIEW_OUTCOMES)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """An activity's "change" page is its report."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        if not object_id.isdigit():
            raise Http404
        return redirect("admin:outcomes_report", int(object_id))

    def get_urls(self):
        site = {"admin_site": self.admin_site}
        return [
            path("<int:pk>/report/", views.report, site, name="outcomes_report"),
            path("<int:pk>/report.csv", views.report_csv, site, name="outcomes_report_csv"),
            path("<int:pk>/report.pdf", views.report_pdf, site, name="outcomes_report_pdf"),
            *super().get_urls(),
        ]
