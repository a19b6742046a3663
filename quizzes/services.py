"""Writes for the question bank and for attempts. Every function here is the
only way its records change; the site, the admin and the importers call them."""

import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.services import learner_pages_changed
from activities.services import content_changed
from audit.services import diff, record
from quizzes.models import (
    Attempt,
    AttemptItem,
    AttemptState,
    Choice,
    Question,
    QuestionStatus,
    QuestionVersion,
    Quiz,
    QuizKind,
    VersionChoice,
)
from quizzes.selectors import quiz_summary
from quizzes.validation import ChoiceData, single_best_answer_problems

_random = secrets.SystemRandom()


class AttemptClosedError(ValidationError):
    """The attempt was already submitted; nothing may change it now."""


class AttemptRefusedError(ValidationError):
    """The attempt is open but may no longer change: its activity closed, or the post-test began after this pre-test."""


# ---------------------------------------------------------------- question bank


def _content(stem, explanation, objective_id, reference_id, choices) -> tuple:
    return (stem, explanation, objective_id, reference_id, tuple((c.text, c.is_correct, c.feedback) for c in choices))


@transaction.atomic
def question_snapshot(*, question: Question, new_version: bool = False) -> QuestionVersion:
    """Make the latest version match the working copy.

    An unused latest version is corrected in place; a version any attempt has
    shown stays as it was and a new version is added after it. With
    new_version (an import that revises the item) any change is a new version.
    """
    choices = list(question.choices.all())
    problems = single_best_answer_problems([ChoiceData(c.text, c.is_correct, c.feedback) for c in choices])
    if problems:
        raise ValidationError(problems)
    wanted = _content(question.stem, question.explanation, question.objective_id, question.reference_id, choices)
    latest = QuestionVersion.objects.select_for_update().filter(question=question).order_by("-number").first()
    if latest is not None:
        current_choices = list(latest.choices.all())
        current = _content(latest.stem, latest.explanation, latest.objective_id, latest.reference_id, current_choices)
        if current == wanted:
            return latest
        if not new_version and not latest.attempt_items.exists():
            for field, value in zip(("stem", "explanation", "objective_id", "reference_id"), wanted[:4], strict=True):
                setattr(latest, field, value)
            latest.save()
            VersionChoice.objects.filter(version=latest).delete()
            _copy_choices(latest, choices)
            return latest
    version = QuestionVersion.objects.create(
        question=question,
        number=(latest.number + 1) if latest else 1,
        stem=question.stem,
        explanation=question.explanation,
        objective_id=question.objective_id,
        reference_id=question.reference_id,
    )
    _copy_choices(version, choices)
    return version


def _copy_choices(version: QuestionVersion, choices: list[Choice]) -> None:
    VersionChoice.objects.bulk_create(
        VersionChoice(version=version, position=index, text=c.text, is_correct=c.is_correct, feedback=c.feedback)
        for index, c in enumerate(choices, 1)
    )


@transaction.atomic
def question_create(*, activity, title, stem, explanation, objective, reference, choices: list[ChoiceData],
                    status=QuestionStatus.DRAFT, idnumber: str = "") -> Question:  # fmt: skip
    """A new question and its version 1. Without an idnumber it is given a fresh one."""
    question = Question(
        activity=activity,
        title=title,
        stem=stem,
        explanation=explanation,
        objective=objective,
        reference=reference,
        status=status,
    )
    if idnumber:
        question.idnumber = idnumber
    question.full_clean()
    question.save()
    Choice.objects.bulk_create(
        Choice(question=question, position=index, text=c.text, is_correct=c.is_correct, feedback=c.feedback)
        for index, c in enumerate(choices, 1)
    )
    version = question_snapshot(question=question)
    record(
        action="question.created",
        obj=question,
        changes=diff({}, _logged_content(question)),
        detail={"activity": activity.slug if activity else None, "version": version.number},
    )
    return question


