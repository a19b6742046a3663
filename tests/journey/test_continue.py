"""Home and catalog take a learner straight back to the exact page where they left off."""

import re

import pytest
from django.urls import reverse

from journey.services import activity_start, quiz_start
from quizzes.services import attempt_answer
from tests.credits.conftest import evaluate, pass_posttest
from tests.factories import ActivityFactory, make_quiz


@pytest.fixture
def activity(db):
    activity = ActivityFactory(pretest_required=True, title="Maintenance after induction")
    make_quiz(activity, "pre", questions=3)
    make_quiz(activity, "post", questions=3)
    return activity


def continue_links(html: str) -> list[str]:
    return re.findall(r'<a class="button" href="([^"]+)">Continue<span class="visually-hidden">', html)


def test_an_open_pretest_continues_at_its_first_unanswered_question(alice_client, alice, activity):
    activity_start(user=alice, activity=activity)
    attempt = quiz_start(user=alice, activity=activity, kind="pre")
    item = attempt.items.get(position=1)
    attempt_answer(attempt=attempt, position=1, choice_id=item.choice_order[0])
    expected = reverse("quizzes:page", args=[attempt.pk, 1]) + "#q2"
    assert continue_links(alice_client.get("/").text) == [expected]
    assert continue_links(alice_client.get(reverse("journey:catalog")).text) == [expected]


def test_a_paged_attempt_continues_on_the_page_of_the_open_question(alice_client, alice, activity):
    activity.quizzes.filter(kind="pre").update(questions_per_page=2)
    activity_start(user=alice, activity=activity)
    attempt = quiz_start(user=alice, activity=activity, kind="pre")
    for position in (1, 2):
        attempt_answer(
            attempt=attempt, position=position, choice_id=attempt.items.get(position=position).choice_order[0]
        )
    assert continue_links(alice_client.get("/").text) == [reverse("quizzes:page", args=[attempt.pk, 2])]


@pytest.mark.parametrize(
    ("done", "page"),
    [("passed", "journey:evaluation"), ("evaluated", "journey:claim")],
)
def test_after_the_post_test_continue_goes_to_the_evaluation_then_the_claim(alice_client, alice, activity, done, page):
    activity.pretest_required = False
    activity.save()
    pass_posttest(alice, activity)
    if done == "evaluated":
        evaluate(alice, activity)
    expected = reverse(page, args=[activity.slug])
    assert continue_links(alice_client.get("/").text) == [expected]
    assert continue_links(alice_client.get(reverse("journey:catalog")).text) == [expected]


def test_a_missing_profile_detail_is_asked_for_on_the_way_to_the_claim(client, user_factory, activity):
    learner = user_factory(npi="", country="US")
    activity.pretest_required = False
    activity.save()
    pass_posttest(learner, activity)
    evaluate(learner, activity)
    client.force_login(learner)
    [link] = continue_links(client.get("/").text)
    assert link == "/accounts/profile/?next=%2Factivities%2F" + activity.slug + "%2Fclaim%2F"


def test_only_started_unfinished_activities_are_listed(alice_client, alice, activity):
    ActivityFactory(title="Never opened")
    html = alice_client.get("/").text
    assert "Continue where you left off" not in html
    activity_start(user=alice, activity=activity)
    html = alice_client.get("/").text
    assert "Continue where you left off" in html and "Never opened" not in html


def test_home_queries_do_not_grow_with_the_learners_activities(alice_client, alice, django_assert_max_num_queries):
    for _ in range(5):
        started = ActivityFactory(pretest_required=False)
        make_quiz(started, "post", questions=2)
        activity_start(user=alice, activity=started)
        quiz_start(user=alice, activity=started, kind="post")
    # session, user, the started activities, quizzes, enrollments, attempts, evaluations, claims, open questions
    with django_assert_max_num_queries(9):
        html = alice_client.get("/").text
    assert len(continue_links(html)) == 5
