"""The outcomes report in the admin: the page, one CSV per section, and the whole report as a PDF.

Mounted by OutcomesReportAdmin.get_urls. Each view asks for outcomes.view_outcomes
through cme.staff: learners get a 404, staff without the permission a 403, staff
without an authenticator app the set-up page (as every admin URL does).
"""

import io
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from activities.models import Activity
from cme.staff import staff_permission_required
from outcomes import charts, exports, selectors
from outcomes.forms import PeriodForm
from outcomes.models import VIEW_OUTCOMES, OutcomesReport
from outcomes.pdf import render_report

# Remarks of each kind shown on the page and in the PDF; the evaluation CSV has them all.
REMARKS_SHOWN = 50


def _period_or_none(request) -> tuple[PeriodForm, selectors.Period | None]:
    form = PeriodForm(request.GET or None)
    if not form.is_bound:
        return form, selectors.Period()
    return form, (form.period() if form.is_valid() else None)


def _filename(activity: Activity, period: selectors.Period, suffix: str) -> str:
    dates = f"-{period.slug}" if period else ""
    return f"outcomes-{activity.slug}{dates}-{suffix}"


def report_context(report: selectors.OutcomesReport) -> dict:
    """What the page and the PDF both draw: the report and its charts."""
    return {
        "report": report,
        "charts": {
            "funnel": charts.funnel_chart(report.funnel.overall),
            "agreement": charts.agreement_chart(report.satisfaction),
            "quality": charts.quality_chart(report.satisfaction),
            "practice_change": charts.practice_change_chart(report.satisfaction),
            "knowledge": charts.knowledge_chart(report.knowledge),
            "change": charts.change_chart(report.knowledge),
            "facility": charts.facility_chart(report.items.items),
        },
        "min_learners": selectors.MIN_LEARNERS,
        "time_zone": settings.TIME_ZONE,
    }


@never_cache
@staff_permission_required(VIEW_OUTCOMES)
@require_GET
def report(request, pk: int, admin_site) -> TemplateResponse:
    activity = get_object_or_404(Activity, pk=pk)
    form, period = _period_or_none(request)
    context = {
        **admin_site.each_context(request),
        "title": f"Outcomes: {activity.title}",
        "opts": OutcomesReport._meta,
        "activity": activity,
        "form": form,
        "query": urlencode({key: request.GET[key] for key in ("start", "end") if request.GET.get(key)}),
        "sections": selectors.SECTIONS,
        "time_zone": settings.TIME_ZONE,
    }
    if period is not None:
        report = selectors.outcomes_report(activity=activity, period=period, text_limit=REMARKS_SHOWN)
        context |= report_context(report)
    return TemplateResponse(request, "admin/outcomes/report.html", context)


@never_cache
@staff_permission_required(VIEW_OUTCOMES)
@require_GET
def report_csv(request, pk: int, admin_site) -> HttpResponse:
    activity = get_object_or_404(Activity, pk=pk)
    section = request.GET.get("section", "")
    _form, period = _period_or_none(request)
    if section not in selectors.SECTIONS or period is None:
        raise Http404("Choose a section and valid dates.")
    buffer = io.StringIO()
    exports.write_tables(exports.section_tables(activity=activity, period=period, section=section), buffer)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(activity, period, section)}.csv"'
    return response


@never_cache
@staff_permission_required(VIEW_OUTCOMES)
@require_GET
def report_pdf(request, pk: int, admin_site) -> HttpResponse:
    activity = get_object_or_404(Activity, pk=pk)
    _form, period = _period_or_none(request)
    if period is None:
        raise Http404("Choose valid dates.")
    report = selectors.outcomes_report(activity=activity, period=period, text_limit=REMARKS_SHOWN)
    content = render_report(report, context=report_context(report) | {"remarks_shown": REMARKS_SHOWN})
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(activity, period, "report")}.pdf"'
    return response
