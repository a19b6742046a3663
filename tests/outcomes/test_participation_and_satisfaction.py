"""Moore levels 1 and 2: the funnel by profession, and the evaluations' distributions and remarks."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from activities.models import Enrollment
from credits.models import CreditClaim
from outcomes.selectors import Period, funnel, satisfaction
from quizzes.models import AttemptState
from tests.factories import ActivityFactory, ObjectiveFactory, UserFactory
from tests.outcomes.conftest import enrol, evaluate, quizzes_of, record_attempt


def claim(user, activity):
    CreditClaim.objects.create(user=user, activity=activity, credit_type="ama_pra_1", amount=Decimal("0.50"),
                               attestation="I attest.")  # fmt: skip


@pytest.fixture
def journeys(course):
    """Seven learners stopping at different steps; one started elsewhere, one long ago."""
    pre, post = quizzes_of(course)
    physician = {"profession": "physician"}
    cast = {name: UserFactory(**physician) for name in ("started", "pre", "open", "failed", "passed", "claimed")}
    cast["nurse"] = UserFactory(profession="other_hcp")
    cast["unknown"] = UserFactory(profession="")
    for user in cast.values():
        enrol(user, course)
    for name in ("pre", "open", "failed", "passed", "claimed", "nurse", "unknown"):
        record_attempt(cast[name], pre, [1, 2])
    record_attempt(cast["open"], post, [1, 1, 1, 1], state=AttemptState.IN_PROGRESS)
    record_attempt(cast["failed"], post, [2, 2, 2, 2])
    for name in ("passed", "claimed", "nurse"):
        record_attempt(cast[name], post, [1, 1, 1, 1])
        evaluate(cast[name], course)
    claim(cast["claimed"], course)
    claim(cast["nurse"], course)
    elsewhere = UserFactory()
    enrol(elsewhere, ActivityFactory())
    old = UserFactory()
    enrol(old, course, days_ago=90)
    return cast


def counts(group) -> list[int]:
    return [step.count for step in group.steps]


def test_the_funnel_counts_each_step_by_profession(journeys, course):
    result = funnel(activity=course, period=Period(start=timezone.localdate() - timedelta(days=30)))
    assert [step.label for step in result.overall.steps] == [
        "Started", "Pre-test submitted", "Post-test attempted", "Post-test passed", "Evaluation completed",
        "Credit claimed",
    ]  # fmt: skip
    assert [group.label for group in result.groups] == [
        "All learners", "Physician", "Other health-care professional", "Profession not given",
    ]  # fmt: skip
    assert counts(result.overall) == [8, 7, 5, 3, 3, 2]
    assert counts(result.groups[1]) == [6, 5, 4, 2, 2, 1]
    assert counts(result.groups[2]) == [1, 1, 1, 1, 1, 1]
    assert counts(result.groups[3]) == [1, 1, 0, 0, 0, 0]
    # Conversion: of those who started, and of the step before (5 attempted of 7 who took the pre-test).
    attempted = result.overall.steps[2]
    assert (attempted.percent_of_started, attempted.percent_of_previous) == (62.5, pytest.approx(500 / 7))
    assert result.overall.steps[0].percent_of_previous is None


def test_the_period_is_the_day_the_learner_started(journeys, course):
    assert funnel(activity=course, period=Period()).overall.started == 9
    assert funnel(activity=course, period=Period(end=timezone.localdate() - timedelta(days=60))).overall.started == 1


def test_an_optional_pre_test_is_a_side_step(journeys, course):
    course.pretest_required = False
    course.save()
    steps = funnel(activity=course, period=Period()).overall.steps
    assert steps[1].label == "Pre-test submitted (optional)"
    assert steps[2].percent_of_previous == steps[2].percent_of_started  # the post-test converts from "started"


def test_without_a_pre_test_the_step_is_left_out(db):
    activity = ActivityFactory()
    Enrollment.objects.create(user=UserFactory(), activity=activity)
    result = funnel(activity=activity, period=Period())
    assert "Pre-test submitted" not in [step.label for step in result.overall.steps]
    assert result.has_pretest is False


@pytest.fixture
def evaluations(course):
    first = course.objectives.get()
    second = ObjectiveFactory(activity=course, position=2, text="Select maintenance therapy.")
    now = timezone.now()
    evaluate(UserFactory(), course, relevance=5, quality=5, ratings={first: 5, second: 4}, submitted_at=now)
    evaluate(UserFactory(), course, relevance=4, quality=3, ratings={first: 4, second: 2}, practice_change="already",
             comments="=HYPERLINK(\"http://evil.example\")", submitted_at=now - timedelta(days=1))  # fmt: skip
    evaluate(UserFactory(), course, relevance=2, quality=2, ratings={first: 3, second: 2}, practice_change="yes",
             change="Screen for ILD at every visit.", bias_comment="The sponsor's drug was the only one named.",
             submitted_at=now - timedelta(days=2))  # fmt: skip
    evaluate(UserFactory(), course, relevance=1, quality=1, ratings={first: 1, second: 1},
             bias_comment="Old complaint.", submitted_at=now - timedelta(days=100))  # fmt: skip
    return first, second


def test_each_scale_has_its_distribution_and_mean(evaluations, course):
    result = satisfaction(activity=course, period=Period(start=timezone.localdate() - timedelta(days=30)))
    assert result.evaluations == 3
    objective_1, objective_2 = result.objectives
    assert objective_1.label == "Objective 1: Compare."
    assert [count for _, count, _ in objective_1.rows] == [0, 0, 1, 1, 1]
    assert objective_1.mean == pytest.approx(4.0)  # (3 + 4 + 5) / 3
    assert objective_2.mean == pytest.approx(8 / 3)  # (4 + 2 + 2) / 3
    assert [count for _, count, _ in result.relevance.rows] == [0, 1, 0, 1, 1]
    assert result.relevance.mean == pytest.approx(11 / 3)
    assert result.quality.mean == pytest.approx(10 / 3)
    assert [(label, count) for label, count, _ in result.practice_change.rows] == [
        ("Yes", 2), ("No, this content confirmed my current practice", 1), ("No", 0), ("Not sure yet", 0),
    ]  # fmt: skip
    assert result.practice_change.mean is None


def test_every_bias_report_is_listed_with_its_comment(evaluations, course):
    result = satisfaction(activity=course, period=Period(start=timezone.localdate() - timedelta(days=30)))
    assert result.bias_reported == 1
    assert [remark.text for remark in result.bias_remarks] == ["The sponsor's drug was the only one named."]
    everything = satisfaction(activity=course, period=Period())
    assert [remark.text for remark in everything.bias_remarks] == [
        "The sponsor's drug was the only one named.", "Old complaint.",
    ]  # fmt: skip
    assert [remark.text for remark in everything.change_remarks] == ["Screen for ILD at every visit."]


def test_the_page_shows_the_newest_remarks_and_the_csv_all_of_them(evaluations, course, reporter, monkeypatch):
    monkeypatch.setattr("outcomes.views.REMARKS_SHOWN", 1)
    page = reporter.get(reverse("admin:outcomes_report", args=[course.pk]))
    assert "The sponsor&#x27;s drug was the only one named." in page.text
    assert "Old complaint." not in page.text
    assert "The newest 1 of 2 are shown; the evaluation CSV has every bias report." in page.text
    download = reporter.get(reverse("admin:outcomes_report_csv", args=[course.pk]), {"section": "evaluation"})
    assert "Old complaint." in download.content.decode()


def test_the_evaluation_csv_keeps_free_text_from_running_as_a_formula(evaluations, course):
    out = io.StringIO()
    call_command("outcomes_report", activity=course.slug, section="evaluation", stdout=out)
    distribution, totals, remarks = out.getvalue().split("\n\n")
    assert distribution.splitlines()[0] == "measure,response,learners,percent,mean_1_to_5"
    assert "Objective 1: Compare.,Agree,1,25.00,3.25" in distribution
    assert totals.splitlines() == ["evaluations,bias_reported,changes_described,commented", "4,2,1,1"]
    rows = list(csv.reader(remarks.splitlines()))
    assert rows[0] == ["kind", "submitted_at", "text"]
    assert [rows[-1][0], rows[-1][2]] == ["comment", '\'=HYPERLINK("http://evil.example")']


def test_the_command_refuses_an_unknown_activity_or_dates(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="No activity"):
        call_command("outcomes_report", activity="nope", section="items", stdout=io.StringIO())
    activity = ActivityFactory()
    with pytest.raises(CommandError, match="end date"):
        call_command("outcomes_report", "--activity", activity.slug, "--section", "funnel", "--start", "2026-05-02",
                     "--end", "2026-05-01", stdout=io.StringIO())  # fmt: skip
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("outcomes_report", "--activity", activity.slug, "--section", "funnel", "--start", "May 2",
                     stdout=io.StringIO())  # fmt: skip


def test_the_funnel_csv(journeys, course):
    out = io.StringIO()
    start = (timezone.localdate() - timedelta(days=30)).isoformat()
    call_command("outcomes_report", "--activity", course.slug, "--section", "funnel", "--start", start, stdout=out)
    rows = list(csv.reader(out.getvalue().splitlines()))
    assert rows[0] == ["profession", "step", "learners", "percent_of_started", "percent_of_previous"]
    assert rows[1] == ["All learners", "Started", "8", "100.00", ""]
    assert rows[3] == ["All learners", "Post-test attempted", "5", "62.50", "71.43"]
    assert ["Profession not given", "Post-test attempted", "0", "0.00", "0.00"] in rows
