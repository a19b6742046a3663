"""Matched pre/post items, against a ten-learner example worked by hand.

Pre-test item P1 is matched to post-test item Q1 (objective 1), P2 to Q2 (objective 2);
1 = right. Post-test items 3 and 4 are not matched and do not count here.

            P1 P2 | Q1 Q2      change (of 2)
    L1       0  0 |  1  1        +2
    L2       0  0 |  1  1        +2
    L3       0  1 |  1  1        +1
    L4       0  1 |  1  0         0
    L5       1  0 |  1  1        +1
    L6       1  1 |  1  1         0
    L7       0  0 |  0  1        +1
    L8       0  0 |  1  0        +1
    L9       1  0 |  0  0        −1
    L10      0  0 |  0  0         0
"""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from activities.models import LearningObjective
from outcomes.selectors import Period, knowledge, learner_pseudonym
from quizzes.models import Attempt, QuestionVersion, QuizSlot
from tests.factories import UserFactory
from tests.outcomes.conftest import quizzes_of, record_attempt, right_or_wrong

ROWS = [
    ([0, 0], [1, 1]),
    ([0, 0], [1, 1]),
    ([0, 1], [1, 1]),
    ([0, 1], [1, 0]),
    ([1, 0], [1, 1]),
    ([1, 1], [1, 1]),
    ([0, 0], [0, 1]),
    ([0, 0], [1, 0]),
    ([1, 0], [0, 0]),
    ([0, 0], [0, 0]),
]


@pytest.fixture
def cohort(course):
    pre, post = quizzes_of(course)
    second = LearningObjective.objects.create(activity=course, position=2, text="Select maintenance therapy.")
    QuestionVersion.objects.filter(question=pre.slots.get(position=2).question).update(objective=second)
    learners = []
    for before, after in ROWS:
        learner = UserFactory()
        record_attempt(learner, pre, right_or_wrong(before), submitted_at=timezone.now() - timedelta(days=2))
        record_attempt(learner, post, [*right_or_wrong(after), 1, 1], submitted_at=timezone.now() - timedelta(days=1))
        learners.append(learner)
    return learners


def report(course, period=None):
    return knowledge(activity=course, period=period or Period())


def test_overall_percentages_mcnemar_and_dz(cohort, course):
    overall = report(course).overall
    # 10 learners × 2 matched items = 20 pairs; right before: P1 3 + P2 3 = 6 (30%); after: Q1 7 + Q2 6 = 13 (65%).
    assert (overall.learners, overall.pairs, overall.correct_before, overall.correct_after) == (10, 20, 6, 13)
    assert (overall.percent_before, overall.percent_after) == (30.0, 65.0)
    # Discordant: b (right → wrong) = L9 on Q1, L4 on Q2 = 2; c (wrong → right) = 5 + 4 = 9.
    assert (overall.right_then_wrong, overall.wrong_then_right) == (2, 9)
    # p = 2 · (C(11,0) + C(11,1) + C(11,2)) / 2¹¹ = 2 · 67 / 2048 = 0.0654296875
    assert overall.p_value == pytest.approx(0.0654296875)
    # Per learner (change ÷ 2): 1, 1, .5, 0, .5, 0, .5, .5, −.5, 0 → dz 0.737865, CI 0.038781 to 1.436949
    # (worked in test_statistics.py::TestCohensDz).
    assert overall.effect.n == 10
    assert overall.effect.dz == pytest.approx(0.737865, rel=1e-6)
    assert (overall.effect.ci_low, overall.effect.ci_high) == (
        pytest.approx(0.038781, abs=2e-6), pytest.approx(1.436949, abs=2e-6),
    )  # fmt: skip


def test_per_objective_and_per_question(cohort, course):
    result = report(course)
    first, second = result.objective_rows
    # Objective 1 (P1 → Q1): before 3/10, after 7/10, b = 1 (L9), c = 5; p = 2 · (1 + 6)/2⁶ = 0.21875.
    # Per learner: 1, 1, 1, 1, 0, 0, 0, 1, −1, 0 → Σ 4, Σ² 6; var (6 − 1.6)/9 = 0.48889; dz = 0.4/0.699206 = 0.572078
    assert (first.label, first.percent_before, first.percent_after) == ("Objective 1", 30.0, 70.0)
    assert (first.right_then_wrong, first.wrong_then_right, first.p_value) == (1, 5, pytest.approx(0.21875))
    assert first.effect.dz == pytest.approx(0.572078, rel=1e-6)
    # Objective 2 (P2 → Q2): before 3/10, after 6/10, b = 1 (L4), c = 4; p = 2 · (1 + 5)/2⁵ = 0.375.
    # Per learner: 1, 1, 0, −1, 1, 0, 1, 0, 0, 0 → Σ 3, Σ² 5; var (5 − 0.9)/9 = 0.45556; dz = 0.3/0.674949 = 0.444478
    assert (second.label, second.detail) == ("Objective 2", "Select maintenance therapy.")
    assert (second.percent_before, second.percent_after, second.p_value) == (30.0, 60.0, pytest.approx(0.375))
    assert second.effect.dz == pytest.approx(0.444478, rel=1e-6)
    assert [(row.pairs, row.right_then_wrong, row.wrong_then_right) for row in result.question_rows] == [
        (10, 1, 5), (10, 1, 4),
    ]  # fmt: skip


