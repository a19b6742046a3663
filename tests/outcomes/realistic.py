"""A plausible cohort of learners for an activity's outcomes report, written in bulk.

Each learner has an ability; each question a difficulty; the chance of a right
answer follows a logistic (Rasch) model, higher after the article. Wrong
answers favour the first distractors, so the last one is sometimes never chosen,
as in real item banks. Some skip the optional steps, fail and retake, report
bias or leave comments. Used by the browser test (screenshots) and by
bench/outcomes.py (at a million answers).
"""

import math
import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import Profession, User
from activities.models import Enrollment
from credits.models import CreditClaim, CreditType, Evaluation, ObjectiveRating
from quizzes.models import Attempt, AttemptItem, AttemptState, QuestionVersion, Quiz, QuizSlot

BIAS_REMARKS = [
    "The maintenance section leaned towards one manufacturer's drug without naming alternatives.",
    "Slides used brand names throughout for the sponsor's product only.",
    "Felt like a product talk in the tucatinib part.",
]
CHANGES = [
    "Screen for ILD symptoms at every visit on T-DXd.",
    "Check liver enzymes before each tucatinib cycle.",
    "Discuss PFS versus OS data more carefully with patients.",
    "Consider pertuzumab with T-DXd in frontline for fit patients.",
]
COMMENTS = [
    "Clear and concise; the charts helped.",
    "Would like more on sequencing after progression.",
    "The cases were realistic.",
    "Too long for a lunch break, but useful.",
    "Please add a table comparing the trials.",
]


def _versions(quiz: Quiz) -> list[QuestionVersion]:
    slots = QuizSlot.objects.filter(quiz=quiz).order_by("position").values_list("question_id", flat=True)
    latest = {}
    for version in QuestionVersion.objects.filter(question_id__in=list(slots)).order_by("question_id", "-number"):
        latest.setdefault(version.question_id, version)
    return [latest[question_id] for question_id in slots]


def simulate(activity, *, learners: int = 60, seed: int = 12, days: int = 60, batch: int = 2000) -> None:
    """Write `learners` learners' journeys through `activity` (which needs a post-test; a pre-test is optional)."""
    rng = random.Random(seed)
    now = timezone.now()
    quizzes = {quiz.kind: quiz for quiz in Quiz.objects.filter(activity=activity)}
    forms = {kind: _versions(quiz) for kind, quiz in quizzes.items()}
    choices = {
        version.pk: sorted(version.choices.all(), key=lambda choice: (not choice.is_correct, choice.position))
        for versions in forms.values()
        for version in versions
    }
    difficulty = {version.pk: rng.gauss(0.0, 1.0) for versions in forms.values() for version in versions}
    # A matched post-test item is a parallel form of its pre-test item: about as hard.
    post_version = {version.question_id: version.pk for version in forms.get("post", [])}
    for version in forms.get("pre", []):
        slot = QuizSlot.objects.filter(quiz=quizzes["pre"], question_id=version.question_id).first()
        if slot and slot.matched_question_id in post_version:
            difficulty[post_version[slot.matched_question_id]] = difficulty[version.pk] + rng.gauss(0.0, 0.3)
    objectives = list(activity.objectives.all())

    start_number = User.objects.count()
    users = User.objects.bulk_create(
        User(
            email=f"sim{start_number + index}-{seed}@example.org",
            first_name="Sim",
            last_name=f"Learner {index}",
            profession=rng.choices(
                [Profession.PHYSICIAN, Profession.OTHER_HCP, ""], weights=[80, 15, 5]
            )[0],
            password="!",  # unusable
        )
        for index in range(learners)
    )  # fmt: skip
    ability = {user.pk: rng.gauss(0.0, 1.0) for user in users}

    enrollments, attempts, planned_items = [], [], []
    evaluations, claims = [], []
    for user in users:
        started = now - timedelta(days=rng.uniform(0, days))
        enrollments.append(Enrollment(user=user, activity=activity, started_at=started))
        moment = started
        if "pre" in quizzes and rng.random() < 0.92:
            moment += timedelta(minutes=rng.uniform(2, 15))
            attempts.append(_attempt(rng, user, quizzes["pre"], forms["pre"], choices, difficulty,
                                     ability[user.pk], 1, moment, planned_items, boost=0.0))  # fmt: skip
        if "post" not in quizzes or rng.random() > 0.82:
            continue
        passed = False
        for number in (1, 2, 3):
            moment += timedelta(minutes=rng.uniform(15, 90))
            attempt = _attempt(rng, user, quizzes["post"], forms["post"], choices, difficulty, ability[user.pk],
                               number, moment, planned_items, boost=1.3 + 0.4 * (number - 1))  # fmt: skip
            attempts.append(attempt)
            passed = attempt.passed
            if passed or rng.random() < 0.4:
                break
        if not passed or rng.random() > 0.88:
            continue
        moment += timedelta(minutes=rng.uniform(1, 10))
        evaluations.append((_evaluation(rng, user, activity, moment), moment))
        if rng.random() < 0.93:
            claims.append((user, moment + timedelta(minutes=1)))

    Enrollment.objects.bulk_create(enrollments, batch_size=batch)
    Attempt.objects.bulk_create(attempts, batch_size=batch)
    AttemptItem.objects.bulk_create(
        (AttemptItem(attempt=attempt, **fields) for attempt, fields in planned_items), batch_size=batch
    )
    Evaluation.objects.bulk_create([evaluation for evaluation, _ in evaluations], batch_size=batch)
    for evaluation, moment in evaluations:  # auto_now_add ignores the value given at insert
        evaluation.submitted_at = moment
    Evaluation.objects.bulk_update([evaluation for evaluation, _ in evaluations], ["submitted_at"], batch_size=batch)
    ratings = [
        ObjectiveRating(evaluation=evaluation, objective=objective,
                        rating=max(1, min(5, round(rng.gauss(4.1 - 0.3 * index, 0.8)))))
        for evaluation, _ in evaluations
        for index, objective in enumerate(objectives)
    ]  # fmt: skip
    ObjectiveRating.objects.bulk_create(ratings, batch_size=batch)
    CreditClaim.objects.bulk_create(
        [
            CreditClaim(
                user=user,
                activity=activity,
                credit_type=(
                    CreditType.AMA_PRA_1 if user.profession == Profession.PHYSICIAN else CreditType.PARTICIPATION
                ),
                amount=activity.max_credits or Decimal("0.50"),
                attestation="I claim only the credit commensurate with the extent of my participation.",
            )
            for user, _ in claims
        ],
        batch_size=batch,
    )


