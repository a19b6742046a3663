"""Every page of the journey tells the same story, whatever staff or time did to the activity.

Each row is a state that once made the pages disagree (the catalog said "Passed"
while the activity page said "next: article" and the evaluation stayed open).
For each, the catalog, the activity page, the post-test page, the evaluation
and the claim are read as the learner sees them, and must agree with one
expected outcome.
"""

import html
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity
from credits.services import certificate_revoke
from journey.services import activity_start, credit_claim, quiz_start
from quizzes.models import Question, QuestionStatus
from quizzes.services import attempt_submit, question_status_set
from tests.credits.conftest import evaluate, pass_posttest
from tests.factories import ActivityFactory, make_quiz
from tests.quizzes.conftest import answer


@dataclass(frozen=True)
class Expected:
    status: str  # the catalog's and the activity page's status label
    current: str | None  # the activity page's current step
    note: str  # a phrase of the activity page's next-step explanation
    posttest_startable: bool
    evaluation_open: bool
    claim_blockers: tuple[str, ...]


def unpublish_posttest(activity, staff):
    for question in Question.objects.filter(slots__quiz__activity=activity, slots__quiz__kind="post"):
        question_status_set(question=question, status=QuestionStatus.DRAFT)


def passed_then_unpublished(learner, activity, staff):
    pass_posttest(learner, activity)
    unpublish_posttest(activity, staff)


def passed_then_replaced(learner, activity, staff):
    pass_posttest(learner, activity)
    unpublish_posttest(activity, staff)
    new = make_quiz(ActivityFactory(), "post", questions=2)  # fresh items, moved into this activity's post-test
    quiz = activity.quizzes.get(kind="post")
    for slot in new.slots.all():
        Question.objects.filter(pk=slot.question_id).update(activity=activity)
        slot.quiz = quiz
        slot.position += 10
        slot.save()


def passed_then_expired(learner, activity, staff):
    pass_posttest(learner, activity)
    today = timezone.localdate()
    Activity.objects.filter(pk=activity.pk).update(
        release_date=today - timedelta(days=400), expiration_date=today - timedelta(days=1)
    )


def claimed_then_revoked(learner, activity, staff):
    pass_posttest(learner, activity)
    evaluate(learner, activity)
    certificate = credit_claim(user=learner, activity=activity, amount=activity.max_credits, attested=True,
                               pars_consent=False)  # fmt: skip
    certificate_revoke(certificate=certificate, reason="Attendance could not be confirmed.", by=staff)


def out_of_attempts(learner, activity, staff):
    activity.quizzes.filter(kind="post").update(attempts_allowed=2)
    activity_start(user=learner, activity=activity)
    for _ in range(2):
        attempt = quiz_start(user=learner, activity=activity, kind="post")
        answer(attempt, correct=0)
        attempt_submit(attempt=attempt)


def never_attempted_then_unpublished(learner, activity, staff):
    activity_start(user=learner, activity=activity)
    unpublish_posttest(activity, staff)


def failed_then_withdrawn(learner, activity, staff):
    activity_start(user=learner, activity=activity)
    attempt = quiz_start(user=learner, activity=activity, kind="post")
    answer(attempt, correct=0)
    attempt_submit(attempt=attempt)
    unpublish_posttest(activity, staff)


def posttest_begun_then_pretest_required(learner, activity, staff):
    activity_start(user=learner, activity=activity)
    attempt = quiz_start(user=learner, activity=activity, kind="post")
    answer(attempt, correct=0)
    attempt_submit(attempt=attempt)
    make_quiz(activity, "pre", questions=2)
    Activity.objects.filter(pk=activity.pk).update(pretest_required=True)


def staff_preview(learner, activity, staff):
    today = timezone.localdate()
    Activity.objects.filter(pk=activity.pk).update(
        release_date=today + timedelta(days=10), expiration_date=today + timedelta(days=400)
    )


PASS_AND_EVALUATE = Expected(
    status="Passed",
    current="Evaluation",
    note="You passed the post-test.",
    posttest_startable=False,
    evaluation_open=True,
    claim_blockers=("Complete the evaluation.",),
)

