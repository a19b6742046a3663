"""Editing a question never rewrites what an attempt showed or how it was graded."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from quizzes.models import Choice, Question, QuestionVersion, VersionChoice
from quizzes.services import attempt_start, attempt_submit, question_snapshot
from tests.quizzes.conftest import answer


def first_question(quiz) -> Question:
    return quiz.slots.order_by("position").first().question


def test_editing_an_unused_question_corrects_its_version_in_place(post_quiz):
    question = first_question(post_quiz)
    question.stem = "A corrected stem?"
    question.save()
    version = question_snapshot(question=question)
    assert (version.number, version.stem) == (1, "A corrected stem?")
    assert question.versions.count() == 1


def test_saving_without_changes_adds_no_version(post_quiz):
    question = first_question(post_quiz)
    assert question_snapshot(question=question).number == 1
    assert question.versions.count() == 1


def test_editing_a_used_question_creates_a_new_version_and_keeps_history(enrolled_alice, post_quiz):
    attempt = attempt_start(user=enrolled_alice, quiz=post_quiz)
    answer(attempt, correct=4)
    graded = attempt_submit(attempt=attempt)
    question = first_question(post_quiz)
    shown = graded.items.get(version__question=question).version

    # The author swaps the key: what was right is now wrong.
    Choice.objects.filter(question=question).update(is_correct=False)
    Choice.objects.filter(question=question, position=2).update(is_correct=True)
    question.stem = "Rewritten stem?"
    question.save()
    new = question_snapshot(question=question)

    assert (shown.number, new.number) == (1, 2)
    shown.refresh_from_db()
    assert shown.stem == "Stem of post question 1?"
    assert shown.choices.get(is_correct=True).text == "Right post 1"
    item = graded.items.get(version__question=question)
    assert item.version_id == shown.pk and item.is_correct is True
    graded.refresh_from_db()
    assert graded.score == 4


def test_the_next_attempt_shows_the_new_version(enrolled_alice, activity):
    from tests.factories import make_quiz

    quiz = make_quiz(activity, "post", questions=1, attempts_allowed=0)
    first = attempt_start(user=enrolled_alice, quiz=quiz)
    answer(first, correct=0)
    attempt_submit(attempt=first)
    question = first_question(quiz)
    question.stem = "Version two?"
    question.save()
    question_snapshot(question=question)

    second = attempt_start(user=enrolled_alice, quiz=quiz)
    assert second.items.get().version.number == 2
    assert first.items.get().version.number == 1


def test_versions_and_their_choices_cannot_be_deleted_once_used(enrolled_alice, post_quiz):
    attempt = attempt_start(user=enrolled_alice, quiz=post_quiz)
    answer(attempt, correct=1)
    version = attempt.items.first().version
    with pytest.raises(ProtectedError):
        version.delete()
    with pytest.raises(ProtectedError):
        attempt.items.first().selected_choice.delete()
    with pytest.raises(ProtectedError):
        version.question.delete()


def test_the_database_allows_one_correct_choice_per_version(post_quiz):
    version = QuestionVersion.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        VersionChoice.objects.filter(version=version).update(is_correct=True)


def test_the_database_allows_one_open_attempt_per_learner_and_quiz(enrolled_alice, post_quiz):
    attempt_start(user=enrolled_alice, quiz=post_quiz)
    from quizzes.models import Attempt

    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.create(user=enrolled_alice, quiz=post_quiz, number=2)