def _attempt(rng, user, quiz, versions, choices, difficulty, ability, number, moment, planned_items, *, boost):
    marks = []
    attempt = Attempt(user=user, quiz=quiz, number=number, state=AttemptState.GRADED, submitted_at=moment,
                      graded_at=moment, pass_mark_percent=quiz.pass_mark_percent, max_score=len(versions))  # fmt: skip
    for position, version in enumerate(versions, 1):
        ordered = choices[version.pk]  # the key first, then the distractors as authored
        p_right = 1 / (1 + math.exp(-(ability + boost - difficulty[version.pk])))
        if rng.random() < p_right:
            chosen = ordered[0]
        else:
            chosen = rng.choices(ordered[1:], weights=[6, 3, 1, 1, 1][: len(ordered) - 1])[0]
        marks.append(chosen.is_correct)
        planned_items.append(
            (attempt, {"position": position, "version": version, "choice_order": [c.pk for c in ordered],
                       "selected_choice": chosen, "answered_at": moment, "is_correct": chosen.is_correct})
        )  # fmt: skip
    attempt.score = sum(marks)
    attempt.passed = attempt.score * 100 >= quiz.pass_mark_percent * len(versions)
    return attempt


def _evaluation(rng, user, activity, moment) -> Evaluation:
    biased = rng.random() < 0.04
    change = rng.choices(["yes", "already", "no", "unsure"], weights=[55, 25, 8, 12])[0]
    return Evaluation(
        user=user,
        activity=activity,
        relevance=rng.choices([1, 2, 3, 4, 5], weights=[1, 2, 8, 40, 49])[0],
        practice_change=change,
        change_description=rng.choice(CHANGES) if change == "yes" and rng.random() < 0.6 else "",
        free_of_commercial_bias=not biased,
        bias_comment=rng.choice(BIAS_REMARKS) if biased else "",
        overall_quality=rng.choices([1, 2, 3, 4, 5], weights=[1, 3, 12, 44, 40])[0],
        comments=rng.choice(COMMENTS) if rng.random() < 0.2 else "",
        submitted_at=moment,
    )