CASES = {
    "passed, then staff unpublish the post-test": (passed_then_unpublished, PASS_AND_EVALUATE),
    "passed, then staff replace the post-test's items": (passed_then_replaced, PASS_AND_EVALUATE),
    "passed, then the activity expires": (
        passed_then_expired,
        Expected(
            status="Credit no longer offered",
            current="Evaluation",
            note="Credit for this activity ended on",
            posttest_startable=False,
            evaluation_open=False,
            claim_blockers=("Credit for this activity ended on", "Complete the evaluation."),
        ),
    ),
    "claimed, then the certificate is revoked": (
        claimed_then_revoked,
        Expected(
            status="Certificate revoked",
            current=None,
            note="Attendance could not be confirmed.",
            posttest_startable=False,
            evaluation_open=False,
            claim_blockers=("You have already claimed credit for this activity.",),
        ),
    ),
    "every post-test attempt used": (
        out_of_attempts,
        Expected(
            status="Out of attempts",
            current="Post-test",
            note="You have used all 2 post-test attempts",
            posttest_startable=False,
            evaluation_open=False,
            claim_blockers=("Pass the post-test.", "Complete the evaluation."),
        ),
    ),
    "failed once, then staff withdraw the post-test": (
        failed_then_withdrawn,
        Expected(
            status="Credit not available right now",
            current="Post-test",
            note="its post-test is being revised",
            posttest_startable=False,
            evaluation_open=False,
            claim_blockers=("Pass the post-test.", "Complete the evaluation."),
        ),
    ),
    "post-test begun, then staff add a required pre-test": (
        posttest_begun_then_pretest_required,
        Expected(
            status="In progress",
            current="Post-test",
            note="Pass the post-test to earn credit.",
            posttest_startable=True,
            evaluation_open=False,
            claim_blockers=("Pass the post-test.", "Complete the evaluation."),
        ),
    ),
    "post-test withdrawn before the learner took it": (
        never_attempted_then_unpublished,
        Expected(
            status="Credit not available right now",
            current="Article",
            note="its post-test is being revised",
            posttest_startable=False,
            evaluation_open=False,
            claim_blockers=("Pass the post-test.", "Complete the evaluation."),
        ),
    ),
}


def read_pages(client: Client, activity) -> dict:
    slug = activity.slug
    catalog = html.unescape(client.get(reverse("journey:catalog")).text)
    page = html.unescape(client.get(activity.get_absolute_url()).text)
    posttest = client.get(reverse("journey:posttest", args=[slug]))
    evaluation = client.get(reverse("journey:evaluation", args=[slug]))
    claim = html.unescape(client.get(reverse("journey:claim", args=[slug])).text)
    return {
        "catalog": catalog,
        "page": page,
        "posttest": html.unescape(posttest.text) if posttest.status_code == 200 else "",
        "evaluation_status": evaluation.status_code,
        "claim": claim,
    }


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_every_page_agrees(case, alice, staff_user):
    setup, expected = CASES[case]
    activity = ActivityFactory(pretest_required=False)
    make_quiz(activity, "post", questions=2)
    setup(alice, activity, staff_user)
    activity.refresh_from_db()
    client = Client()
    client.force_login(alice)
    pages = read_pages(client, activity)

    assert f"Your status: {expected.status}" in pages["catalog"]
    assert f"Your status: {expected.status}" in pages["page"]
    current = f'{expected.current}<span class="visually-hidden"> (current step)' if expected.current else None
    assert (current in pages["page"]) if current else "(current step)" not in pages["page"]
    assert expected.note in pages["page"]
    startable = "Start the post-test" in pages["posttest"] or "Start attempt" in pages["posttest"]
    assert startable == expected.posttest_startable
    assert ("Retake the post-test" in pages["page"] or "Take the post-test" in pages["page"]) == startable
    assert "Take the pre-test before you read" not in pages["page"]  # nothing here locks the article
    assert (pages["evaluation_status"] == 200) == expected.evaluation_open
    for blocker in expected.claim_blockers:
        assert blocker in pages["claim"]
    if expected.claim_blockers:
        assert "Claim credit and issue my certificate" not in pages["claim"]


def test_staff_preview_agrees_everywhere(staff_user, alice):
    activity = ActivityFactory(pretest_required=False)
    make_quiz(activity, "post", questions=2)
    staff_preview(alice, activity, staff_user)
    staff = Client()
    staff.force_login(staff_user)
    pages = read_pages(staff, activity)
    assert "Your status: Staff preview: not yet released" in pages["catalog"]
    assert "This is a staff preview." in pages["page"]
    assert "Start the activity" not in pages["page"]
    assert "Start the post-test" not in pages["posttest"]
    assert pages["evaluation_status"] == 302
    assert "This activity opens on" in pages["claim"]
    # Learners and visitors do not see it at all.
    learner = Client()
    learner.force_login(alice)
    assert learner.get(activity.get_absolute_url()).status_code == 404
    assert activity.title not in learner.get(reverse("journey:catalog")).text


def test_the_services_refuse_what_the_pages_refuse(alice, staff_user):
    """The gate the pages show is the gate the writes check: an out-of-attempts learner cannot evaluate or claim."""
    from django.core.exceptions import ValidationError

    from journey.services import evaluation_submit

    activity = ActivityFactory(pretest_required=False)
    make_quiz(activity, "post", questions=2)
    out_of_attempts(alice, activity, staff_user)
    with pytest.raises(ValidationError, match="You have used every attempt"):
        quiz_start(user=alice, activity=activity, kind="post")
    with pytest.raises(ValidationError, match="Pass the post-test first"):
        evaluation_submit(user=alice, activity=activity, answers={}, objective_ratings={})
    with pytest.raises(ValidationError, match="Pass the post-test"):
        credit_claim(user=alice, activity=activity, amount=activity.max_credits, attested=True, pars_consent=False)
