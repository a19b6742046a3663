"""A learner who goes through the real services appears in every section as the directly written rows do."""

from decimal import Decimal

from journey.services import activity_start, credit_claim, quiz_start
from outcomes.selectors import Period, outcomes_report
from quizzes.services import attempt_submit
from tests.credits.conftest import evaluate
from tests.quizzes.conftest import answer


def test_the_journey_through_the_services_is_reported(course, alice):
    activity_start(user=alice, activity=course)
    pretest = quiz_start(user=alice, activity=course, kind="pre")
    answer(pretest, correct=1)  # the first matched item right, the second wrong
    attempt_submit(attempt=pretest)
    posttest = quiz_start(user=alice, activity=course, kind="post")
    answer(posttest, correct=4)
    attempt_submit(attempt=posttest)
    evaluate(alice, course)
    credit_claim(user=alice, activity=course, amount=Decimal("0.50"), attested=True, pars_consent=False)

    report = outcomes_report(activity=course, period=Period())
    assert [step.count for step in report.funnel.overall.steps] == [1, 1, 1, 1, 1, 1]
    overall = report.knowledge.overall
    assert (overall.pairs, overall.correct_before, overall.correct_after) == (2, 1, 2)
    assert report.items.attempts == 1
    assert [item.stats.facility for item in report.items.items] == [100.0] * 4
    assert report.satisfaction.evaluations == 1