def test_each_learner_under_a_pseudonym(cohort, course):
    learners = report(course).learners
    by_pseudonym = {learner.pseudonym: learner for learner in learners}
    assert len(by_pseudonym) == 10
    l9 = by_pseudonym[learner_pseudonym(cohort[8].pk)]
    assert (l9.pairs, l9.correct_before, l9.correct_after, l9.change) == (2, 1, 0, -1)
    assert dict(report(course).change_histogram) == {-1: 1, 0: 3, 1: 4, 2: 2}


def test_first_attempts_only_and_only_learners_with_both_tests(cohort, course):
    pre, post = quizzes_of(course)
    record_attempt(cohort[9], post, [1, 1, 1, 1], number=2)  # L10's retake: all right, ignored
    only_pre, only_post = UserFactory(), UserFactory()
    record_attempt(only_pre, pre, [1, 1])
    record_attempt(only_post, post, [1, 1, 1, 1])
    overall = report(course).overall
    assert (overall.learners, overall.correct_before, overall.correct_after) == (10, 6, 13)


def test_the_period_is_the_first_post_test_date(cohort, course):
    assert report(course, Period(start=timezone.localdate())).overall.pairs == 0
    assert report(course, Period(end=timezone.localdate())).overall.pairs == 20


def test_below_ten_learners_there_is_no_test_and_the_page_says_so(cohort, course, reporter):
    _pre, post = quizzes_of(course)
    Attempt.objects.filter(user=cohort[0], quiz=post).update(state="in_progress", submitted_at=None, graded_at=None,
                                                              score=None, max_score=None, passed=None,
                                                              pass_mark_percent=None)  # fmt: skip
    overall = report(course).overall
    assert overall.learners == 9
    assert (overall.sufficient, overall.p_value) == (False, None)
    page = reporter.get(reverse("admin:outcomes_report", args=[course.pk]))
    assert "insufficient data (fewer than 10 learners)" in page.text
    csv = reporter.get(reverse("admin:outcomes_report_csv", args=[course.pk]), {"section": "knowledge"})
    overall_line = csv.content.decode().splitlines()[1].split(",")
    assert overall_line[0] == "overall"
    assert overall_line[8:12] == ["", "", "", ""]
    assert overall_line[12] == "insufficient data: fewer than 10 learners"


def test_without_matched_items_the_report_says_how_to_link_them(cohort, course, reporter):
    QuizSlot.objects.update(matched_question=None)
    assert report(course).matched_items == 0
    page = reporter.get(reverse("admin:outcomes_report", args=[course.pk]))
    assert "No pre-test item is matched to a post-test item" in page.text


def test_the_knowledge_csv(cohort, course):
    out = io.StringIO()
    call_command("outcomes_report", activity=course.slug, section="knowledge", stdout=out)
    summary, learners = out.getvalue().split("\n\n")
    lines = summary.splitlines()
    assert lines[0] == (
        "scope,label,learners,pairs,percent_before,percent_after,right_then_wrong,wrong_then_right,mcnemar_p,"
        "cohens_dz,dz_ci_low,dz_ci_high,note"
    )
    assert lines[1] == "overall,All matched items,10,20,30.00,65.00,2,9,0.06543,0.738,0.039,1.437,"
    assert lines[2].startswith("objective,Objective 1: Compare.,10,10,30.00,70.00,1,5,0.2188,0.572,")
    learner_lines = learners.splitlines()
    assert learner_lines[0] == "learner,matched_items,correct_before,correct_after"
    assert len(learner_lines) == 11
    emails = {learner.email for learner in cohort}
    assert not any(email in learners for email in emails)
    assert all(line.startswith("L-") for line in learner_lines[1:])
