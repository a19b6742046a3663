"""The whole outcomes report as a PDF, through the project's one WeasyPrint renderer.

credits.pdf.html_to_pdf loads only the app's own static files (fonts), never a URL;
the report's print rules travel inside its HTML, and its charts are inline SVG.
"""

from django.template.loader import render_to_string

from credits.pdf import html_to_pdf
from outcomes.selectors import OutcomesReport


def report_html(context: dict) -> str:
    return render_to_string("outcomes/report_pdf.html", context)


def render_report(report: OutcomesReport, *, context: dict) -> bytes:
    """PDF bytes for a report; context is the page's (views.report_context) with the report in it."""
    identifier = f"outcomes-{report.activity.slug}-{report.period.slug or 'all'}"
    return html_to_pdf(report_html(context), identifier=identifier, stylesheet=None)
