"""Loading a learner's journeys: a fixed number of queries for one activity or a whole catalog."""

from collections import defaultdict

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.selectors import profile_missing_for_certificate
from activities.models import Activity, Enrollment
from cme.staff import staff_has_perm
from credits.models import CreditClaim, Evaluation
from journey.state import Journey
from quizzes.models import Attempt, AttemptState, QuestionStatus, Quiz, QuizKind
from quizzes.selectors import first_unanswered, summarize


def catalog_activities(*, user) -> QuerySet[Activity]:
    return Activity.objects.visible_to(user).select_related("provider")


def activity_for_learner(*, user, slug: str) -> Activity:
    """The activity this user may see (learners: released; staff: any), with its provider."""
    return get_object_or_404(Activity.objects.visible_to(user).select_related("provider"), slug=slug)


def activity_for_page(*, user, slug: str) -> Activity:
    """The activity this user may see, with its provider; what the page shows of it for everyone
    comes from journey.page_cache, which loads the rest only when it renders."""
    return get_object_or_404(Activity.objects.visible_to(user).select_related("provider"), slug=slug)


def journeys(*, user, activities, today=None) -> dict[int, Journey]:
    """Each activity's journey for this user, in at most seven queries whatever the number of activities."""
    today = today or timezone.localdate()
    activities = list(activities)
    ids = [activity.pk for activity in activities]
    staff_preview = staff_has_perm(user, "activities.view_activity")
    # A quiz is part of the journey while it has a published question, and for
    # anyone who has already attempted it: withdrawing items never erases a result.
    quizzes = {
        quiz.pk: quiz
        for quiz in Quiz.objects.filter(activity_id__in=ids).annotate(
            published=Count("slots", filter=Q(slots__question__status=QuestionStatus.PUBLISHED))
        )
    }
    by_kind = {(quiz.activity_id, quiz.kind): quiz for quiz in quizzes.values()}
    if not user.is_authenticated:
        return {
            activity.pk: Journey(
                activity=activity,
                today=today,
                authenticated=False,
                staff_preview=False,
                pretest=_summary(activity, by_kind, QuizKind.PRE, {}),
                posttest=_summary(activity, by_kind, QuizKind.POST, {}),
            )
            for activity in activities
        }
    enrolled = set(Enrollment.objects.filter(user=user, activity_id__in=ids).values_list("activity_id", flat=True))
    attempts_by_quiz = defaultdict(list)
    for attempt in Attempt.objects.filter(user=user, quiz_id__in=quizzes).order_by("number"):
        attempt.quiz = quizzes[attempt.quiz_id]
        attempts_by_quiz[attempt.quiz_id].append(attempt)
    evaluated = set(Evaluation.objects.filter(user=user, activity_id__in=ids).values_list("activity_id", flat=True))
    claims = {
        claim.activity_id: claim
        for claim in CreditClaim.objects.filter(user=user, activity_id__in=ids).select_related("certificate")
    }
    open_attempts = [
        attempt.pk
        for attempts in attempts_by_quiz.values()
        for attempt in attempts
        if attempt.state == AttemptState.IN_PROGRESS
    ]
    resume_positions = first_unanswered(open_attempts) if open_attempts else {}
    missing = tuple(profile_missing_for_certificate(user))
    result = {}
    for activity in activities:
        posttest = _summary(activity, by_kind, QuizKind.POST, attempts_by_quiz)
        pretest = _summary(
            activity, by_kind, QuizKind.PRE, attempts_by_quiz, posttest_started=bool(posttest and posttest.attempts)
        )
        claim = claims.get(activity.pk)
        result[activity.pk] = Journey(
            activity=activity,
            today=today,
            authenticated=True,
            staff_preview=staff_preview,
            enrolled=activity.pk in enrolled,
            pretest=pretest,
            posttest=posttest,
            evaluated=activity.pk in evaluated,
            claim=claim,
            certificate=getattr(claim, "certificate", None) if claim else None,
            profile_missing=missing,
            resume_positions=resume_positions,
        )
    return result


def _summary(activity, by_kind, kind, attempts_by_quiz, *, posttest_started=False):
    quiz = by_kind.get((activity.pk, kind))
    if quiz is None:
        return None
    attempts = attempts_by_quiz.get(quiz.pk, [])
    if not quiz.published and not attempts:
        return None
    quiz.activity = activity
    return summarize(quiz=quiz, attempts=attempts, posttest_started=posttest_started)


def journey_for(*, user, activity: Activity) -> Journey:
    return journeys(user=user, activities=[activity])[activity.pk]


def in_progress_journeys(*, user) -> list[Journey]:
    """The activities this learner has started and not finished, most recently started first."""
    if not user.is_authenticated:
        return []
    started = (
        Activity.objects.visible_to(user)
        .filter(enrollments__user=user)
        .select_related("provider")
        .order_by("-enrollments__started_at")
    )
    return [journey for journey in journeys(user=user, activities=started).values() if journey.in_progress]
