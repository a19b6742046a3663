"""Reads for the catalog and the activity page."""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from activities.models import Activity, Chart, Contributor, Enrollment


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


def catalog_activities(*, user) -> QuerySet[Activity]:
    return Activity.objects.visible_to(user).select_related("provider")


def learner_statuses(*, user, activities) -> dict[int, str]:
    """Each activity's status for this learner only, in one query."""
    if not user.is_authenticated:
        return {}
    ids = [activity.pk for activity in activities]
    started = set(Enrollment.objects.filter(user=user, activity_id__in=ids).values_list("activity_id", flat=True))
    return {pk: LearnerStatus.IN_PROGRESS if pk in started else LearnerStatus.NOT_STARTED for pk in ids}


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
    started = user.is_authenticated and Enrollment.objects.filter(user=user, activity=activity).exists()
    done = {StepKey.FRONT_MATTER} if started else set()
    keys = [
        StepKey.FRONT_MATTER,
        StepKey.ARTICLE,
        StepKey.POSTTEST,
        StepKey.EVALUATION,
        StepKey.CLAIM,
        StepKey.CERTIFICATE,
    ]
    current = next((key for key in keys if key not in done), None)
    steps = tuple(
        Step(key, STEP_LABELS[key], "done" if key in done else "current" if key == current else "upcoming")
        for key in keys
    )
    status = LearnerStatus.IN_PROGRESS if started else LearnerStatus.NOT_STARTED
    return LearnerProgress(status=status, steps=steps, current=current)
