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
    return reverse("journey:posttest_start", args=[activity.slug])


def page_url(attempt, page=1):
    return reverse("quizzes:page", args=[attempt.pk, page])


def question_url(attempt, position):
    return reverse("quizzes:question", args=[attempt.pk, position])


def posted_values(html: str, position: int) -> list[int]:
    return [int(value) for value in re.findall(rf'name="q{position}" value="(\d+)"', html)]


def shown_place(attempt, position: int, correct: bool) -> int:
    """The place, in this attempt's shown order, of a right or a wrong answer."""
    item = AttemptItem.objects.select_related("version").get(attempt=attempt, position=position)
    wanted = next(c for c in item.version.choices.all() if c.is_correct == correct)
    return item.choice_order.index(wanted.pk) + 1


@pytest.fixture
def attempt(enrolled_alice, post_quiz):
    """An attempt on the default layout: every question on one page."""
    return attempt_start(user=enrolled_alice, quiz=post_quiz)


@pytest.fixture
def paged_attempt(enrolled_alice, post_quiz):
    """An attempt on Moodle's one-question-per-page layout."""
    type(post_quiz).objects.filter(pk=post_quiz.pk).update(questions_per_page=1)
    post_quiz.refresh_from_db()
    return attempt_start(user=enrolled_alice, quiz=post_quiz)


class TestTakingATest:
    def test_the_quiz_page_explains_the_rules(self, alice_client, enrolled_alice, post_quiz, activity):
        html = alice_client.get(reverse("journey:posttest", args=[activity.slug])).text
        assert "4 single-best-answer questions" in html
        assert "You need 75% to pass" in html
        assert "3 attempts" in html

    def test_start_goes_to_the_questions_with_progress(self, alice_client, enrolled_alice, post_quiz, activity):
        response = alice_client.post(start_url(activity), follow=True)
        assert "Question 1 of 4" in response.text and "Question 4 of 4" in response.text
        assert "0 of 4 answered" in response.text
        assert "Submit post-test" in response.text

    def test_all_on_one_page_is_one_form_and_one_submit(self, alice_client, attempt):
        html = alice_client.get(page_url(attempt)).text
        assert [posted_values(html, position) for position in range(1, 5)] == [[1, 2, 3, 4]] * 4
        data = {f"q{position}": shown_place(attempt, position, correct=True) for position in range(1, 5)}
        response = alice_client.post(page_url(attempt), {**data, "action": "submit"})
        assert response["Location"] == reverse("journey:result", args=[attempt.pk])
        attempt.refresh_from_db()
        assert (attempt.state, attempt.score, attempt.passed) == (AttemptState.GRADED, 4, True)

    def test_answers_are_saved_when_the_page_is_submitted(self, alice_client, attempt, activity):
        response = alice_client.post(page_url(attempt), {"q1": 3, "action": "save"})
        assert response["Location"] == activity.get_absolute_url() + "#next-step"
        item = AttemptItem.objects.get(attempt=attempt, position=1)
        assert item.selected_choice_id == item.choice_order[2]  # the third choice as shown
        assert not AttemptItem.objects.filter(attempt=attempt, position__gt=1, selected_choice__isnull=False).exists()
        attempt.refresh_from_db()
        assert attempt.is_in_progress

    def test_a_gap_is_listed_by_question_and_the_rest_is_saved(self, alice_client, attempt):
        data = {f"q{position}": shown_place(attempt, position, correct=True) for position in (1, 2, 4)}
        response = alice_client.post(page_url(attempt), {**data, "action": "submit"})
        assert response.status_code == 400
        assert '<a href="#id_q3_0">Question 3: choose an answer before you submit.</a>' in response.text
        assert "3 of 4 answered" in response.text
        attempt.refresh_from_db()
        assert attempt.state == AttemptState.IN_PROGRESS
        assert AttemptItem.objects.filter(attempt=attempt, selected_choice__isnull=False).count() == 3

    def test_one_per_page_moves_forward_back_and_to_review(self, alice_client, paged_attempt):
        html = alice_client.get(page_url(paged_attempt, 1)).text
        assert "page 1 of 4" in html and "Question 2 of 4" not in html
        response = alice_client.post(page_url(paged_attempt, 1), {"q1": 3, "action": "next"})
        assert response["Location"] == page_url(paged_attempt, 2)
        item = AttemptItem.objects.get(attempt=paged_attempt, position=1)
        assert item.selected_choice_id == item.choice_order[2]
        response = alice_client.post(page_url(paged_attempt, 2), {"action": "previous"})
        assert response["Location"] == page_url(paged_attempt, 1)
        response = alice_client.post(page_url(paged_attempt, 4), {"action": "next"})
        assert response["Location"] == reverse("quizzes:review", args=[paged_attempt.pk])
        assert AttemptItem.objects.filter(attempt=paged_attempt, selected_choice__isnull=False).count() == 1

    def test_a_question_number_leads_to_its_page(self, alice_client, paged_attempt):
        assert alice_client.get(question_url(paged_attempt, 3))["Location"] == page_url(paged_attempt, 3) + "#q3"

    def test_a_learner_resumes_on_another_device(self, alice_client, alice, attempt, activity):
        answer(attempt, correct=2)
        item = AttemptItem.objects.get(attempt=attempt, position=3)
        item.selected_choice = None
        item.save()
        other_device = type(alice_client)()
        other_device.force_login(alice)
        response = other_device.post(start_url(activity))
        assert response["Location"] == page_url(attempt) + "#q3"
        html = other_device.get(page_url(attempt)).text
        item = AttemptItem.objects.get(attempt=attempt, position=1)
        place = item.choice_order.index(item.selected_choice_id) + 1
        assert re.search(rf'name="q1" value="{place}"[^>]*checked', html)
        assert "3 of 4 answered" in html

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
    @pytest.mark.parametrize("layout", ["attempt", "paged_attempt"])
    def test_question_pages_carry_no_key_feedback_or_explanation(self, alice_client, request, layout):
        attempt = request.getfixturevalue(layout)
        pages = attempt.quiz.page_count(4)
        for page in range(1, pages + 1):
            html = alice_client.get(page_url(attempt, page)).text
            assert "feedback" not in html.lower()
            assert "Explanation" not in html
            assert "correct" not in html.lower()
            # Values are places in this attempt's shuffled order, never the
            # database ids, which follow the authored order and would hint at the key.
            for position in range(1, 5):
                if attempt.quiz.page_of(position) == page:
                    assert posted_values(html, position) == [1, 2, 3, 4]


