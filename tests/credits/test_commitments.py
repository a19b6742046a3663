"""Commitment to change at the evaluation: up to three changes with their strength, stored once, never edited.

A blank row is ignored; half a row is an error that says which half is missing; a learner who
unticks the follow-up box is recorded as having declined it, and nothing is scheduled for them.
"""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django_tasks import task_backends

from credits.models import Commitment, FollowUp, FollowUpDeclined
from journey.services import evaluation_submit
from tests.credits.conftest import EVALUATION, pass_posttest
from tests.stored import everything_stored


@pytest.fixture
def tasks_backend():
    backend = task_backends["default"]
    backend.deferred.clear()
    yield backend
    backend.deferred.clear()


@pytest.fixture
def evaluating(alice, activity):
    """Alice has passed the post-test and has the evaluation in front of her."""
    pass_posttest(alice, activity)
    return alice


def evaluation_data(activity, **extra) -> dict:
    data = {f"objective_{objective.pk}": "5" for objective in activity.objectives.all()}
    data.update(relevance="4", practice_change="no", free_of_commercial_bias="yes", overall_quality="5")
    data.update(extra)
    return data


def post_evaluation(client, activity, django_capture_on_commit_callbacks, **extra):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("journey:evaluation", args=[activity.slug]), evaluation_data(activity, **extra))


class TestThePage:
    def test_it_offers_three_optional_rows_with_a_labelled_strength_and_follow_up_ticked(
        self, alice_client, evaluating, activity
    ):
        html = alice_client.get(reverse("journey:evaluation", args=[activity.slug])).text
        assert "Commit to change" in html
        for position in (1, 2, 3):
            assert f'name="commitment_{position}_text"' in html
            assert f"How committed are you to change {position}?" in html
        assert '<option value="1">1 – Not at all committed</option>' in html
        assert '<option value="5">5 – Extremely committed</option>' in html
        assert "Email me in 60 days to ask how these changes went." in html
        assert re.search(r'<input type="checkbox" name="follow_up"[^>]* checked>', html)

    def test_the_follow_up_wait_is_the_activitys(self, alice_client, evaluating, activity):
        activity.follow_up_days = 90
        activity.save()
        html = alice_client.get(reverse("journey:evaluation", args=[activity.slug])).text
        assert "Email me in 90 days" in html

    def test_it_stores_the_filled_rows_in_order_and_ignores_blank_ones(
        self, alice_client, evaluating, activity, django_capture_on_commit_callbacks, tasks_backend
    ):
        response = post_evaluation(
            alice_client, activity, django_capture_on_commit_callbacks,
            commitment_1_text="  Check LVEF every 3 months on trastuzumab.  ", commitment_1_strength="5",
            commitment_2_text="", commitment_2_strength="",
            commitment_3_text="Offer tucatinib for active brain metastases.", commitment_3_strength="3",
            follow_up="on",
        )  # fmt: skip

        assert response["Location"] == reverse("journey:claim", args=[activity.slug])
        stored = list(Commitment.objects.values_list("position", "text", "strength"))
        assert stored == [
            (1, "Check LVEF every 3 months on trastuzumab.", 5),
            (2, "Offer tucatinib for active brain metastases.", 3),
        ]
        followup = FollowUp.objects.get()
        assert followup.declined_at is None
        assert len(tasks_backend.deferred) == 1  # the worker wakes when it is due

    def test_without_commitments_there_is_no_follow_up(
        self, alice_client, evaluating, activity, django_capture_on_commit_callbacks, tasks_backend
    ):
        post_evaluation(alice_client, activity, django_capture_on_commit_callbacks, follow_up="on")
        assert evaluating.evaluations.exists()
        assert not Commitment.objects.exists() and not FollowUp.objects.exists()
        assert tasks_backend.deferred == []

    def test_unticking_the_box_records_a_decline_and_schedules_nothing(
        self, alice_client, evaluating, activity, django_capture_on_commit_callbacks, tasks_backend
    ):
        post_evaluation(
            alice_client, activity, django_capture_on_commit_callbacks,
            commitment_1_text="Check LVEF every 3 months.", commitment_1_strength="4",
        )  # fmt: skip
        followup = FollowUp.objects.get()
        assert followup.declined_from == FollowUpDeclined.AT_EVALUATION and followup.declined_at is not None
        assert Commitment.objects.count() == 1  # the commitment itself still counts
        assert tasks_backend.deferred == []

    @pytest.mark.parametrize(
        ("row", "message"),
        [
            ({"commitment_2_text": "Check LVEF."}, "How committed are you to change 2? Choose how committed you are"),
            (
                {"commitment_2_strength": "4"},
                "Change 2: Describe the change, or set its commitment back to “Choose 1–5”.",
            ),
            ({"commitment_1_text": "Check LVEF.", "commitment_1_strength": "9"}, "Select a valid choice."),
            ({"commitment_1_text": "x" * 301, "commitment_1_strength": "3"}, "at most 300 characters"),
            ({"commitment_1_text": "Check\u202eLVEF", "commitment_1_strength": "3"}, "U+202E"),
        ],
        ids=["text without strength", "strength without text", "unknown strength", "too long", "bidi override"],
    )
    def test_half_a_row_or_a_bad_value_is_an_error_and_changes_nothing(
        self, alice_client, evaluating, activity, django_capture_on_commit_callbacks, row, message
    ):
        before = everything_stored()
        response = post_evaluation(alice_client, activity, django_capture_on_commit_callbacks, follow_up="on", **row)
        assert response.status_code == 200
        assert "Nothing has been saved yet." in response.text
        assert message in response.text
        assert everything_stored() == before


