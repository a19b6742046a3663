"""Parallel requests against PostgreSQL: the database, not luck, keeps one result.

SQLite serialises writers, so these run on PostgreSQL only (CI runs both).
"""

import pytest
from django.db import connection

from activities.models import Enrollment
from quizzes.models import Attempt, AttemptState
from quizzes.services import AttemptClosedError, attempt_start, attempt_submit
from tests.concurrency import run_in_parallel
from tests.factories import ActivityFactory, UserFactory, make_quiz
from tests.quizzes.conftest import answer

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks"),
]
THREADS = 12


@pytest.fixture
def learner_and_quiz(transactional_db):
    activity = ActivityFactory(pretest_required=False)
    quiz = make_quiz(activity, "post", questions=3, attempts_allowed=2)
    user = UserFactory()
    Enrollment.objects.create(user=user, activity=activity)
    return user, quiz


def test_parallel_starts_open_one_attempt(learner_and_quiz):
    user, quiz = learner_and_quiz
    outcomes = run_in_parallel(lambda: attempt_start(user=user, quiz=quiz).pk, threads=THREADS)
    assert Attempt.objects.filter(user=user, quiz=quiz).count() == 1
    assert set(outcomes) == {Attempt.objects.get().pk}


def test_parallel_submits_grade_once(learner_and_quiz):
    user, quiz = learner_and_quiz
    attempt = attempt_start(user=user, quiz=quiz)
    answer(attempt, correct=3)
    outcomes = run_in_parallel(lambda: attempt_submit(attempt=attempt).pk, threads=THREADS)
    graded = [outcome for outcome in outcomes if not isinstance(outcome, Exception)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, AttemptClosedError)]
    assert (len(graded), len(refused)) == (1, THREADS - 1)
    attempt.refresh_from_db()
    assert (attempt.state, attempt.score) == (AttemptState.GRADED, 3)