class TestTampering:
    def test_a_choice_from_another_question_is_refused(self, attempt):
        from django.core.exceptions import ValidationError

        from quizzes.services import attempt_answer

        other = AttemptItem.objects.get(attempt=attempt, position=2).choice_order[0]
        with pytest.raises(ValidationError, match="choose one of the answers shown"):
            attempt_answer(attempt=attempt, position=1, choice_id=other)
        assert AttemptItem.objects.get(attempt=attempt, position=1).selected_choice_id is None

    def test_a_choice_beyond_those_shown_is_refused(self, alice_client, attempt):
        response = alice_client.post(page_url(attempt), {"q1": "5", "action": "save"})
        assert response.status_code == 400
        assert "Choose one of the answers shown for this question." in response.text
        assert AttemptItem.objects.get(attempt=attempt, position=1).selected_choice_id is None

    def test_a_made_up_choice_is_refused(self, alice_client, attempt):
        response = alice_client.post(page_url(attempt), {"q1": "999999", "q2": "1", "action": "submit"})
        assert "Choose one of the answers shown" in response.text
        assert not AttemptItem.objects.filter(attempt=attempt, selected_choice__isnull=False).exists()

    def test_a_finished_attempt_cannot_be_changed_or_resubmitted(self, alice_client, attempt):
        answer(attempt, correct=1)
        alice_client.post(reverse("quizzes:submit", args=[attempt.pk]))
        before = list(AttemptItem.objects.filter(attempt=attempt).values_list("selected_choice_id", "is_correct"))
        graded = Attempt.objects.values("score", "graded_at").get(pk=attempt.pk)

        response = alice_client.post(page_url(attempt), {"q2": 1, "action": "save"}, follow=True)
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

    @pytest.mark.parametrize("name", ["journey:result", "quizzes:review"])
    def test_someone_elses_attempt_is_a_404(self, bob_client, attempt, name):
        assert bob_client.get(reverse(name, args=[attempt.pk])).status_code == 404

    def test_someone_elses_question_and_submit_are_404s(self, bob_client, attempt):
        assert bob_client.get(page_url(attempt)).status_code == 404
        assert bob_client.get(question_url(attempt, 1)).status_code == 404
        assert bob_client.post(page_url(attempt), {"q1": 1, "action": "save"}).status_code == 404
        assert bob_client.post(reverse("quizzes:submit", args=[attempt.pk])).status_code == 404
        attempt.refresh_from_db()
        assert attempt.state == AttemptState.IN_PROGRESS

    def test_a_question_beyond_the_attempt_is_a_404(self, alice_client, attempt):
        assert alice_client.get(question_url(attempt, 5)).status_code == 404
        assert alice_client.get(question_url(attempt, 0)).status_code == 404
        assert alice_client.get(page_url(attempt, 2)).status_code == 404  # all four are on page 1
        assert alice_client.get(page_url(attempt, 0)).status_code == 404

    def test_starting_needs_a_post(self, alice_client, enrolled_alice, post_quiz, activity):
        response = alice_client.get(start_url(activity))
        assert response["Location"] == reverse("journey:posttest", args=[activity.slug])
        assert not Attempt.objects.exists()


def queries_for(client, url, method="get", data=None) -> int:
    with CaptureQueriesContext(connection) as context:
        getattr(client, method)(url, data or {})
    return len(context.captured_queries)


def test_rendering_and_grading_queries_do_not_grow_with_the_question_count(alice_client, enrolled_alice, activity):
    from activities.models import Activity, Enrollment
    from activities.selectors import content_version
    from tests.factories import ActivityFactory

    counts = {}
    for size in (3, 12):
        act = activity if size == 3 else ActivityFactory(pretest_required=False)
        if act != activity:
            Enrollment.objects.create(user=enrolled_alice, activity=act)
        quiz = make_quiz(act, "post", questions=size)
        attempt = attempt_start(user=enrolled_alice, quiz=quiz)
        answer(attempt, correct=size)
        content_version()  # the pages' cache key reads it once, then from the cache: count both sizes warm
        counts[size] = (
            queries_for(alice_client, page_url(attempt)),
            queries_for(alice_client, reverse("quizzes:review", args=[attempt.pk])),
            queries_for(alice_client, reverse("quizzes:submit", args=[attempt.pk]), "post"),
            queries_for(alice_client, reverse("journey:result", args=[attempt.pk])),
        )
    assert counts[3] == counts[12]
    assert Activity.objects.count() == 2
