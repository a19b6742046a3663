"""The quiz pages as a learner uses them, and every way of tampering with them."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quizzes.models import Attempt, AttemptItem, AttemptState
from quizzes.services import attempt_start
from tests.factories import make_quiz
from tests.quizzes.conftest import answer


def start_url(activity):
    return reverse("quizzes:posttest_start", args=[activity.slug])


def question_url(attempt, position):
    return reverse("quizzes:question", args=[attempt.pk, position])


def posted_values(html: str) -> list[int]:
    return [int(value) for value in re.findall(r'name="choice" value="(\d+)"', html)]


@pytest.fixture
def attempt(enrolled_alice, post_quiz):
    return attempt_start(user=enrolled_alice, quiz=post_quiz)


class TestTakingATest:
    def test_the_quiz_page_explains_the_rules(self, alice_client, enrolled_alice, post_quiz, activity):
        html = alice_client.get(reverse("quizzes:posttest", args=[activity.slug])).text
        assert "4 single-best-answer questions" in html
        assert "You need 75% to pass" in html
        assert "3 attempts" in html

    def test_start_goes_to_the_first_question_with_progress(self, alice_client, enrolled_alice, post_quiz, activity):
        response = alice_client.post(start_url(activity), follow=True)
        assert "Question 1 of 4" in response.text
        assert "0 of 4 answered" in response.text

    def test_each_answer_is_saved_as_it_is_chosen(self, alice_client, attempt):
        html = alice_client.get(question_url(attempt, 1)).text
        assert posted_values(html) == [1, 2, 3, 4]
        response = alice_client.post(question_url(attempt, 1), {"choice": 3, "action": "next"})
        assert response["Location"] == question_url(attempt, 2)
        item = AttemptItem.objects.get(attempt=attempt, position=1)
        assert item.selected_choice_id == item.choice_order[2]  # the third choice as shown

    def test_a_question_can_be_skipped_and_revisited(self, alice_client, attempt):
        response = alice_client.post(question_url(attempt, 2), {"action": "previous"})
        assert response["Location"] == question_url(attempt, 1)
        response = alice_client.post(question_url(attempt, 1), {"action": "review"})
        assert response["Location"] == reverse("quizzes:review", args=[attempt.pk])
        assert not AttemptItem.objects.filter(attempt=attempt, selected_choice__isnull=False).exists()

    def test_a_learner_resumes_on_another_device(self, alice_client, alice, attempt, activity):
        answer(attempt, correct=2)
        item = AttemptItem.objects.get(attempt=attempt, position=3)
        item.selected_choice = None
        item.save()
        other_device = type(alice_client)()
        other_device.force_login(alice)
        response = other_device.post(start_url(activity))
        assert response["Location"] == question_url(attempt, 3)
        html = other_device.get(question_url(attempt, 1)).text
        item = AttemptItem.objects.get(attempt=attempt, position=1)
        place = item.choice_order.index(item.selected_choice_id) + 1
        assert re.search(rf'name="choice" value="{place}"[^>]*checked', html)

    def test_review_then_submit_shows_the_score(self, alice_client, attempt):
        answer(attempt, correct=3)
        review = alice_client.get(reverse("quizzes:review", args=[attempt.pk])).text
        assert "Every question is answered." in review
        response = alice_client.post(reverse("quizzes:submit", args=[attempt.pk]), follow=True)
        assert "3 of 4 correct" in response.text
        assert "Passed." in response.text

    def test_submitting_with_a_gap_lists_it_and_loses_nothing(self, alice_client, attempt):
        answer(attempt, correct=2)
        AttemptItem.objects.filter(attempt=attempt, position=2).update(selected_choice=None)
        response = alice_client.post(reverse("quizzes:submit", args=[attempt.pk]), follow=True)
        assert "Still unanswered: 2." in response.text
        attempt.refresh_from_db()
        assert attempt.state == AttemptState.IN_PROGRESS
        assert AttemptItem.objects.filter(attempt=attempt, selected_choice__isnull=False).count() == 3

    def test_a_failed_attempt_hides_the_key_and_offers_a_retake(self, alice_client, attempt):
        answer(attempt, correct=1)
        html = alice_client.post(reverse("quizzes:submit", args=[attempt.pk]), follow=True).text
        assert "Not passed." in html
        assert "Retake the post-test" in html
        assert "Correct answers and feedback appear once you pass" in html
        assert "Yes feedback" not in html and "Explanation 1." not in html

    def test_a_passed_attempt_shows_the_key_feedback_and_rationale(self, alice_client, attempt):
        answer(attempt, correct=4)
        html = alice_client.post(reverse("quizzes:submit", args=[attempt.pk]), follow=True).text
        assert "Correct answer" in html
        assert "Yes feedback 1" in html and "No feedback A 1" in html
        assert "Explanation 1." in html
        assert "Reference: TRIAL-1." in html


class TestAnswerKeyNeverReachesTheBrowser:
    def test_question_pages_carry_no_key_feedback_or_explanation(self, alice_client, attempt):
        for position in range(1, 5):
            html = alice_client.get(question_url(attempt, position)).text
            assert "feedback" not in html.lower()
            assert "Explanation" not in html
            assert "correct" not in html.lower()
            # Values are places in this attempt's shuffled order, never the
            # database ids, which follow the authored order and would hint at the key.
            assert posted_values(html) == [1, 2, 3, 4]


class TestTampering:
    def test_a_choice_from_another_question_is_refused(self, attempt):
        from django.core.exceptions import ValidationError

        from quizzes.services import attempt_answer

        other = AttemptItem.objects.get(attempt=attempt, position=2).choice_order[0]
        with pytest.raises(ValidationError, match="Choose one of the answers shown"):
            attempt_answer(attempt=attempt, position=1, choice_id=other)
        assert AttemptItem.objects.get(attempt=attempt, position=1).selected_choice_id is None

    def test_a_choice_beyond_those_shown_is_refused(self, alice_client, attempt):
        response = alice_client.post(question_url(attempt, 1), {"choice": "5", "action": "next"})
        assert response.status_code == 200
        assert "Choose one of the answers shown for this question." in response.text
        assert AttemptItem.objects.get(attempt=attempt, position=1).selected_choice_id is None

    def test_a_made_up_choice_is_refused(self, alice_client, attempt):
        response = alice_client.post(question_url(attempt, 1), {"choice": "999999", "action": "next"})
        assert "Choose one of the answers shown" in response.text
        assert not AttemptItem.objects.filter(attempt=attempt, selected_choice__isnull=False).exists()

    def test_a_finished_attempt_cannot_be_changed_or_resubmitted(self, alice_client, attempt):
        answer(attempt, correct=1)
        alice_client.post(reverse("quizzes:submit", args=[attempt.pk]))
        before = list(AttemptItem.objects.filter(attempt=attempt).values_list("selected_choice_id", "is_correct"))
        graded = Attempt.objects.values("score", "graded_at").get(pk=attempt.pk)

        response = alice_client.post(question_url(attempt, 2), {"choice": 1, "action": "next"}, follow=True)
        assert "has been submitted" in response.text
        response = alice_client.post(reverse("quizzes:submit", args=[attempt.pk]), follow=True)
        assert "already been submitted" in response.text

        assert (
            list(AttemptItem.objects.filter(attempt=attempt).values_list("selected_choice_id", "is_correct")) == before
        )
        assert Attempt.objects.values("score", "graded_at").get(pk=attempt.pk) == graded

    def test_a_double_submit_grades_once(self, alice_client, attempt):
        answer(attempt, correct=4)
        first = alice_client.post(reverse("quizzes:submit", args=[attempt.pk]))
        graded_at = Attempt.objects.get(pk=attempt.pk).graded_at
        second = alice_client.post(reverse("quizzes:submit", args=[attempt.pk]))
        assert first.status_code == second.status_code == 302
        assert Attempt.objects.get(pk=attempt.pk).graded_at == graded_at

    @pytest.mark.parametrize("name", ["quizzes:attempt", "quizzes:review"])
    def test_someone_elses_attempt_is_a_404(self, bob_client, attempt, name):
        assert bob_client.get(reverse(name, args=[attempt.pk])).status_code == 404

    def test_someone_elses_question_and_submit_are_404s(self, bob_client, attempt):
        assert bob_client.get(question_url(attempt, 1)).status_code == 404
        assert bob_client.post(question_url(attempt, 1), {"choice": 1}).status_code == 404
        assert bob_client.post(reverse("quizzes:submit", args=[attempt.pk])).status_code == 404
        attempt.refresh_from_db()
        assert attempt.state == AttemptState.IN_PROGRESS

    def test_a_question_beyond_the_attempt_is_a_404(self, alice_client, attempt):
        assert alice_client.get(question_url(attempt, 5)).status_code == 404
        assert alice_client.get(question_url(attempt, 0)).status_code == 404

    def test_starting_needs_a_post(self, alice_client, enrolled_alice, post_quiz, activity):
        response = alice_client.get(start_url(activity))
        assert response["Location"] == reverse("quizzes:posttest", args=[activity.slug])
        assert not Attempt.objects.exists()


def queries_for(client, url, method="get", data=None) -> int:
    with CaptureQueriesContext(connection) as context:
        getattr(client, method)(url, data or {})
    return len(context.captured_queries)


def test_rendering_and_grading_queries_do_not_grow_with_the_question_count(alice_client, enrolled_alice, activity):
    from activities.models import Activity, Enrollment
    from tests.factories import ActivityFactory

    counts = {}
    for size in (3, 12):
        act = activity if size == 3 else ActivityFactory(pretest_required=False)
        if act != activity:
            Enrollment.objects.create(user=enrolled_alice, activity=act)
        quiz = make_quiz(act, "post", questions=size)
        attempt = attempt_start(user=enrolled_alice, quiz=quiz)
        answer(attempt, correct=size)
        counts[size] = (
            queries_for(alice_client, question_url(attempt, 2)),
            queries_for(alice_client, reverse("quizzes:review", args=[attempt.pk])),
            queries_for(alice_client, reverse("quizzes:submit", args=[attempt.pk]), "post"),
            queries_for(alice_client, reverse("quizzes:attempt", args=[attempt.pk])),
        )
    assert counts[3] == counts[12]
    assert Activity.objects.count() == 2
