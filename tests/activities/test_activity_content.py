"""Article rendering, charts and the rules the activity's records keep."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import BarSeries, Chart, ChartBar
from activities.rendering import chart_layout, render_article
from credits.wording import designation_statement
from tests.factories import ActivityFactory, ContributorFactory, ObjectiveFactory, RelationshipFactory


class TestArticleSanitising:
    def test_markup_an_author_could_abuse_is_removed(self):
        body = (
            "## Heading\n\n<script>alert('x')</script>\n\n"
            '<img src=x onerror="alert(1)">\n\n'
            "[click](javascript:alert(1))\n\n"
            '<p style="color:red" onclick="steal()">styled</p>\n\n'
            "**bold** and a [reference](https://example.org)."
        )
        html = render_article(body, [])
        assert "<script" not in html and "alert('x')" not in html
        assert "<img" not in html and "onerror" not in html
        assert "javascript:" not in html
        assert "style=" not in html and "onclick" not in html
        assert "<strong>bold</strong>" in html
        assert '<a href="https://example.org" rel="noopener noreferrer">reference</a>' in html

    def test_a_chart_placeholder_becomes_its_chart(self, db):
        activity = ActivityFactory(body="Before.\n\n[chart: pfs]\n\nAfter.")
        chart = Chart.objects.create(
            activity=activity, slug="pfs", title="PFS", description="Median PFS.", unit="months"
        )
        ChartBar.objects.create(chart=chart, label="Arm <A>", value_text="40.7")
        html = render_article(activity.body, [chart])
        assert "[chart: pfs]" not in html
        assert "<svg" in html
        assert "Arm &lt;A&gt;" in html  # chart text is escaped like any template text

    def test_an_unknown_chart_placeholder_renders_nothing(self):
        assert "[chart" not in render_article("[chart: missing]", [])


class TestChartLayout:
    def test_bars_are_proportional_to_the_largest_value(self, db):
        chart = Chart.objects.create(activity=ActivityFactory(), slug="c", title="T", description="D", unit="percent")
        ChartBar.objects.create(chart=chart, position=1, label="A", value_text="72.7")
        ChartBar.objects.create(chart=chart, position=2, label="B", value_text="1.0", series=BarSeries.COMPARATOR)
        rows = chart_layout(chart)["rows"]
        assert [row.width_percent for row in rows] == ["62.00%", "0.85%"]
        assert [row.value_label for row in rows] == ["72.7%", "1.0%"]

    def test_a_value_must_be_a_number(self, db):
        chart = Chart.objects.create(activity=ActivityFactory(), slug="c", title="T", description="D", unit="months")
        with pytest.raises(ValidationError):
            ChartBar(chart=chart, label="A", value_text="about 40").full_clean()


class TestCreditDesignation:
    def test_it_uses_the_standard_wording(self, db):
        activity = ActivityFactory(max_credits=Decimal("1.00"))
        assert designation_statement(activity) == (
            "Test Provider for CME designates this enduring material for a maximum of 1.00 AMA PRA Category 1 "
            "Credit™. Physicians should claim only the credit commensurate with the extent of their participation "
            "in the activity."
        )

    def test_credits_come_in_quarter_steps(self, db):
        activity = ActivityFactory.build(max_credits=Decimal("0.30"), provider=ActivityFactory().provider)
        with pytest.raises(ValidationError) as error:
            activity.full_clean()
        assert "steps of 0.25" in str(error.value)

    @pytest.mark.parametrize("credits", ["0.30", "0.00", "-0.25"])
    def test_the_database_refuses_other_amounts(self, db, credits):
        with pytest.raises(IntegrityError), transaction.atomic():
            ActivityFactory(max_credits=Decimal(credits))

    def test_the_database_refuses_an_expiry_before_release(self, db):
        activity = ActivityFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            type(activity).objects.filter(pk=activity.pk).update(expiration_date=activity.release_date)


def count_page_queries(client, activity) -> int:
    client.get(reverse("journey:activity", args=[activity.slug]))  # warm: the content version is then cached
    with CaptureQueriesContext(connection) as context:
        assert client.get(reverse("journey:activity", args=[activity.slug])).status_code == 200
    return len(context.captured_queries)


def test_the_page_query_count_does_not_grow_with_objectives_or_faculty(alice_client):
    small = ActivityFactory()
    ObjectiveFactory(activity=small)
    RelationshipFactory(contributor=ContributorFactory(activity=small))

    large = ActivityFactory()
    ObjectiveFactory.create_batch(6, activity=large)
    for _ in range(6):
        RelationshipFactory.create_batch(2, contributor=ContributorFactory(activity=large))

    assert count_page_queries(alice_client, large) == count_page_queries(alice_client, small)


def test_a_wide_table_scrolls_in_a_focusable_box():
    html = render_article("| Trial | Result |\n|---|---|\n| PATINA | 44.3 vs 29.1 months |", [])
    assert html.startswith('<div class="table-wrap" role="region" tabindex="0" aria-label="Table"><table>')
    assert "<td>44.3 vs 29.1 months</td>" in html
    assert html.endswith("</table></div>")


def test_heading_ids_cannot_collide_with_the_pages_own_ids():
    html = render_article('## Main\n\n<h2 id="article">Raw</h2>\n\n### Chart pfs', [])
    assert 'id="sec-main"' in html and 'id="sec-chart-pfs"' in html
    assert 'id="main"' not in html and 'id="article"' not in html


def test_a_chart_cites_only_its_own_activitys_references(db):
    from activities.models import Reference

    activity, other = ActivityFactory(), ActivityFactory()
    foreign = Reference.objects.create(activity=other, trial="X", title="X", journal="J", year=2026)
    chart = Chart(activity=activity, slug="c", title="T", description="D", unit="months", source=foreign)
    with pytest.raises(ValidationError, match="this activity's own references"):
        chart.full_clean()