@transaction.atomic
def question_revise(*, question: Question, title, stem, explanation, objective, reference, status,
                    choices: list[ChoiceData]) -> QuestionVersion:  # fmt: skip
    """An import's revision of an existing item: the working copy takes the file's content.

    Any change to what learners see becomes a new version, whether or not an
    attempt used the last one, so the version history records each import.
    """
    question = Question.objects.select_for_update().get(pk=question.pk)
    before = _logged_content(question)
    question.title, question.stem, question.explanation = title, stem, explanation
    question.objective, question.reference, question.status = objective, reference, status
    question.full_clean()
    question.save()
    Choice.objects.filter(question=question).delete()
    Choice.objects.bulk_create(
        Choice(question=question, position=index, text=c.text, is_correct=c.is_correct, feedback=c.feedback)
        for index, c in enumerate(choices, 1)
    )
    version = question_snapshot(question=question, new_version=True)
    record(
        action="question.revised",
        obj=question,
        changes=diff(before, _logged_content(question)),
        detail={"version": version.number},
    )
    return version


def _logged_content(question: Question) -> dict:
    """What the action log shows of a question: its fields and its choices, the key marked ✓."""
    choices = [f"{'✓' if c.is_correct else '✗'} {c.text}" for c in question.choices.order_by("position")]
    return {"title": question.title, "stem": question.stem, "explanation": question.explanation,
            "objective": question.objective, "reference": question.reference, "status": question.status,
            "choices": choices}  # fmt: skip


def question_edit_log(*, question: Question, changes: dict, created: bool) -> None:
    """Log an author's edit in admin, which saves the question and its choices itself.

    A change of status is logged as the publishing or withdrawal it is, with
    the other edits of the same save.
    """
    if created:
        action = "question.created"
    elif "status" in changes:
        action = "question.published" if question.status == QuestionStatus.PUBLISHED else "question.unpublished"
    else:
        action = "question.changed"
    if changes or created:
        latest = question.versions.order_by("-number").first()
        record(action=action, obj=question, changes=changes, detail={"version": latest.number if latest else None})
        content_changed()  # publishing decides whether a test (and its line in the front matter) shows


def quiz_edit_log(*, quiz: Quiz, changes: dict, created: bool) -> None:
    """Log an edit of a quiz in admin: its settings, and the items placed in it, withdrawn or replaced."""
    if changes or created:
        record(action="quiz.created" if created else "quiz.changed", obj=quiz, changes=changes)
        content_changed()  # the pass mark and attempts allowed are in the activity's front matter


@transaction.atomic
def question_status_set(*, question: Question, status: str) -> Question:
    """Publish or withdraw a question; publishing checks what a published item needs."""
    before = question.status
    question.status = status
    question.full_clean()
    question.save(update_fields=["status", "updated_at"])
    if status != before:
        action = "question.published" if status == QuestionStatus.PUBLISHED else "question.unpublished"
        record(action=action, obj=question, changes={"status": [before, status]})
        content_changed()
    return question


# --------------------------------------------------------------------- attempts


@transaction.atomic
def attempt_start(*, user, quiz: Quiz) -> Attempt:
    """Resume the learner's open attempt, or begin a new one if the quiz's own rules allow.

    The quiz's rules are its attempt limit, one open attempt, a pre-test taken once. Where the
    test sits in the activity (dates, front matter, pre-test before post-test) is the journey's
    gate: call journey.services.quiz_start, which checks it in the same transaction.
    """
    summary = quiz_summary(user=user, quiz=quiz)
    if summary.in_progress:
        return summary.in_progress
    if not summary.can_start:
        raise ValidationError(summary.cannot_start_reason)

    slots = list(
        quiz.slots.filter(question__status=QuestionStatus.PUBLISHED).select_related("question").order_by("position")
    )
    if not slots:
        raise ValidationError("This test has no questions yet.")
    if quiz.shuffle_questions:
        _random.shuffle(slots)
    versions = _latest_versions([slot.question_id for slot in slots])
    number = (Attempt.objects.filter(user=user, quiz=quiz).aggregate(n=Max("number"))["n"] or 0) + 1
    try:
        # Two clicks on Start race here; the one-open-attempt constraint lets
        # one insert win and the other resumes the winner's attempt.
        with transaction.atomic():
            attempt = Attempt.objects.create(user=user, quiz=quiz, number=number)
            learner_pages_changed(user_ids=[user.pk])
    except IntegrityError:
        winner = Attempt.objects.filter(user=user, quiz=quiz, state=AttemptState.IN_PROGRESS).first()
        if winner is None:
            raise ValidationError("Another attempt was started at the same moment; please try again.") from None
        return winner
    items = []
    for position, slot in enumerate(slots, 1):
        version = versions[slot.question_id]
        order = [choice.pk for choice in version.choices.all()]
        if quiz.shuffle_choices:
            _random.shuffle(order)
        items.append(AttemptItem(attempt=attempt, position=position, version=version, choice_order=order))
    AttemptItem.objects.bulk_create(items)
    return attempt


