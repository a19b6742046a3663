"""Matched pre/post pairs are one to one: the knowledge report relies on it, and the database holds it."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from quizzes.models import QuizSlot
from tests.factories import ActivityFactory, make_quiz


@pytest.fixture
def slots(db):
    activity = ActivityFactory()
    pre, post = make_quiz(activity, kind="pre", questions=2), make_quiz(activity, kind="post", questions=2)
    return list(QuizSlot.objects.filter(quiz=pre).order_by("position")), [s.question for s in post.slots.all()]


def test_two_pre_test_items_cannot_share_a_post_test_partner(slots):
    (first, second), (partner, _other) = slots
    QuizSlot.objects.filter(pk=first.pk).update(matched_question=partner)
    with pytest.raises(IntegrityError), transaction.atomic():
        QuizSlot.objects.filter(pk=second.pk).update(matched_question=partner)


def test_validation_says_why_before_the_database_refuses(slots):
    (first, second), (partner, _other) = slots
    QuizSlot.objects.filter(pk=first.pk).update(matched_question=partner)
    second.matched_question = partner
    with pytest.raises(ValidationError, match="already matched with this post-test question"):
        second.full_clean()


def test_unmatched_slots_are_many(slots):
    (first, second), _post = slots
    assert first.matched_question is None and second.matched_question is None  # NULLs never collide
