"""The PARS pages in the admin: an activity's learner export, and the year's activity file.

Mounted by ActivityRegistrationAdmin.get_urls. Each asks for its own permission
through cme.staff (learners get a 404, staff without it a 403). The learner
export page shows what would be sent and why some records cannot be, before
anything is recorded; only the POST that downloads the file records it.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from activities.models import Activity
from cme.staff import staff_permission_required
from pars import selectors, services
from pars.forms import ActivityExportForm, LearnerExportForm
from pars.models import ActivityRegistration, FileFormat, LearnerSubmission

EXPORT_LEARNERS = "pars.export_pars_learners"
EXPORT_ACTIVITIES = "pars.export_pars_activities"
LEFT_OUT_SHOWN = 200
CONTENT_TYPES = {
    FileFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    FileFormat.TSV: "text/tab-separated-values; charset=utf-8",
}
EXTENSIONS = {FileFormat.XLSX: "xlsx", FileFormat.TSV: "txt"}


def _year(value: str | None) -> int:
    """The year to preview: ?year= when it is a sensible one, else this year."""
    today = timezone.localdate().year
    return int(value) if value and value.isdigit() and 2000 <= int(value) <= 2100 else today


def _download(content: bytes, file_format: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{name}.{EXTENSIONS[file_format]}"'
    return response


@never_cache
@staff_permission_required(EXPORT_LEARNERS)
@require_http_methods(["GET", "POST"])
def learner_export(request, pk: int, admin_site):
    activity = get_object_or_404(Activity, pk=pk)
    form = LearnerExportForm(request.POST if request.method == "POST" else (request.GET or None))
    dates = form.cleaned_data if form.is_bound and form.is_valid() else {}
    if request.method == "POST" and form.is_valid():
        try:
            submission, content, _plan = services.learner_export(
                activity=activity, file_format=dates["file_format"], by=request.user,
                start=dates.get("start"), end=dates.get("end"),
            )  # fmt: skip
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            name = f"pars-learners-{activity.slug}-{timezone.localdate():%Y%m%d}-{submission.pk}"
            return _download(content, submission.file_format, name)
    plan = selectors.learner_export_plan(activity=activity, start=dates.get("start"), end=dates.get("end"))
    context = {
        **admin_site.each_context(request),
        "title": f"PARS learner export: {activity.title}",
        "opts": ActivityRegistration._meta,
        "activity": activity,
        "form": form,
        "plan": plan,
        "left_out": plan.left_out[:LEFT_OUT_SHOWN],
        "partial": plan.partial[:LEFT_OUT_SHOWN],
        "shown": LEFT_OUT_SHOWN,
        "submissions": LearnerSubmission.objects.filter(activity=activity).select_related("created_by")[:20],
    }
    return TemplateResponse(request, "admin/pars/learner_export.html", context)


@never_cache
@staff_permission_required(EXPORT_LEARNERS)
@require_http_methods(["GET"])
def submission_download(request, pk: int, admin_site):
    submission = get_object_or_404(LearnerSubmission.objects.select_related("activity"), pk=pk)
    content = services.submission_file(submission=submission)
    name = f"pars-learners-{submission.activity.slug}-{submission.created_at:%Y%m%d}-{submission.pk}"
    return _download(content, submission.file_format, name)


@never_cache
@staff_permission_required(EXPORT_ACTIVITIES)
@require_http_methods(["GET", "POST"])
def activity_export(request, admin_site):
    form = ActivityExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        year, file_format = form.cleaned_data["year"], form.cleaned_data["file_format"]
        content = services.activity_export(year=year, file_format=file_format, by=request.user)
        return _download(content, file_format, f"pars-activities-{year}")
    year = form.cleaned_data["year"] if form.is_bound and form.is_valid() else _year(request.GET.get("year"))
    context = {
        **admin_site.each_context(request),
        "title": "PARS activity file",
        "opts": ActivityRegistration._meta,
        "form": form,
        "year": year,
        "rows": selectors.activity_rows(year=year),
    }
    if request.method == "POST":
        return TemplateResponse(request, "admin/pars/activity_export.html", context, status=400)
    return TemplateResponse(request, "admin/pars/activity_export.html", context)
