"""Reads: a learner's standing on a quiz, what an attempt may reveal, knowledge gain."""

from dataclasses import dataclass

from django.db.models import Min
from django.shortcuts import get_object_or_404

from quizzes.models import (
    Attempt,
    AttemptItem,
    AttemptState,
    Quiz,
    QuizKind,
    ReviewPolicy,
)


@dataclass(frozen=True)
class QuizSummary:
    quiz: Quiz
    attempts: list[Attempt]
    in_progress: Attempt | None
    best: Attempt | None
    first_passed_at: object | None
    attempts_used: int
    attempts_remaining: int | None  # None: unlimited
    can_start: bool
    cannot_start_reason: str = ""

    @property
    def has_passed(self) -> bool:
        return self.first_passed_at is not None

    @property
    def out_of_attempts(self) -> bool:
        return self.attempts_remaining == 0


def quiz_summary(*, user, quiz: Quiz) -> QuizSummary:
    """The learner's attempts on one quiz; their result is their highest-scoring attempt."""
    attempts = list(Attempt.objects.filter(user=user, quiz=quiz).order_by("number"))
    posttest_started = (
        quiz.kind == QuizKind.PRE
        and Attempt.objects.filter(user=user, quiz__activity_id=quiz.activity_id, quiz__kind=QuizKind.POST).exists()
    )
    return summarize(quiz=quiz, attempts=attempts, posttest_started=posttest_started)


def summarize(*, quiz: Quiz, attempts: list[Attempt], posttest_started: bool = False) -> QuizSummary:
    """The quiz's own rules over attempts already loaded (in number order): no queries.

    posttest_started matters only for a pre-test, which closes once the post-test begins.
    """
    graded = [attempt for attempt in attempts if attempt.state == AttemptState.GRADED]
    in_progress = next((attempt for attempt in attempts if attempt.state == AttemptState.IN_PROGRESS), None)
    best = max(graded, key=lambda attempt: (attempt.score / attempt.max_score, -attempt.number), default=None)
    passes = [attempt.submitted_at for attempt in graded if attempt.passed]
    first_passed_at = min(passes) if passes else None
    used = len(attempts)
    remaining = None if quiz.attempts_allowed == 0 else max(quiz.attempts_allowed - used, 0)

    reason = ""
    if quiz.kind == QuizKind.PRE and graded:
        reason = "You have already taken the pre-test; it records your baseline once."
    elif quiz.kind == QuizKind.PRE and posttest_started:
        reason = "The pre-test measures what you knew before the post-test, so it closes once you start the post-test."
    elif first_passed_at is not None:
        reason = "You have already passed this test."
    elif remaining == 0:
        reason = "You have used every attempt this test allows."
    return QuizSummary(
        quiz=quiz,
        attempts=attempts,
        in_progress=in_progress,
        best=best,
        first_passed_at=first_passed_at,
        attempts_used=used,
        attempts_remaining=remaining,
        can_start=in_progress is None and not reason,
        cannot_start_reason=reason,
    )


def first_unanswered(attempt_ids) -> dict[int, int]:
    """For each open attempt, the position of its first unanswered question (absent: all answered)."""
    rows = (
        AttemptItem.objects.filter(attempt_id__in=attempt_ids, selected_choice__isnull=True)
        .values("attempt_id")
        .annotate(position=Min("position"))
    )
    return {row["attempt_id"]: row["position"] for row in rows}


def review_allowed(*, attempt: Attempt, summary: QuizSummary) -> bool:
    """Whether the answer key and feedback may be shown for this graded attempt."""
    if attempt.state != AttemptState.GRADED:
        return False
    if attempt.quiz.kind == QuizKind.PRE:
        # Pre-test items may be the very items of the post-test: their key
        # must never show before the post-test does.
        return False
    policy = attempt.quiz.review_policy
    if policy == ReviewPolicy.IMMEDIATELY:
        return True
    if policy == ReviewPolicy.SCORE_ONLY:
        return False
    # Retakes must not be able to harvest the key, so it waits until the
    # learner has passed or has no attempts left, and never shows while an
    # attempt is open.
    if summary.in_progress is not None:
        return False
    return summary.has_passed or summary.out_of_attempts


def review_note(*, quiz: Quiz) -> str:
    """Why the answer key is not shown, in the words of this quiz's policy."""
    if quiz.kind == QuizKind.PRE or quiz.review_policy == ReviewPolicy.SCORE_ONLY:
        return "Correct answers are not shown for this test, so it stays a fair measure of what you learn."
    if quiz.review_policy == ReviewPolicy.IMMEDIATELY:
        return ""
    limit = f" or have used all {quiz.attempts_allowed} attempts" if quiz.attempts_allowed else ""
    return f"Correct answers and feedback appear once you pass{limit}, so retakes stay a fair test."


def attempt_for_user(*, user, attempt_id: int) -> Attempt:
    """The learner's own attempt; anyone else's is a 404."""
    return get_object_or_404(Attempt.objects.select_related("quiz__activity"), pk=attempt_id, user=user)


def attempt_items(attempt: Attempt) -> list[AttemptItem]:
    """Items with their versions and choices in the order shown, in a fixed number of queries."""
    items = list(
        AttemptItem.objects.filter(attempt=attempt)
        .select_related("version__reference", "version__objective", "selected_choice")
        .prefetch_related("version__choices")
        .order_by("position")
    )
    for item in items:
        by_id = {choice.pk: choice for choice in item.version.choices.all()}
        item.shown_choices = [by_id[pk] for pk in item.choice_order]
    return items


@dataclass(frozen=True)
class Gain:
    matched: int
    correct_before: int
    correct_after: int


def knowledge_gain(*, user, activity) -> Gain | None:
    """Pre-test items against their matched post-test items, for this learner's best attempts."""
    quizzes = {quiz.kind: quiz for quiz in Quiz.objects.filter(activity=activity)}
    if QuizKind.PRE not in quizzes or QuizKind.POST not in quizzes:
        return None
    pre = quiz_summary(user=user, quiz=quizzes[QuizKind.PRE]).best
    post = quiz_summary(user=user, quiz=quizzes[QuizKind.POST]).best
    if pre is None or post is None:
        return None
    pairs = list(
        quizzes[QuizKind.PRE]
        .slots.filter(matched_question__isnull=False)
        .values_list("question_id", "matched_question_id", "question__objective__position")
    )
    correct = {
        (attempt_id, question_id): is_correct
        for attempt_id, question_id, is_correct in AttemptItem.objects.filter(attempt__in=[pre, post]).values_list(
            "attempt_id", "version__question_id", "is_correct"
        )
    }
    rows = [
        (objective, bool(correct.get((pre.pk, pre_q))), bool(correct.get((post.pk, post_q))))
        for pre_q, post_q, objective in pairs
        if (pre.pk, pre_q) in correct and (post.pk, post_q) in correct
    ]
    if not rows:
        return None
    return Gain(
        matched=len(rows),
        correct_before=sum(before for _, before, _ in rows),
        correct_after=sum(after for _, _, after in rows),
    )
