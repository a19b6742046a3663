import pytest

from activities.models import Enrollment
from journey.services import evaluation_submit, quiz_start
from quizzes.services import attempt_submit
from tests.credentials.conftest import node_verify  # noqa: F401 (the independent verifier, for the credential tests)
from tests.factories import ActivityFactory, make_quiz
from tests.quizzes.conftest import answer

EVALUATION = {
    "relevance": 5,
    "practice_change": "yes",
    "change_description": "Screen for ILD symptoms at every visit.",
    "free_of_commercial_bias": True,
    "bias_comment": "",
    "overall_quality": 4,
    "comments": "",
}


def pass_posttest(user, activity):
    Enrollment.objects.get_or_create(user=user, activity=activity)
    attempt = quiz_start(user=user, activity=activity, kind="post")
    answer(attempt, correct=attempt.items.count())
    return attempt_submit(attempt=attempt)


def evaluate(user, activity):
    ratings = {objective.pk: 5 for objective in activity.objectives.all()}
    return evaluation_submit(user=user, activity=activity, answers=dict(EVALUATION), objective_ratings=ratings)


@pytest.fixture
def activity(db):
    activity = ActivityFactory(pretest_required=False, title="Frontline & maintenance <update>")
    make_quiz(activity, "post", questions=2)
    return activity


@pytest.fixture
def ready(alice, activity):
    """Alice has passed the post-test and completed the evaluation."""
    pass_posttest(alice, activity)
    evaluate(alice, activity)
    return alice