def _latest_versions(question_ids: list[int]) -> dict[int, QuestionVersion]:
    latest: dict[int, QuestionVersion] = {}
    # Locking the versions makes a concurrent author's edit wait for this
    # attempt to commit; it then sees the version in use and adds a new one
    # instead of correcting this one in place.
    versions = (
        QuestionVersion.objects.select_for_update().filter(question_id__in=question_ids)
        .order_by("question_id", "-number").prefetch_related("choices")
    )  # fmt: skip
    for version in versions:
        latest.setdefault(version.question_id, version)
    missing = set(question_ids) - set(latest)
    if missing:
        raise ValidationError("A question in this test has no published version; please tell the provider.")
    return latest


def _locked_open_attempt(attempt: Attempt) -> Attempt:
    locked = Attempt.objects.select_for_update(of=("self",)).select_related("quiz__activity").get(pk=attempt.pk)
    if locked.state != AttemptState.IN_PROGRESS:
        raise AttemptClosedError("This attempt has already been submitted; it can no longer change.")
    closed = locked.quiz.activity.closed_reason()
    if closed:
        raise AttemptRefusedError(closed)
    posttest_started = Attempt.objects.filter(
        user_id=locked.user_id, quiz__activity_id=locked.quiz.activity_id, quiz__kind=QuizKind.POST
    )
    if locked.quiz.kind == QuizKind.PRE and posttest_started.exists():
        # The baseline must come before the post-test; answers given after it would not be one.
        raise AttemptRefusedError("The pre-test closed when you started the post-test, so it can no longer change.")
    return locked


def attempt_answer(*, attempt: Attempt, position: int, choice_id: int) -> AttemptItem:
    """Save the learner's choice for one question."""
    return attempt_answers(attempt=attempt, answers={position: choice_id})[0]


@transaction.atomic
def attempt_answers(*, attempt: Attempt, answers: dict[int, int]) -> list[AttemptItem]:
    """Save the choices a submitted page carries ({position: VersionChoice id}), all or none."""
    _locked_open_attempt(attempt)
    items = {item.position: item for item in AttemptItem.objects.filter(attempt=attempt, position__in=answers)}
    if set(items) != set(answers):
        raise ValidationError("That question is not part of this attempt.")
    now = timezone.now()
    for position, choice_id in answers.items():
        if choice_id not in items[position].choice_order:
            raise ValidationError(f"Question {position}: choose one of the answers shown.")
        items[position].selected_choice_id = choice_id
        items[position].answered_at = now
    AttemptItem.objects.bulk_update(items.values(), ["selected_choice", "answered_at"])
    learner_pages_changed(user_ids=[attempt.user_id])
    return [items[position] for position in sorted(items)]


def is_pass(*, score: int, max_score: int, pass_mark_percent) -> bool:
    # Exact comparison: 7 of 10 against 75% is 700 < 750, a fail; no rounding.
    return score * 100 >= pass_mark_percent * max_score


@transaction.atomic
def attempt_submit(*, attempt: Attempt) -> Attempt:
    """Close the attempt and grade it from the versions it showed."""
    locked = _locked_open_attempt(attempt)
    items = list(AttemptItem.objects.filter(attempt=locked).select_related("selected_choice").order_by("position"))
    unanswered = [item.position for item in items if item.selected_choice_id is None]
    if unanswered:
        numbers = ", ".join(str(position) for position in unanswered)
        raise ValidationError(f"Answer every question before submitting. Still unanswered: {numbers}.")
    now = timezone.now()
    for item in items:
        item.is_correct = item.selected_choice.is_correct
    AttemptItem.objects.bulk_update(items, ["is_correct"])
    score = sum(item.is_correct for item in items)
    pass_mark = locked.quiz.pass_mark_percent
    locked.score = score
    locked.max_score = len(items)
    locked.pass_mark_percent = pass_mark
    locked.passed = is_pass(score=score, max_score=len(items), pass_mark_percent=pass_mark)
    locked.state = AttemptState.GRADED
    locked.submitted_at = locked.graded_at = now
    locked.save(
        update_fields=["score", "max_score", "pass_mark_percent", "passed", "state", "submitted_at", "graded_at"]
    )
    learner_pages_changed(user_ids=[locked.user_id])
    return locked
