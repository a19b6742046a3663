"""The journey's edges: optional pre-tests, tests closed by time or by the post-test, dates and wording."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity
from credits.services import certificate_revoke
from journey.selectors import journey_for
from journey.services import activity_start, credit_claim, quiz_start
from journey.state import Step
from quizzes.models import Attempt, AttemptItem
from quizzes.services import attempt_answer, attempt_submit
from tests.credits.conftest import evaluate, pass_posttest
from tests.factories import ActivityFactory, make_quiz


@pytest.fixture
def optional_pretest(db):
    activity = ActivityFactory(pretest_required=False, body="The article text.")
    make_quiz(activity, "pre", questions=2)
    make_quiz(activity, "post", questions=2)
    return activity


class TestAnOptionalPretest:
    def test_start_opens_the_article_and_offers_the_pretest_beside_the_post_test(
        self, alice_client, alice, optional_pretest
    ):
        response = alice_client.post(reverse("journey:start", args=[optional_pretest.slug]))
        assert response["Location"] == optional_pretest.get_absolute_url() + "#article"
        assert not Attempt.objects.exists()
        html = alice_client.get(optional_pretest.get_absolute_url()).text
        assert "The article text." in html
        assert "Take the optional pre-test" in html
        assert "Take the post-test" in html  # at the end of the article
        assert 'Article<span class="visually-hidden"> (current step)' in html

    def test_a_pretest_left_open_cannot_change_once_the_post_test_begins(self, alice, optional_pretest):
        activity_start(user=alice, activity=optional_pretest)
        pretest = quiz_start(user=alice, activity=optional_pretest, kind="pre")
        quiz_start(user=alice, activity=optional_pretest, kind="post")
        item = pretest.items.get(position=1)
        with pytest.raises(ValidationError, match="closed when you started the post-test"):
            attempt_answer(attempt=pretest, position=1, choice_id=item.choice_order[0])
        with pytest.raises(ValidationError, match="closed when you started the post-test"):
            attempt_submit(attempt=pretest)
        assert not AttemptItem.objects.filter(attempt=pretest, selected_choice__isnull=False).exists()
        journey = journey_for(user=alice, activity=optional_pretest)
        assert journey.current == Step.POSTTEST


def test_an_attempt_cannot_change_after_its_activity_expires(alice, alice_client):
    activity = ActivityFactory(pretest_required=False)
    make_quiz(activity, "post", questions=2)
    activity_start(user=alice, activity=activity)
    attempt = quiz_start(user=alice, activity=activity, kind="post")
    today = timezone.localdate()
    Activity.objects.filter(pk=activity.pk).update(
        release_date=today - timedelta(days=400), expiration_date=today - timedelta(days=1)
    )
    item = attempt.items.get(position=1)
    response = alice_client.post(reverse("quizzes:page", args=[attempt.pk, 1]), {"q1": 1, "action": "submit"})
    assert response["Location"] == activity.get_absolute_url()
    with pytest.raises(ValidationError, match="Credit for this activity ended on"):
        attempt_answer(attempt=attempt, position=1, choice_id=item.choice_order[0])
    assert not AttemptItem.objects.filter(attempt=attempt, selected_choice__isnull=False).exists()


def test_a_required_pretest_open_while_the_post_test_is_withdrawn_can_be_continued(alice, alice_client):
    activity = ActivityFactory(pretest_required=True)
    make_quiz(activity, "pre", questions=2)
    post = make_quiz(activity, "post", questions=2)
    post.slots.all().delete()  # a post-test with no items yet
    activity_start(user=alice, activity=activity)
    pretest = quiz_start(user=alice, activity=activity, kind="pre")
    html = alice_client.get(activity.get_absolute_url()).text
    assert "Credit is not available for this activity right now" in html
    assert "You can read the article" not in html
    assert f'href="{reverse("quizzes:page", args=[pretest.pk, 1])}"' in html


def test_the_revocation_note_uses_local_dates_and_ends_its_sentence(settings, alice, staff_user):
    settings.TIME_ZONE = "America/New_York"
    activity = ActivityFactory(pretest_required=False)
    make_quiz(activity, "post", questions=2)
    pass_posttest(alice, activity)
    evaluate(alice, activity)
    certificate = credit_claim(user=alice, activity=activity, amount=activity.max_credits, attested=True,
                               pars_consent=False)  # fmt: skip
    certificate = certificate_revoke(certificate=certificate, reason="Attendance not confirmed", by=staff_user)
    # 02:00 UTC is the evening before in New York.
    revoked_at = datetime(2026, 3, 5, 2, 0, tzinfo=UTC)
    type(certificate).objects.filter(pk=certificate.pk).update(revoked_at=revoked_at)
    note = journey_for(user=alice, activity=activity).next_step.note
    assert "was revoked on March 4, 2026: Attendance not confirmed. Its credit" in note
    assert re.search(r"\.\s+Its credit", note)
