"""Reads for the catalog and the activity page."""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from activities.models import Activity, Chart, Contributor, Enrollment
from cme.staff import staff_has_perm
from credits.models import CreditClaim, Evaluation
from quizzes.models import Attempt, AttemptState, QuizKind
from quizzes.selectors import published_quizzes


class LearnerStatus:
    NOT_STARTED = "Not started"
    IN_PROGRESS = "In progress"
    PASSED = "Passed"
    CREDIT_CLAIMED = "Credit claimed"


class StepKey:
    FRONT_MATTER = "front_matter"
    PRETEST = "pretest"
    ARTICLE = "article"
    POSTTEST = "posttest"
    EVALUATION = "evaluation"
    CLAIM = "claim"
    CERTIFICATE = "certificate"


STEP_LABELS = {
    StepKey.FRONT_MATTER: "Front matter",
    StepKey.PRETEST: "Pre-test",
    StepKey.ARTICLE: "Article",
    StepKey.POSTTEST: "Post-test",
    StepKey.EVALUATION: "Evaluation",
    StepKey.CLAIM: "Claim credit",
    StepKey.CERTIFICATE: "Certificate",
}


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    state: str  # "done", "current" or "upcoming"


@dataclass(frozen=True)
class LearnerProgress:
    status: str
    steps: tuple[Step, ...]
    current: str | None
    article_locked: bool = False
    pretest: object = None  # the published Quiz, if the activity has one
    posttest: object = None
    certificate: object = None


def catalog_activities(*, user) -> QuerySet[Activity]:
    return Activity.objects.visible_to(user).select_related("provider")


def learner_statuses(*, user, activities) -> dict[int, str]:
    """Each activity's status for this learner only, in two queries whatever the catalog's size."""
    if not user.is_authenticated:
        return {}
    ids = [activity.pk for activity in activities]
    started = set(Enrollment.objects.filter(user=user, activity_id__in=ids).values_list("activity_id", flat=True))
    passed = set(
        Attempt.objects.filter(user=user, quiz__kind=QuizKind.POST, quiz__activity_id__in=ids, passed=True).values_list(
            "quiz__activity_id", flat=True
        )
    )

    claimed = set(CreditClaim.objects.filter(user=user, activity_id__in=ids).values_list("activity_id", flat=True))

    def status(pk: int) -> str:
        if pk in claimed:
            return LearnerStatus.CREDIT_CLAIMED
        if pk in passed:
            return LearnerStatus.PASSED
        return LearnerStatus.IN_PROGRESS if pk in started else LearnerStatus.NOT_STARTED

    return {pk: status(pk) for pk in ids}


def activity_for_learner(*, user, slug: str) -> Activity:
    """The activity this user may see (learners: released; staff: any), with its provider."""
    return get_object_or_404(Activity.objects.visible_to(user).select_related("provider"), slug=slug)


def activity_for_page(*, user, slug: str) -> Activity:
    """The activity with everything its page shows, in a fixed number of queries."""
    queryset = (
        Activity.objects.visible_to(user)
        .select_related("provider")
        .prefetch_related(
            "objectives",
            "references",
            Prefetch(
                "contributors",
                queryset=Contributor.objects.select_related("person").prefetch_related("relationships"),
            ),
            Prefetch("charts", queryset=Chart.objects.select_related("source").prefetch_related("bars")),
        )
    )
    return get_object_or_404(queryset, slug=slug)


def learner_progress(*, user, activity: Activity) -> LearnerProgress:
    """Where the learner stands: each step done, current or still to come."""
    quizzes = published_quizzes(activity)
    has_pretest = QuizKind.PRE in quizzes
    done: set[str] = set()
    claim = None
    if user.is_authenticated and Enrollment.objects.filter(user=user, activity=activity).exists():
        done.add(StepKey.FRONT_MATTER)
        attempts = Attempt.objects.filter(user=user, quiz__in=quizzes.values()).values_list(
            "quiz__kind", "state", "passed"
        )
        for kind, state, passed in attempts:
            if kind == QuizKind.PRE and state == AttemptState.GRADED:
                done.add(StepKey.PRETEST)
            if kind == QuizKind.POST:
                done.add(StepKey.ARTICLE)  # reaching the post-test means the reading is behind them
                if not activity.pretest_required:
                    done.add(StepKey.PRETEST)  # an optional pre-test, skipped, closes with the post-test
                if passed:
                    done.add(StepKey.POSTTEST)
        if Evaluation.objects.filter(user=user, activity=activity).exists():
            done.add(StepKey.EVALUATION)
        claim = CreditClaim.objects.filter(user=user, activity=activity).select_related("certificate").first()
        if claim is not None:
            done |= {StepKey.CLAIM, StepKey.CERTIFICATE}
    keys = [StepKey.FRONT_MATTER]
    if has_pretest:
        keys.append(StepKey.PRETEST)
    keys += [StepKey.ARTICLE, StepKey.POSTTEST, StepKey.EVALUATION, StepKey.CLAIM, StepKey.CERTIFICATE]
    current = next((key for key in keys if key not in done), None)
    steps = tuple(
        Step(key, STEP_LABELS[key], "done" if key in done else "current" if key == current else "upcoming")
        for key in keys
    )
    if StepKey.CLAIM in done:
        status = LearnerStatus.CREDIT_CLAIMED
    elif StepKey.POSTTEST in done:
        status = LearnerStatus.PASSED
    elif StepKey.FRONT_MATTER in done:
        status = LearnerStatus.IN_PROGRESS
    else:
        status = LearnerStatus.NOT_STARTED
    # The baseline only matters while credit is on offer: an expired activity
    # stays readable to everyone.
    article_locked = (
        activity.pretest_required
        and has_pretest
        and StepKey.PRETEST not in done
        and not staff_has_perm(user, "activities.view_activity")
        and not activity.is_expired()
    )
    return LearnerProgress(
        status=status,
        steps=steps,
        current=current,
        article_locked=article_locked,
        pretest=quizzes.get(QuizKind.PRE),
        posttest=quizzes.get(QuizKind.POST),
        certificate=getattr(claim, "certificate", None) if claim else None,
    )