class TestTheService:
    def test_a_second_evaluation_cannot_replace_the_commitments(self, evaluating, activity):
        ratings = {objective.pk: 5 for objective in activity.objectives.all()}
        evaluation_submit(
            user=evaluating, activity=activity, answers=dict(EVALUATION), objective_ratings=ratings,
            commitments=[("Check LVEF every 3 months.", 5)], follow_up=True,
        )  # fmt: skip
        before = everything_stored()
        with pytest.raises(ValidationError, match="already completed the evaluation"):
            evaluation_submit(
                user=evaluating, activity=activity, answers=dict(EVALUATION), objective_ratings=ratings,
                commitments=[("Something else entirely.", 1)], follow_up=True,
            )  # fmt: skip
        assert everything_stored() == before

    def test_consent_is_never_assumed_by_the_service(self, evaluating, activity):
        ratings = {objective.pk: 5 for objective in activity.objectives.all()}
        evaluation_submit(
            user=evaluating, activity=activity, answers=dict(EVALUATION), objective_ratings=ratings,
            commitments=[("Check LVEF every 3 months.", 5)],
        )  # fmt: skip
        assert FollowUp.objects.get().declined_from == FollowUpDeclined.AT_EVALUATION

    def test_more_than_three_commitments_are_refused_with_the_whole_evaluation(self, evaluating, activity):
        ratings = {objective.pk: 5 for objective in activity.objectives.all()}
        before = everything_stored()
        with pytest.raises(ValidationError, match="at most 3 changes"):
            evaluation_submit(
                user=evaluating, activity=activity, answers=dict(EVALUATION), objective_ratings=ratings,
                commitments=[(f"Change {n}.", 3) for n in range(4)], follow_up=True,
            )  # fmt: skip
        assert everything_stored() == before

    def test_a_commitment_that_fails_validation_takes_the_evaluation_with_it(self, evaluating, activity):
        ratings = {objective.pk: 5 for objective in activity.objectives.all()}
        before = everything_stored()
        with pytest.raises(ValidationError):
            evaluation_submit(
                user=evaluating, activity=activity, answers=dict(EVALUATION), objective_ratings=ratings,
                commitments=[("Fine.", 3), ("   ", 3)], follow_up=True,
            )  # fmt: skip
        assert everything_stored() == before


class TestTheDatabase:
    @pytest.fixture
    def commitment(self, evaluating, activity):
        ratings = {objective.pk: 5 for objective in activity.objectives.all()}
        evaluation = evaluation_submit(
            user=evaluating, activity=activity, answers=dict(EVALUATION), objective_ratings=ratings,
            commitments=[("Check LVEF every 3 months.", 5)], follow_up=True,
        )  # fmt: skip
        return evaluation.commitments.get()

    @pytest.mark.parametrize(
        "change",
        [{"position": 4}, {"position": 0}, {"strength": 6}, {"strength": 0}, {"text": ""}],
        ids=["fourth", "zeroth", "strength 6", "strength 0", "no text"],
    )
    def test_it_refuses_a_commitment_outside_the_rules(self, commitment, change):
        values = {"evaluation": commitment.evaluation, "position": 2, "text": "Another.", "strength": 3, **change}
        with pytest.raises(IntegrityError), transaction.atomic():
            Commitment.objects.create(**values)

    def test_it_refuses_a_second_commitment_in_the_same_place(self, commitment):
        with pytest.raises(IntegrityError), transaction.atomic():
            Commitment.objects.create(evaluation=commitment.evaluation, position=1, text="Another.", strength=3)

    def test_it_refuses_a_follow_up_sent_to_someone_who_declined_at_the_evaluation(self, commitment):
        followup = FollowUp.objects.get()
        with pytest.raises(IntegrityError), transaction.atomic():
            FollowUp.objects.filter(pk=followup.pk).update(
                declined_at=followup.due_at, declined_from=FollowUpDeclined.AT_EVALUATION, sent_at=followup.due_at
            )

    def test_it_refuses_an_answer_and_a_decline_together(self, commitment):
        followup = FollowUp.objects.get()
        at = followup.due_at
        with pytest.raises(IntegrityError), transaction.atomic():
            FollowUp.objects.filter(pk=followup.pk).update(
                sent_at=at, responded_at=at, declined_at=at, declined_from=FollowUpDeclined.FROM_FOLLOW_UP
            )

    def test_the_admin_shows_commitments_and_never_edits_them(self, staff_client, commitment):
        url = reverse("admin:credits_commitment_change", args=[commitment.pk])
        assert "Check LVEF every 3 months." in staff_client.get(url).text
        before = everything_stored()
        response = staff_client.post(url, {"text": "Rewritten.", "strength": "1", "position": "1"})
        assert response.status_code == 403
        assert staff_client.post(reverse("admin:credits_commitment_delete", args=[commitment.pk])).status_code == 403
        assert everything_stored() == before
