from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from activities.admin import ShownContentAdmin
from audit.admin import ActionLogLinkMixin
from audit.services import form_changes
from cme.admin_base import ReadOnlyAdmin, ReadOnlyInline
from quizzes.interchange import FORMATS, ImportRefusedError, export_quizzes, import_questions
from quizzes.models import (
    Attempt,
    AttemptItem,
    Choice,
    Question,
    QuestionStatus,
    QuestionVersion,
    Quiz,
    QuizSlot,
    VersionChoice,
)
from quizzes.services import question_edit_log, question_snapshot, question_status_set, quiz_edit_log
from quizzes.validation import ChoiceData, single_best_answer_problems, single_best_answer_warnings


class ChoiceFormSet(forms.BaseInlineFormSet):
    """Refuses what the item-writing rules refuse, before anything is saved."""

    def kept_choices(self) -> list[ChoiceData]:
        return [
            ChoiceData(form.cleaned_data.get("text", ""), bool(form.cleaned_data.get("is_correct")))
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        problems = single_best_answer_problems(self.kept_choices())
        if problems:
            raise ValidationError(problems)

    def save(self, commit=True):
        # Rows are saved one by one, so moving the key to another choice would
        # briefly mark two choices correct; the old key is cleared first.
        if commit and self.instance.pk:
            losing = [
                form.instance.pk
                for form in self.initial_forms
                if form.initial.get("is_correct")
                and (not form.cleaned_data.get("is_correct") or form.cleaned_data.get("DELETE"))
            ]
            Choice.objects.filter(pk__in=losing).update(is_correct=False)
        return super().save(commit)


class ChoiceInline(admin.TabularInline):
    model = Choice
    formset = ChoiceFormSet
    extra = 0
    min_num = 3
    fields = ["position", "text", "is_correct", "feedback"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})}}


@admin.register(Question)
class QuestionAdmin(ActionLogLinkMixin, ShownContentAdmin):
    list_display = ["title", "status", "activity", "objective_number", "reference", "version_count", "preview_link"]
    list_filter = ["status", "activity", "reference__trial", "objective"]
    search_fields = ["title", "idnumber", "stem", "explanation", "choices__text"]
    list_select_related = ["activity", "objective", "reference"]
    inlines = [ChoiceInline]
    fields = ["activity", "title", "idnumber", "status", "stem", "objective", "reference", "explanation"]
    actions = ["export_gift", "export_moodle_xml", "publish", "unpublish"]
    change_list_template = "admin/quizzes/question/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(versions_total=models.Count("versions", distinct=True))

    @admin.display(description="Objective", ordering="objective__position")
    def objective_number(self, question):
        return question.objective.position if question.objective else "—"

    @admin.display(description="Versions", ordering="versions_total")
    def version_count(self, question):
        return question.versions_total

    @admin.display(description="Preview")
    def preview_link(self, question):
        return format_html('<a href="{}">Preview</a>', reverse("quizzes:preview", args=[question.pk]))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        question = form.instance
        before = question.versions.count()
        version = question_snapshot(question=question)
        if change and question.versions.count() > before and before:
            messages.info(
                request,
                f"Attempts had used version {version.number - 1}, so your edit became version {version.number}; "
                "past attempts keep the version they showed.",
            )
        choices = [ChoiceData(choice.text, choice.is_correct) for choice in question.choices.all()]
        for warning in single_best_answer_warnings(choices):
            messages.warning(request, warning)
        question_edit_log(question=question, changes=form_changes(form, formsets), created=not change)

    def get_urls(self):
        extra = [path("import/", self.admin_site.admin_view(self.import_view), name="quizzes_question_import")]
        return extra + super().get_urls()

    # An import adds questions, publishes them and places them in quizzes (making a quiz
    # that is missing), so it needs every one of those rights, whatever the staff flag says.
    import_permissions = ("quizzes.add_question", "quizzes.change_question", "quizzes.add_quiz", "quizzes.change_quiz")

    def has_import_permission(self, request) -> bool:
        return request.user.has_perms(self.import_permissions)

    def get_readonly_fields(self, request, obj=None):
        # Publishing is a change: someone who may only add questions adds drafts.
        return () if self.has_change_permission(request) else ("status",)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_import": self.has_import_permission(request)}
        return super().changelist_view(request, extra_context)

    def import_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = QuestionImportForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            text = upload.read().decode("utf-8-sig", errors="replace")
            try:
                report = import_questions(
                    text,
                    filename=upload.name,
                    dry_run=form.cleaned_data["dry_run"],
                    skip_unsupported=form.cleaned_data["skip_unsupported"],
                )
            except ImportRefusedError as error:
                for problem in error.problems:
                    messages.error(request, problem)
            else:
                level = messages.INFO if report.dry_run else messages.SUCCESS
                messages.add_message(request, level, report.headline())  # the page lists each item below
        context = {**self.admin_site.each_context(request), "title": "Import questions", "form": form,
                   "report": report, "opts": self.model._meta}  # fmt: skip
        return TemplateResponse(request, "admin/quizzes/question/import.html", context)

    def _export(self, request, queryset, fmt):
        outside = queryset.filter(slots__isnull=True).count()
        if outside:
            messages.warning(
                request, f"{outside} selected question(s) are in no quiz, so they have no category to export under."
            )
        quizzes = Quiz.objects.filter(slots__question__in=queryset).distinct()
        if not quizzes.exists():
            return None
        return _download(export_quizzes(quizzes, fmt=fmt, questions=queryset), fmt)

    @admin.action(description="Export the selected questions as GIFT", permissions=["view"])
    def export_gift(self, request, queryset):
        return self._export(request, queryset, "gift")

    @admin.action(description="Export the selected questions as Moodle XML", permissions=["view"])
    def export_moodle_xml(self, request, queryset):
        return self._export(request, queryset, "moodlexml")

    @admin.action(description="Publish the selected questions", permissions=["change"])
    def publish(self, request, queryset):
        published, refused = 0, []
        for question in queryset.select_related("objective", "reference"):
            try:
                question_status_set(question=question, status=QuestionStatus.PUBLISHED)
            except ValidationError as error:
                refused.append(f"{question.title}: {' '.join(error.messages)}")
            else:
                published += 1
        messages.success(request, f"Published {published} question(s).")
        for problem in refused:
            messages.error(request, problem)

    @admin.action(description="Return the selected questions to draft", permissions=["change"])
    def unpublish(self, request, queryset):
        for question in queryset:
            question_status_set(question=question, status=QuestionStatus.DRAFT)
        messages.success(request, f"{len(queryset)} question(s) returned to draft.")


