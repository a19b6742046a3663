"""The post-test item analysis through the database, against the matrix worked by hand in test_statistics.py.

Six learners answer the four-item post-test (option 1 is the key of every item):

            I1 I2 I3 I4   marks      total
    A        2  1  1  1   0 1 1 1      3
    B        1  1  3  1   1 1 0 1      3
    C        2  1  4  1   0 1 0 1      2
    D        1  2  2  1   1 0 0 1      2
    E        3  3  3  1   0 0 0 1      1
    F        3  4  2  1   0 0 0 1      1
"""

import io
import math
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from outcomes.selectors import Period, item_analysis
from quizzes.models import AttemptState
from tests.factories import UserFactory
from tests.outcomes.conftest import quizzes_of, record_attempt

CHOICES = {
    "A": [2, 1, 1, 1],
    "B": [1, 1, 3, 1],
    "C": [2, 1, 4, 1],
    "D": [1, 2, 2, 1],
    "E": [3, 3, 3, 1],
    "F": [3, 4, 2, 1],
}


@pytest.fixture
def learners(course):
    _pre, post = quizzes_of(course)
    cast = {}
    for name, choices in CHOICES.items():
        cast[name] = UserFactory(first_name=name)
        record_attempt(cast[name], post, choices, submitted_at=timezone.now() - timedelta(days=3))
    return cast


def analysis(course, period=None):
    return item_analysis(activity=course, period=period or Period())


def test_each_version_has_moodles_figures(learners, course):
    items = analysis(course).items
    assert [item.slot_position for item in items] == [1, 2, 3, 4]
    figures = [
        (item.stats.s, item.stats.facility, item.stats.sd, item.stats.discrimination_index,
         item.stats.discriminative_efficiency)
        for item in items
    ]  # fmt: skip
    # The arithmetic for each is in tests/outcomes/test_statistics.py (same matrix).
    assert figures == [
        (6, pytest.approx(100 * 2 / 6), pytest.approx(100 * math.sqrt(8 / 30)), pytest.approx(-200 / math.sqrt(160)),
         pytest.approx(-20.0)),
        (6, pytest.approx(50.0), pytest.approx(100 * math.sqrt(9 / 30)), pytest.approx(100 / 3),
         pytest.approx(100 / 3)),
        (6, pytest.approx(100 / 6), pytest.approx(100 * math.sqrt(5 / 30)), pytest.approx(100 / math.sqrt(85)),
         pytest.approx(100 / 7)),
        (6, 100.0, 0.0, None, None),
    ]  # fmt: skip


def test_the_test_statistics(learners, course):
    test = analysis(course).test
    # Totals 3,3,2,2,1,1 of 4: mean 50%, median 50%, SD √0.8 = 0.894 marks = 22.36%,
    # CIC 11.11%, error ratio 94.28%, standard error 21.08% (worked in test_statistics.py).
    assert (test.s, test.items, test.max_score) == (6, 4, 4)
    assert test.mean == pytest.approx(50.0)
    assert test.median == pytest.approx(50.0)
    assert test.sd == pytest.approx(22.3607, abs=1e-4)
    assert test.cic == pytest.approx(11.1111, abs=1e-4)
    assert test.error_ratio == pytest.approx(94.2809, abs=1e-4)
    assert test.standard_error == pytest.approx(21.0819, abs=1e-4)


def test_distractor_rates_and_flags(learners, course):
    items = analysis(course).items
    # I1: key chosen by B, D (2 of 6); option 2 by A, C; option 3 by E, F; option 4 by nobody.
    assert [(o.position, o.chosen, round(o.percent, 2)) for o in items[0].options] == [
        (1, 2, 33.33), (2, 2, 33.33), (3, 2, 33.33), (4, 0, 0.0),
    ]  # fmt: skip
    assert [item.flags for item in items] == [
        ["Weak: discriminative efficiency below 15%", "Distractor chosen by no one: option 4"],
        [],
        ["Hard: facility below 30%", "Weak: discriminative efficiency below 15%"],
        ["Easy: facility above 95%", "Distractors chosen by no one: option 2, 3, 4"],
    ]


