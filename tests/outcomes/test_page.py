"""The report page: charts a reader can look at, each described for screen readers and backed by a table."""

import re

from django.urls import reverse

from tests.outcomes.test_item_analysis import learners  # noqa: F401  (the hand-worked cohort)
from tests.outcomes.test_query_counts import add_learners


def report_html(client, course) -> str:
    page = client.get(reverse("admin:outcomes_report", args=[course.pk]))
    assert page.status_code == 200
    return page.content.decode()


def test_every_chart_is_an_accessible_svg_drawn_on_the_server(course, reporter):
    add_learners(course, 12)
    html = report_html(reporter, course)
    report = html[html.index('<div class="outcomes-report">') :]
    charts = re.findall(r'<svg class="outcomes-chart__svg"[^>]*aria-labelledby="([\w-]+)-title \1-desc"', report)
    assert charts == ["chart-funnel", "chart-agreement", "chart-quality", "chart-practice-change",
                      "chart-knowledge", "chart-change", "chart-facility"]  # fmt: skip
    for chart in charts:
        assert f'<title id="{chart}-title">' in report
        assert re.search(rf'<desc id="{chart}-desc">[^<]*\d', report), chart  # the numbers, in words
    assert "<script" not in report
    assert not re.search(r'(src|href)="(https?:)?//', report)  # nothing fetched from elsewhere


def test_the_facility_chart_describes_each_item_and_its_flag(learners, course, reporter):  # noqa: F811
    html = report_html(reporter, course)
    description = re.search(r'<desc id="chart-facility-desc">([^<]*)</desc>', html).group(1)
    assert "post question 2 (v1): 50%;" in description
    assert "post question 4 (v1): 100% (flagged)" in description


def test_the_item_figures_are_in_the_table_as_moodle_prints_them(learners, course, reporter):  # noqa: F811
    html = report_html(reporter, course)
    for figure in ("33.33%", "51.64%", "−15.81", "−20.00%", "11.11%", "94.28%", "21.08%", "22.36%"):
        assert figure in html, figure