class QuestionImportForm(forms.Form):
    file = forms.FileField(help_text="A GIFT (.gift, .txt) or Moodle XML (.xml) file.")
    dry_run = forms.BooleanField(required=False, initial=True, help_text="Check the file and report; save nothing.")
    skip_unsupported = forms.BooleanField(
        required=False,
        help_text="Import the single-best-answer items and leave out every other question type (listed by name).",
    )


def _download(text: str, fmt: str) -> HttpResponse:
    extension, content_type = FORMATS[fmt]
    response = HttpResponse(text, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="questions.{extension}"'
    return response


class QuizSlotInline(admin.TabularInline):
    model = QuizSlot
    fk_name = "quiz"
    extra = 0
    fields = ["position", "question", "matched_question"]
    autocomplete_fields = ["question", "matched_question"]


@admin.register(Quiz)
class QuizAdmin(ActionLogLinkMixin, ShownContentAdmin):
    list_display = [
        "__str__",
        "pass_mark_percent",
        "attempts_allowed",
        "questions_per_page",
        "review_policy",
        "question_total",
    ]
    list_filter = ["kind", "activity"]
    inlines = [QuizSlotInline]
    actions = ["export_gift", "export_moodle_xml"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("activity").annotate(slot_total=models.Count("slots"))

    @admin.display(description="Questions", ordering="slot_total")
    def question_total(self, quiz):
        return quiz.slot_total

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        quiz_edit_log(quiz=form.instance, changes=form_changes(form, formsets), created=not change)

    @admin.action(description="Export the selected quizzes as GIFT", permissions=["view"])
    def export_gift(self, request, queryset):
        return _download(export_quizzes(queryset, fmt="gift"), "gift")

    @admin.action(description="Export the selected quizzes as Moodle XML", permissions=["view"])
    def export_moodle_xml(self, request, queryset):
        return _download(export_quizzes(queryset, fmt="moodlexml"), "moodlexml")


class VersionChoiceInline(ReadOnlyInline):
    model = VersionChoice
    fields = ["position", "text", "is_correct", "feedback"]


@admin.register(QuestionVersion)
class QuestionVersionAdmin(ReadOnlyAdmin):
    list_display = ["question", "number", "created_at"]
    list_select_related = ["question"]
    list_filter = ["question__activity"]
    search_fields = ["question__title", "stem"]
    inlines = [VersionChoiceInline]


class AttemptItemInline(ReadOnlyInline):
    model = AttemptItem
    fields = ["position", "version", "selected_choice", "is_correct", "answered_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("version__question", "selected_choice")


@admin.register(Attempt)
class AttemptAdmin(ReadOnlyAdmin):
    list_display = ["user", "quiz", "number", "state", "score", "max_score", "passed", "submitted_at"]
    list_filter = ["quiz", "state", "passed"]
    search_fields = ["user__email"]
    list_select_related = ["user", "quiz__activity"]
    inlines = [AttemptItemInline]
