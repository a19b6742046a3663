from django.contrib import admin
from django.db import transaction
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from audit.admin import LoggedDeletionsMixin
from audit.services import form_changes
from cme.admin_base import ReadOnlyAdmin
from cme.staff import staff_has_perm
from credits.selectors import followup_response_rates
from pars import services, views
from pars.models import ActivityRegistration, BoardCredit, LearnerSubmission


class BoardCreditInline(admin.TabularInline):
    model = BoardCredit
    extra = 1
    verbose_name_plural = "MOC: what the activity counts for with each board"


@admin.register(ActivityRegistration)
class ActivityRegistrationAdmin(LoggedDeletionsMixin, admin.ModelAdmin):
    list_display = ["activity", "accme_activity_id", "boards", "learner_export_link"]
    list_select_related = ["activity"]
    search_fields = ["activity__title", "accme_activity_id"]
    inlines = [BoardCreditInline]
    fieldsets = [
        (None, {"fields": ["activity", "accme_activity_id"]}),
        ("Designed to change", {"fields": [
            "designed_to_change_competence", "designed_to_change_performance", "designed_to_change_patient_outcomes",
        ]}),
        ("Evaluated for change", {
            "fields": ["outcomes_evidence", "evaluated_for_change_in_competence",
                       "evaluated_for_change_in_performance", "evaluated_for_change_in_patient_outcomes"],
            "description": "The activity's outcomes report shows what was collected: commitments to change "
                           "(competence) and follow-up answers on implementation (performance).",
        }),
        ("Commercial support", {"fields": [
            "commercial_support_received", "commercial_support_amount", "commercial_support_in_kind",
            "commercial_supporters",
        ]}),
    ]  # fmt: skip

    readonly_fields = ["outcomes_evidence"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("board_credits")

    @admin.display(description="What the activity has collected")
    def outcomes_evidence(self, registration):
        if registration.pk is None:
            return "Saved registrations show the commitments and follow-up answers collected so far."
        rates = followup_response_rates(activities=[registration.activity_id]).get(registration.activity_id)
        if rates is None:
            return "No learner has committed to a change yet."
        return (
            f"{rates.committed} learner(s) committed to a practice change (competence); "
            f"{rates.responded} of {rates.sent} follow-up(s) sent were answered on implementation (performance)."
        )

    @admin.display(description="MOC boards")
    def boards(self, registration):
        return ", ".join(sorted({credit.board for credit in registration.board_credits.all()})) or "—"

    @admin.display(description="Learners")
    def learner_export_link(self, registration):
        url = reverse("admin:pars_learner_export", args=[registration.activity_id])
        return format_html('<a href="{}">Export learner completions</a>', url)

    def get_list_display(self, request):
        shown = list(super().get_list_display(request))
        if not staff_has_perm(request.user, views.EXPORT_LEARNERS):
            shown.remove("learner_export_link")
        return shown

    def save_related(self, request, form, formsets, change):
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            services.registration_edit_log(
                registration=form.instance, changes=form_changes(form, formsets), created=not change
            )

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "activity_file_url": reverse("admin:pars_activity_export")
            if staff_has_perm(request.user, views.EXPORT_ACTIVITIES)
            else None,
        }
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        site = {"admin_site": self.admin_site}
        return [
            path("learners/<int:pk>/", views.learner_export, site, name="pars_learner_export"),
            path("submissions/<int:pk>/file/", views.submission_download, site, name="pars_submission_file"),
            path("activity-file/", views.activity_export, site, name="pars_activity_export"),
            *super().get_urls(),
        ]


@admin.register(LearnerSubmission)
class LearnerSubmissionAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "activity", "created_by", "file_format", "added", "deleted", "left_out"]
    list_filter = ["activity", "file_format"]
    date_hierarchy = "created_at"
    list_select_related = ["activity", "created_by"]
    fields = ["activity", "created_at", "created_by", "file_format", "completed_from", "completed_to", "added",
              "deleted", "left_out", "file_sha256", "download", "first_records"]  # fmt: skip
    readonly_fields = fields
    RECORDS_SHOWN = 50

    @admin.display(description="File")
    def download(self, submission):
        url = reverse("admin:pars_submission_file", args=[submission.pk])
        return format_html('<a href="{}">Download this file again</a> (rebuilt from the rows recorded below)', url)

    @admin.display(description="Records sent")
    def first_records(self, submission):
        records = submission.records.select_related("claim__user")[: self.RECORDS_SHOWN]
        items = format_html_join(
            "",
            "<li>{}: {} {} ({}), completed {}</li>",
            (
                (record.action, record.values.get("first_name", ""), record.values.get("last_name", ""),
                 record.claim.user.email, record.values.get("completion_date", ""))
                for record in records
            ),
        )  # fmt: skip
        more = submission.added + submission.deleted - len(records)
        tail = format_html("<p>…and {} more in the file.</p>", more) if more > 0 else ""
        return format_html("<ul>{}</ul>{}", items, tail)
