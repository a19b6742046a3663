"""The journey's writes: each checks its step's gate, then records the step through its app's service.

Gate and write run in one transaction, so a step recorded here was allowed when
it was recorded. The apps' own services keep their local rules (one attempt open
at a time, one claim per activity, the attempt limit) and leave the order of the
steps to this module.
"""

from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from activities import services as activity_services
from activities.models import Activity, Enrollment
from credits import services as credit_services
from credits.models import Certificate, Evaluation
from journey.selectors import journey_for
from journey.state import Step
from quizzes import services as quiz_services
from quizzes.models import Attempt, QuizKind


def _check(*, user, activity: Activity, step: str):
    journey = journey_for(user=user, activity=activity)
    blockers = journey.blockers(step)
    if blockers:
        raise ValidationError(blockers)
    return journey


@transaction.atomic
def activity_start(*, user, activity: Activity) -> Enrollment:
    """The learner has reviewed the front matter and begins; safe to repeat."""
    _check(user=user, activity=activity, step=Step.FRONT_MATTER)
    return activity_services.activity_start(user=user, activity=activity)


@transaction.atomic
def quiz_start(*, user, activity: Activity, kind: str) -> Attempt:
    """Resume the learner's open pre-test or post-test attempt, or begin one if the journey allows."""
    step = Step.PRETEST if kind == QuizKind.PRE else Step.POSTTEST
    journey = _check(user=user, activity=activity, step=step)
    return quiz_services.attempt_start(user=user, quiz=journey.summary_for(kind).quiz)


@transaction.atomic
def evaluation_submit(
    *,
    user,
    activity: Activity,
    answers: dict,
    objective_ratings: dict[int, int],
    commitments: Sequence[tuple[str, int]] = (),
    follow_up: bool = False,
) -> Evaluation:
    _check(user=user, activity=activity, step=Step.EVALUATION)
    return credit_services.evaluation_submit(
        user=user,
        activity=activity,
        answers=answers,
        objective_ratings=objective_ratings,
        commitments=commitments,
        follow_up=follow_up,
    )


@transaction.atomic
def credit_claim(*, user, activity: Activity, amount: Decimal, attested: bool, pars_consent: bool) -> Certificate:
    _check(user=user, activity=activity, step=Step.CLAIM)
    return credit_services.credit_claim(
        user=user, activity=activity, amount=amount, attested=attested, pars_consent=pars_consent
    )
