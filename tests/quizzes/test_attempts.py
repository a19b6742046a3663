"""Attempts: starting, resuming, grading against the pass mark, limits and review."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from journey import services as journey_services
from quizzes.models import Attempt, AttemptState, ReviewPolicy
from quizzes.selectors import quiz_summary, review_allowed
from quizzes.services import attempt_submit, is_pass
from tests.factories import ActivityFactory, make_quiz
from tests.quizzes.conftest import answer


def attempt_start(*, user, quiz):
    """Start a quiz the way the site does: through the journey, which checks where the test sits."""
    return journey_services.quiz_start(user=user, activity=quiz.activity, kind=quiz.kind)


@pytest.mark.parametrize(
    ("score", "max_score", "pass_mark", "passed"),
    [
        (8, 10, "75", True),
        (7, 10, "75", False),  # 70% is below 75%, and no rounding lifts it
        (3, 4, "75", True),  # exactly on the mark passes
        (2, 3, "66.67", False),  # 66.666…% is just below 66.67%
        (2, 3, "66.66", True),
        (0, 5, "0", True),
        (10, 10, "100", True),
        (9, 10, "100", False),
    ],
)
def test_the_pass_mark_is_compared_on_the_exact_fraction(score, max_score, pass_mark, passed):
    assert is_pass(score=score, max_score=max_score, pass_mark_percent=Decimal(pass_mark)) is passed


def test_grading_scores_the_stored_answers(enrolled_alice, post_quiz):
    attempt = attempt_start(user=enrolled_alice, quiz=post_quiz)
    answer(attempt, correct=3)
    graded = attempt_submit(attempt=attempt)
    assert (graded.state, graded.score, graded.max_score, graded.passed) == (AttemptState.GRADED, 3, 4, True)
    assert graded.pass_mark_percent == Decimal("75.00")
    assert list(graded.items.order_by("position").values_list("is_correct", flat=True)) == [True, True, True, False]


def test_a_learner_must_start_the_activity_first(alice, post_quiz):
    with pytest.raises(ValidationError, match="Start the activity first"):
        attempt_start(user=alice, quiz=post_quiz)


def test_an_open_attempt_is_resumed_not_duplicated(enrolled_alice, post_quiz):
    first = attempt_start(user=enrolled_alice, quiz=post_quiz)
    answer(first, correct=1)
    again = attempt_start(user=enrolled_alice, quiz=post_quiz)
    assert again.pk == first.pk
    assert Attempt.objects.count() == 1


def test_each_attempt_stores_its_question_and_choice_order(enrolled_alice, activity):
    quiz = make_quiz(activity, "post", questions=6, shuffle_questions=True, shuffle_choices=True)
    attempt = attempt_start(user=enrolled_alice, quiz=quiz)
    items = list(attempt.items.select_related("version").order_by("position"))
    assert [item.position for item in items] == [1, 2, 3, 4, 5, 6]
    assert {item.version.question_id for item in items} == set(quiz.slots.values_list("question_id", flat=True))
    for item in items:
        assert sorted(item.choice_order) == sorted(item.version.choices.values_list("pk", flat=True))


def test_the_attempt_limit_is_enforced(enrolled_alice, activity):
    quiz = make_quiz(activity, "post", questions=2, attempts_allowed=2)
    for _ in range(2):
        attempt = attempt_start(user=enrolled_alice, quiz=quiz)
        answer(attempt, correct=0)
        attempt_submit(attempt=attempt)
    with pytest.raises(ValidationError, match="used every attempt"):
        attempt_start(user=enrolled_alice, quiz=quiz)
    assert Attempt.objects.filter(user=enrolled_alice, quiz=quiz).count() == 2


def test_unlimited_attempts_when_zero(enrolled_alice, activity):
    quiz = make_quiz(activity, "post", questions=1, attempts_allowed=0)
    for _ in range(4):
        attempt = attempt_start(user=enrolled_alice, quiz=quiz)
        answer(attempt, correct=0)
        attempt_submit(attempt=attempt)
    assert quiz_summary(user=enrolled_alice, quiz=quiz).attempts_remaining is None


def test_no_retake_after_passing(enrolled_alice, post_quiz):
    attempt = attempt_start(user=enrolled_alice, quiz=post_quiz)
    answer(attempt, correct=4)
    attempt_submit(attempt=attempt)
    with pytest.raises(ValidationError, match="already passed"):
        attempt_start(user=enrolled_alice, quiz=post_quiz)


def test_the_result_is_the_best_attempt_and_the_first_pass_is_kept(enrolled_alice, activity):
    quiz = make_quiz(activity, "post", questions=4, attempts_allowed=0)
    scores = []
    for correct in (1, 3):
        attempt = attempt_start(user=enrolled_alice, quiz=quiz)
        answer(attempt, correct=correct)
        scores.append(attempt_submit(attempt=attempt))
    summary = quiz_summary(user=enrolled_alice, quiz=quiz)
    assert summary.best.pk == scores[1].pk
    assert summary.first_passed_at == scores[1].submitted_at

    # Raising the pass mark later never turns the recorded pass into a fail.
    quiz.pass_mark_percent = Decimal(100)
    quiz.save()
    assert quiz_summary(user=enrolled_alice, quiz=quiz).first_passed_at == scores[1].submitted_at


def test_submitting_with_unanswered_questions_is_refused_and_keeps_the_answers(enrolled_alice, post_quiz):
    attempt = attempt_start(user=enrolled_alice, quiz=post_quiz)
    answer(attempt, correct=0)
    item = attempt.items.get(position=4)
    item.selected_choice = None
    item.save()
    with pytest.raises(ValidationError, match="Still unanswered: 4"):
        attempt_submit(attempt=attempt)
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.IN_PROGRESS
    assert attempt.items.filter(selected_choice__isnull=False).count() == 3


class TestReviewPolicy:
    def graded(self, user, quiz, correct):
        attempt = attempt_start(user=user, quiz=quiz)
        answer(attempt, correct=correct)
        return attempt_submit(attempt=attempt)

    def test_the_key_waits_until_passed_or_out_of_attempts(self, enrolled_alice, activity):
        quiz = make_quiz(activity, "post", questions=4, attempts_allowed=2)
        failed = self.graded(enrolled_alice, quiz, correct=1)
        assert not review_allowed(attempt=failed, summary=quiz_summary(user=enrolled_alice, quiz=quiz))
        failed_again = self.graded(enrolled_alice, quiz, correct=1)
        assert review_allowed(attempt=failed_again, summary=quiz_summary(user=enrolled_alice, quiz=quiz))

    def test_the_key_shows_once_passed(self, enrolled_alice, post_quiz):
        passed = self.graded(enrolled_alice, post_quiz, correct=4)
        assert review_allowed(attempt=passed, summary=quiz_summary(user=enrolled_alice, quiz=post_quiz))

    @pytest.mark.parametrize(("policy", "shown"), [(ReviewPolicy.IMMEDIATELY, True), (ReviewPolicy.SCORE_ONLY, False)])
    def test_other_policies(self, enrolled_alice, activity, policy, shown):
        quiz = make_quiz(activity, "post", questions=2, attempts_allowed=1, review_policy=policy)
        attempt = self.graded(enrolled_alice, quiz, correct=0)
        assert review_allowed(attempt=attempt, summary=quiz_summary(user=enrolled_alice, quiz=quiz)) is shown


class TestPretestGate:
    def test_the_post_test_waits_for_a_required_pretest(self, alice):
        activity = ActivityFactory(pretest_required=True)
        pre = make_quiz(activity, "pre", questions=2, attempts_allowed=1)
        post = make_quiz(activity, "post", questions=2)
        from activities.models import Enrollment

        Enrollment.objects.create(user=alice, activity=activity)
        with pytest.raises(ValidationError, match="Take the pre-test first"):
            attempt_start(user=alice, quiz=post)
        attempt = attempt_start(user=alice, quiz=pre)
        answer(attempt, correct=1)
        attempt_submit(attempt=attempt)
        assert attempt_start(user=alice, quiz=post).quiz == post

    def test_the_article_is_locked_until_the_pretest(self, alice_client, alice):
        activity = ActivityFactory(pretest_required=True, body="## Findings\n\nSecret article text.")
        make_quiz(activity, "pre", questions=1, attempts_allowed=1)
        from activities.models import Enrollment

        Enrollment.objects.create(user=alice, activity=activity)
        html = alice_client.get(activity.get_absolute_url()).text
        assert "Secret article text." not in html
        assert "Take the pre-test before you read" in html

    def test_an_optional_pretest_does_not_lock_the_article(self, client, db):
        activity = ActivityFactory(pretest_required=False, body="Open article text.")
        make_quiz(activity, "pre", questions=1)
        assert "Open article text." in client.get(activity.get_absolute_url()).text

    def test_the_pretest_is_taken_once(self, alice):
        activity = ActivityFactory()
        pre = make_quiz(activity, "pre", questions=1, attempts_allowed=0)
        from activities.models import Enrollment

        Enrollment.objects.create(user=alice, activity=activity)
        attempt = attempt_start(user=alice, quiz=pre)
        answer(attempt, correct=0)
        attempt_submit(attempt=attempt)
        with pytest.raises(ValidationError, match="baseline once"):
            attempt_start(user=alice, quiz=pre)


def test_the_catalog_shows_passed(alice_client, enrolled_alice, post_quiz):
    attempt = attempt_start(user=enrolled_alice, quiz=post_quiz)
    answer(attempt, correct=4)
    attempt_submit(attempt=attempt)
    assert "Your status: Passed" in alice_client.get(reverse("journey:catalog")).text


class TestKeyStaysHidden:
    def test_not_while_the_last_attempt_is_open(self, enrolled_alice, activity):
        quiz = make_quiz(activity, "post", questions=2, attempts_allowed=2)
        first = attempt_start(user=enrolled_alice, quiz=quiz)
        answer(first, correct=0)
        attempt_submit(attempt=first)
        attempt_start(user=enrolled_alice, quiz=quiz)  # the last attempt, still open
        assert not review_allowed(attempt=first, summary=quiz_summary(user=enrolled_alice, quiz=quiz))

    def test_never_for_a_pretest(self, enrolled_alice, activity):
        pre = make_quiz(activity, "pre", questions=2, attempts_allowed=1, review_policy=ReviewPolicy.IMMEDIATELY)
        attempt = attempt_start(user=enrolled_alice, quiz=pre)
        answer(attempt, correct=2)
        graded = attempt_submit(attempt=attempt)
        assert not review_allowed(attempt=graded, summary=quiz_summary(user=enrolled_alice, quiz=pre))


def test_the_pretest_closes_once_the_post_test_starts(enrolled_alice, activity):
    pre = make_quiz(activity, "pre", questions=1)
    post = make_quiz(activity, "post", questions=1)
    attempt_start(user=enrolled_alice, quiz=post)
    with pytest.raises(ValidationError, match="closes once you start the post-test"):
        attempt_start(user=enrolled_alice, quiz=pre)


def test_a_skipped_optional_pretest_does_not_hold_up_progress(enrolled_alice, activity):
    from journey.selectors import journey_for
    from journey.state import Step

    make_quiz(activity, "pre", questions=1)
    post = make_quiz(activity, "post", questions=1)
    attempt = attempt_start(user=enrolled_alice, quiz=post)
    answer(attempt, correct=1)
    attempt_submit(attempt=attempt)
    assert journey_for(user=enrolled_alice, activity=activity).current == Step.EVALUATION
