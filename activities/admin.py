import re

from django.contrib import admin, messages
from django.utils import timezone

from activities.models import (
    AccreditedProvider,
    Activity,
    Chart,
    ChartBar,
    Contributor,
    FinancialRelationship,
    LearningObjective,
    Person,
    Reference,
)
from activities.services import activity_edit_log, content_changed
from audit.admin import ActionLogLinkMixin, LoggedDeletionsMixin
from audit.services import form_changes

CHART_REFERENCE = re.compile(r"^\s*\[chart:\s*([a-z0-9-]+)\s*\]\s*$", re.MULTILINE)


class ShownContentAdmin(LoggedDeletionsMixin, admin.ModelAdmin):
    """An admin page that edits what learners read: each save or delete moves the content version
    (and each delete is logged).

    Activity and catalog pages are cached for everyone under that version
    (activities.page_cache), so the edit shows on the next request. The admin saves
    inside a transaction, and content_changed joins it.
    """

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        content_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        content_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        content_changed()


class LearningObjectiveInline(admin.TabularInline):
    model = LearningObjective
    extra = 0
    min_num = 1


class ContributorInline(admin.TabularInline):
    model = Contributor
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person")

    autocomplete_fields = ["person"]
    show_change_link = True  # disclosures are edited on the contributor's own page


class ReferenceInline(admin.StackedInline):
    # Stacked: a full citation (author, title, journal, year, volume, pages, DOI, note) is too wide for a row.
    model = Reference
    extra = 0
    fields = [
        ("position", "trial"),
        "first_author",
        "title",
        ("journal", "year"),
        ("volume", "pages"),
        "doi",
        "note",
    ]


class ChartInline(admin.TabularInline):
    model = Chart
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source")

    fields = ["position", "slug", "title", "unit", "source"]
    show_change_link = True  # bars are edited on the chart's own page


class AvailabilityFilter(admin.SimpleListFilter):
    """Open for credit, not yet released, or expired: the learner pages' rule, as a filter."""

    title = "availability"
    parameter_name = "availability"

    def lookups(self, request, model_admin):
        return [("open", "Open for credit"), ("unreleased", "Not yet released"), ("expired", "Expired")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "open":
            return queryset.open_for_credit(today)
        if self.value() == "unreleased":
            return queryset.exclude(pk__in=queryset.released(today))
        if self.value() == "expired":
            return queryset.released(today).exclude(pk__in=queryset.open_for_credit(today))
        return queryset


@admin.register(Activity)
class ActivityAdmin(ActionLogLinkMixin, ShownContentAdmin):
    list_display = ["title", "release_date", "expiration_date", "max_credits", "availability"]
    list_filter = [AvailabilityFilter, "provider", "activity_type", "release_date"]
    search_fields = ["title", "slug", "topic"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [LearningObjectiveInline, ContributorInline, ReferenceInline, ChartInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "topic", "summary", "provider", "activity_type"]}),
        ("Credit and dates", {"fields": ["max_credits", "estimated_minutes", "release_date", "expiration_date"]}),
        (
            "Front matter",
            {
                "fields": [
                    "target_audience",
                    "mitigation_statement",
                    "commercial_support_statement",
                    "off_label_statement",
                ]
            },
        ),
        ("Content", {"fields": ["pretest_required", "body"]}),
        ("Commitment to change", {"fields": ["follow_up_days"]}),
    ]

    @admin.display(description="Availability")
    def availability(self, activity: Activity) -> str:
        # The same rule the learner's pages use (Activity.closed_reason), in the admin's words.
        today = timezone.localdate()
        if activity.is_open_for_credit(today):
            return "Open for credit"
        return (
            "Not yet released (staff preview only)"
            if not activity.is_released(today)
            else "Expired: readable, no credit"
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        activity = form.instance
        slugs = set(activity.charts.values_list("slug", flat=True))
        for missing in sorted(set(CHART_REFERENCE.findall(activity.body)) - slugs):
            messages.warning(request, f"The article refers to [chart: {missing}], but the activity has no such chart.")
        activity_edit_log(activity=activity, changes=form_changes(form, formsets), created=not change)


class FinancialRelationshipInline(admin.TabularInline):
    model = FinancialRelationship
    extra = 0


@admin.register(Contributor)
class ContributorAdmin(ShownContentAdmin):
    list_display = ["person", "role", "activity"]
    list_filter = ["role", "activity"]
    search_fields = ["person__full_name", "activity__title"]
    autocomplete_fields = ["person"]
    inlines = [FinancialRelationshipInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        contributor = form.instance
        part = f"contributor “{contributor}”"
        activity_edit_log(activity=contributor.activity, changes=form_changes(form, formsets), part=part)


@admin.register(Person)
class PersonAdmin(ShownContentAdmin):
    list_display = ["full_name", "credentials", "affiliation"]
    search_fields = ["full_name", "affiliation"]


@admin.register(AccreditedProvider)
class AccreditedProviderAdmin(ShownContentAdmin):
    list_display = ["name", "contact_email", "contact_phone"]


class ChartBarInline(admin.TabularInline):
    model = ChartBar
    extra = 0


@admin.register(Chart)
class ChartAdmin(ShownContentAdmin):
    list_display = ["title", "slug", "activity", "unit"]
    list_filter = ["activity"]
    inlines = [ChartBarInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        chart = form.instance
        activity_edit_log(activity=chart.activity, changes=form_changes(form, formsets), part=f"chart “{chart.slug}”")
