"""Turn an activity's stored Markdown and chart data into safe HTML.

Sanitising happens on output, every time: whatever an author stores, only the
tags listed here reach the page.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

import markdown
import nh3
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions.toc import slugify as toc_slugify

from activities.models import BarSeries, Chart, ChartUnit

ALLOWED_TAGS = {
    "h2", "h3", "h4", "p", "br", "hr", "strong", "em", "b", "i", "sup", "sub", "abbr",
    "ul", "ol", "li", "blockquote", "code", "pre",
    "table", "thead", "tbody", "tr", "th", "td", "caption", "a",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}, "h2": {"id"}, "h3": {"id"}}
SECTION_ID_PREFIX = "sec-"
TABLE_WRAPPER_OPEN = '<div class="table-wrap" role="region" tabindex="0" aria-label="Table">'
CHART_PLACEHOLDER = re.compile(r"<p>\s*\[chart:\s*([a-z0-9-]+)\s*\]\s*</p>")

# Bars are drawn in percent of the chart's width so the SVG scales with the page
# while its text stays at the page's size; the rest is left for the value label.
BAR_AREA_PERCENT = Decimal(62)
ROW_HEIGHT = 58
LABEL_BASELINE = 18
BAR_TOP = 26
BAR_HEIGHT = 22


@dataclass(frozen=True)
class BarLayout:
    label: str
    value_label: str
    series: str
    y_label: int
    y_bar: int
    y_value: int
    width_percent: str


def _value_label(value_text: str, unit: str) -> str:
    return f"{value_text}%" if unit == ChartUnit.PERCENT else f"{value_text} {unit}"


def chart_layout(chart: Chart) -> dict:
    bars = list(chart.bars.all())
    largest = max((bar.value for bar in bars), default=Decimal(0)) or Decimal(1)
    rows = []
    for index, bar in enumerate(bars):
        top = index * ROW_HEIGHT
        width = (bar.value / largest * BAR_AREA_PERCENT).quantize(Decimal("0.01"))
        rows.append(
            BarLayout(
                label=bar.label,
                value_label=_value_label(bar.value_text, chart.unit),
                series=bar.series,
                y_label=top + LABEL_BASELINE,
                y_bar=top + BAR_TOP,
                y_value=top + BAR_TOP + 16,
                width_percent=f"{max(width, Decimal('0.5'))}%",
            )
        )
    return {
        "chart": chart,
        "rows": rows,
        "height": len(rows) * ROW_HEIGHT + 6,
        "has_comparator": any(bar.series == BarSeries.COMPARATOR for bar in bars),
        "unit_label": "%" if chart.unit == ChartUnit.PERCENT else chart.get_unit_display().lower(),
    }


def render_chart(chart: Chart) -> str:
    return render_to_string("activities/includes/chart.html", chart_layout(chart))


def _section_id(value: str, separator: str) -> str:
    return SECTION_ID_PREFIX + toc_slugify(value, separator)


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    # Heading ids come from our own toc slugs; any other id could collide with
    # the page's landmarks or the charts' aria-labelledby targets.
    if attribute == "id" and not value.startswith(SECTION_ID_PREFIX):
        return None
    return value


def render_article(body: str, charts: list[Chart]) -> SafeString:
    html = markdown.markdown(
        body,
        extensions=["tables", "sane_lists", "toc"],
        extension_configs={"toc": {"slugify": _section_id}},
        output_format="html",
    )
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_keep_attribute,
        link_rel="noopener noreferrer",
    )
    by_slug = {chart.slug: chart for chart in charts}

    def replace(match: re.Match) -> str:
        chart = by_slug.get(match.group(1))
        return render_chart(chart) if chart else ""

    # A wide table scrolls inside its own box on a phone; the box takes focus so
    # keyboard users can scroll it too.
    clean = clean.replace("<table>", f"{TABLE_WRAPPER_OPEN}<table>").replace("</table>", "</table></div>")
    # Chart HTML is produced by our own escaped template after sanitising, so it
    # is the only markup that did not pass through the allow-list.
    return mark_safe(CHART_PLACEHOLDER.sub(replace, clean))  # noqa: S308
