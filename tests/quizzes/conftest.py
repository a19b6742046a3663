import pytest

from activities.models import Enrollment
from quizzes.models import AttemptItem
from tests.factories import ActivityFactory, make_quiz


@pytest.fixture
def activity(db):
    return ActivityFactory(pretest_required=False)


@pytest.fixture
def post_quiz(activity):
    return make_quiz(activity, "post", questions=4, attempts_allowed=3, shuffle_choices=True)


@pytest.fixture
def enrolled_alice(alice, activity):
    Enrollment.objects.create(user=alice, activity=activity)
    return alice


def answer(attempt, correct: int):
    """Answer the attempt's items: the first `correct` right, the rest wrong."""
    from quizzes.services import attempt_answer

    for item in AttemptItem.objects.filter(attempt=attempt).select_related("version").order_by("position"):
        choices = list(item.version.choices.all())
        right = next(c for c in choices if c.is_correct)
        wrong = next(c for c in choices if not c.is_correct)
        attempt_answer(attempt=attempt, position=item.position, choice_id=(right if correct > 0 else wrong).pk)
        correct -= 1
