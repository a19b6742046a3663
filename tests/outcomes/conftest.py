"""Outcome data written straight to the tables, fast enough for twenty learners and a hand-worked matrix.

record_attempt stores a submitted attempt as quizzes.services.attempt_submit
leaves one (graded, scored, each item's choice and mark); test_real_journey.py
checks that the report reads attempts made through the real services the same way.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from activities.models import Enrollment
from credits.models import Evaluation, ObjectiveRating
from quizzes.models import Attempt, AttemptItem, AttemptState, QuestionVersion, Quiz, QuizSlot
from tests.factories import ActivityFactory, make_quiz
from tests.test_staff_access import staff_client_with


def latest_versions(quiz: Quiz) -> list[QuestionVersion]:
    """The quiz's current versions in slot order."""
    versions = []
    for slot in QuizSlot.objects.filter(quiz=quiz).order_by("position"):
        versions.append(QuestionVersion.objects.filter(question_id=slot.question_id).order_by("-number").first())
    return versions


def record_attempt(user, quiz: Quiz, choices: list[int], *, number: int = 1, submitted_at=None,
                   state: str = AttemptState.GRADED) -> Attempt:  # fmt: skip
    """A submitted attempt: choices[i] is the position (1-based, as authored) chosen on the quiz's i-th question."""
    versions = latest_versions(quiz)
    options = {v.pk: {c.position: c for c in v.choices.all()} for v in versions}
    picked = [options[v.pk][position] for v, position in zip(versions, choices, strict=True)]
    score = sum(choice.is_correct for choice in picked)
    graded = state == AttemptState.GRADED
    when = submitted_at or timezone.now()
    attempt = Attempt.objects.create(
        user=user,
        quiz=quiz,
        number=number,
        state=state,
        submitted_at=when if graded else None,
        graded_at=when if graded else None,
        pass_mark_percent=quiz.pass_mark_percent if graded else None,
        score=score if graded else None,
        max_score=len(versions) if graded else None,
        passed=(score * 100 >= quiz.pass_mark_percent * len(versions)) if graded else None,
    )
    AttemptItem.objects.bulk_create(
        AttemptItem(
            attempt=attempt,
            position=index,
            version=version,
            choice_order=[c.pk for c in version.choices.all()],
            selected_choice=choice,
            answered_at=when,
            is_correct=choice.is_correct if graded else None,
        )
        for index, (version, choice) in enumerate(zip(versions, picked, strict=True), 1)
    )
    return attempt


def right_or_wrong(marks: list[int], wrong: int = 2) -> list[int]:
    """Choices for a row of 1/0 marks: the key (position 1) for 1, option `wrong` for 0."""
    return [1 if mark else wrong for mark in marks]


def evaluate(user, activity, *, relevance=5, quality=4, practice_change="yes", change="", bias_comment="",
             comments="", ratings=None, submitted_at=None) -> Evaluation:  # fmt: skip
    evaluation = Evaluation.objects.create(
        user=user,
        activity=activity,
        relevance=relevance,
        practice_change=practice_change,
        change_description=change,
        free_of_commercial_bias=not bias_comment,
        bias_comment=bias_comment,
        overall_quality=quality,
        comments=comments,
    )
    if submitted_at:
        Evaluation.objects.filter(pk=evaluation.pk).update(submitted_at=submitted_at)
    for objective, rating in (ratings or {}).items():
        ObjectiveRating.objects.create(evaluation=evaluation, objective=objective, rating=rating)
    return evaluation


def enrol(user, activity, *, days_ago: int = 1) -> Enrollment:
    return Enrollment.objects.create(user=user, activity=activity, started_at=timezone.now() - timedelta(days=days_ago))


@pytest.fixture
def course(db):
    """An activity with a 2-item pre-test matched to the first two items of a 4-item post-test."""
    activity = ActivityFactory(pretest_required=True, title="Outcomes test activity")
    pre = make_quiz(activity, "pre", questions=2)
    post = make_quiz(activity, "post", questions=4, attempts_allowed=3)
    for pre_slot, post_slot in zip(pre.slots.order_by("position"), post.slots.order_by("position"), strict=False):
        QuizSlot.objects.filter(pk=pre_slot.pk).update(matched_question=post_slot.question)
    return activity


def quizzes_of(activity) -> tuple[Quiz, Quiz]:
    return Quiz.objects.get(activity=activity, kind="pre"), Quiz.objects.get(activity=activity, kind="post")


@pytest.fixture
def reporter(db) -> Client:
    """Staff with an authenticator app and outcomes.view_outcomes, nothing else."""
    return staff_client_with("outcomes.view_outcomes")