def test_only_each_learners_first_submitted_attempt_counts(learners, course):
    _pre, post = quizzes_of(course)
    # E retakes and gets everything right; a newcomer has an attempt still open.
    record_attempt(learners["E"], post, [1, 1, 1, 1], number=2)
    record_attempt(UserFactory(), post, [1, 1, 1, 1], state=AttemptState.IN_PROGRESS)
    result = analysis(course)
    assert result.attempts == 6
    assert [item.stats.facility for item in result.items][:3] == [
        pytest.approx(100 * 2 / 6), pytest.approx(50.0), pytest.approx(100 / 6),
    ]  # fmt: skip
    assert result.test.mean == pytest.approx(50.0)


def test_a_first_attempt_before_the_period_leaves_the_learner_out(learners, course):
    _pre, post = quizzes_of(course)
    late = UserFactory()
    record_attempt(late, post, [1, 1, 1, 1], submitted_at=timezone.now() - timedelta(days=40))
    record_attempt(late, post, [2, 2, 2, 2], number=2)  # inside the period, but not the learner's first
    recent = Period(start=timezone.localdate() - timedelta(days=7))
    assert analysis(course, recent).attempts == 6
    assert analysis(course).attempts == 7
    assert analysis(course, Period(end=timezone.localdate() - timedelta(days=30))).attempts == 1


def test_an_edited_question_reports_each_version_on_its_own(learners, course):
    from quizzes.models import QuestionVersion, VersionChoice

    _pre, post = quizzes_of(course)
    first = post.slots.get(position=1).question
    old = QuestionVersion.objects.get(question=first)
    new = QuestionVersion.objects.create(question=first, number=2, stem="Revised stem?", objective=old.objective)
    for choice in old.choices.all():
        VersionChoice.objects.create(version=new, position=choice.position, text=choice.text + " (rev)",
                                     is_correct=choice.is_correct)  # fmt: skip
    record_attempt(UserFactory(), post, [1, 1, 1, 1])  # shows version 2 of the first question
    labels = [(item.slot_position, item.version_number, item.stats.s) for item in analysis(course).items]
    assert labels == [(1, 1, 6), (1, 2, 1), (2, 1, 7), (3, 1, 7), (4, 1, 7)]


def test_attempts_of_another_length_stay_out_of_the_test_statistics(learners, course):
    _pre, post = quizzes_of(course)
    post.slots.get(position=4).delete()  # the fourth item withdrawn: a later learner sees three
    record_attempt(UserFactory(), post, [1, 1, 1])
    result = analysis(course)
    assert result.attempts == 7
    assert result.forms == {4: 6, 3: 1}
    assert (result.test.s, result.test.items) == (6, 4)
    assert result.test.cic == pytest.approx(100 / 9)  # unchanged: the six four-item attempts
    assert [item.stats.s for item in result.items] == [7, 7, 7, 6]


def test_the_command_writes_the_items_csv(learners, course):
    out = io.StringIO()
    call_command("outcomes_report", activity=course.slug, section="items", format="csv", stdout=out)
    tables = out.getvalue().split("\n\n")
    items = tables[0].splitlines()
    assert items[0] == (
        "position,question,idnumber,version,objective,n,facility,sd,discrimination_index,"
        "discriminative_efficiency,flags"
    )
    first = items[1].split(",")
    assert first[0] == "1" and first[3] == "1"
    assert first[5:10] == ["6", "33.33", "51.64", "-15.81", "-20.00"]
    assert items[4].split(",")[5:10] == ["6", "100.00", "0.00", "", ""]
    figures = dict(line.split(",") for line in tables[1].splitlines()[1:])
    assert figures["coefficient_of_internal_consistency"] == "11.11"
    assert figures["error_ratio"] == "94.28"
    assert figures["standard_error_percent"] == "21.08"
    assert figures["sd_percent"] == "22.36"
    options = tables[2].splitlines()
    assert options[0] == "question,idnumber,version,option,correct,chosen,percent,text"
    assert options[4].split(",")[3:7] == ["4", "0", "0", "0.00"]
