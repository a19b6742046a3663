"""The report costs the same number of queries for 5 learners as for 20: SQL aggregates, never a query per learner."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from credits.models import CreditClaim
from outcomes.selectors import SECTIONS, Period, outcomes_report
from tests.factories import UserFactory
from tests.outcomes.conftest import enrol, evaluate, quizzes_of, record_attempt


def add_learners(activity, count: int, start: int = 0) -> None:
    pre, post = quizzes_of(activity)
    objectives = list(activity.objectives.all())
    for index in range(start, start + count):
        learner = UserFactory(profession=["physician", "other_hcp", ""][index % 3])
        enrol(learner, activity)
        record_attempt(learner, pre, [1 + index % 2, 1 + index % 3])
        record_attempt(learner, post, [1, 1 + index % 2, 1 + index % 4, 1])
        if index % 2:
            record_attempt(learner, post, [1, 1, 1, 1], number=2)
        evaluate(learner, activity, relevance=1 + index % 5, comments=f"Comment {index}",
                 bias_comment="Brand names." if index % 7 == 0 else "",
                 ratings=dict.fromkeys(objectives, 1 + index % 5))  # fmt: skip
        CreditClaim.objects.create(user=learner, activity=activity, credit_type="ama_pra_1", amount=Decimal("0.50"),
                                   attestation="I attest.")  # fmt: skip


def queries(action) -> int:
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured.captured_queries)


@pytest.fixture
def measure(course, reporter):
    def run() -> dict[str, int]:
        report_url = reverse("admin:outcomes_report", args=[course.pk])
        csv_url = reverse("admin:outcomes_report_csv", args=[course.pk])
        counts = {"selectors": queries(lambda: outcomes_report(activity=course, period=Period()))}
        counts["page"] = queries(lambda: reporter.get(report_url))
        for section in SECTIONS:
            counts[f"csv {section}"] = queries(lambda section=section: reporter.get(csv_url, {"section": section}))
        return counts

    return run


def test_five_learners_and_twenty_cost_the_same_queries(course, measure):
    add_learners(course, 5)
    with_five = measure()
    add_learners(course, 15, start=5)
    with_twenty = measure()
    assert with_five == with_twenty
    # Funnel 2, satisfaction 9, knowledge 5, items 8, commitments 5: 29 today, whatever the number of learners.
    assert with_five["selectors"] <= 30


def test_the_learners_really_count(course):
    add_learners(course, 5)
    report = outcomes_report(activity=course, period=Period())
    assert report.funnel.overall.started == 5
    assert report.items.attempts == 5
    assert report.knowledge.overall.learners == 5
    assert report.satisfaction.evaluations == 5
