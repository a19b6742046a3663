"""Import and export of questions as GIFT and Moodle XML.

Categories name the target quiz as `<activity-slug>/<pre|post>`. CME metadata
(objective, reference, status, pre/post match) travels in a `// cme:` JSON
comment in GIFT and in `cme-…` tags in Moodle XML, so our own export comes
back exactly. Imports validate every item first and save nothing on any error.
"""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Max

from activities.models import Activity
from quizzes.interchange import gift, moodle_xml
from quizzes.interchange.items import ExportItem, ParsedItem
from quizzes.models import Choice, Question, QuestionStatus, Quiz, QuizKind, QuizSlot, ReviewPolicy
from quizzes.services import question_create
from quizzes.validation import ChoiceData, single_best_answer_problems

FORMATS = {"gift": ("gift", "text/plain"), "moodlexml": ("xml", "application/xml")}
_QUIZ_CATEGORY = re.compile(r"^(?:\$course\$/)?(?:top/)?([a-z0-9-]+)/(pre|post)$")


class ImportRefusedError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class ImportReport:
    dry_run: bool
    imported: list[str] = field(default_factory=list)
    drafts: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def summary(self) -> str:
        verb = "Would import" if self.dry_run else "Imported"
        lines = [f"{verb} {len(self.imported)} question(s)."]
        if self.drafts:
            lines.append(
                f"{len(self.drafts)} will be draft(s) until an author adds the learning objective and reference: "
                f"{', '.join(self.drafts)}."
            )
        if self.skipped:
            lines.append(f"Left out {len(self.skipped)} item(s) of unsupported types:")
            lines += [f"- {message}" for message in self.skipped]
        return "\n".join(lines)


@dataclass
class _Plan:
    item: ParsedItem
    activity: Activity | None
    kind: str | None
    objective: object = None
    reference: object = None
    published: bool = False


def parse(text: str) -> list[ParsedItem]:
    if text.lstrip().startswith("<"):
        return moodle_xml.parse(text.lstrip())
    return gift.parse(text)


def import_questions(text: str, *, filename: str = "", dry_run: bool = False, skip_unsupported: bool = False):
    """Validate every item, then save all of them or none."""
    try:
        items = parse(text)
    except moodle_xml.MoodleXMLError as error:
        raise ImportRefusedError([str(error)]) from None
    if not items:
        raise ImportRefusedError([f"{filename or 'The file'} contains no questions."])
    report = ImportReport(dry_run=dry_run)
    problems: list[str] = []
    plans: list[_Plan] = []
    activities = {activity.slug: activity for activity in Activity.objects.prefetch_related("objectives", "references")}
    for item in items:
        if item.unsupported:
            message = f"{item.name} is {item.unsupported}; only single-best-answer questions can be imported."
            (report.skipped if skip_unsupported else problems).append(message)
            continue
        plan, item_problems = _plan(item, activities)
        problems += item_problems
        if plan:
            plans.append(plan)
    if problems:
        raise ImportRefusedError(problems)
    for plan in plans:
        report.imported.append(plan.item.title or plan.item.location)
        if not plan.published:
            report.drafts.append(plan.item.title or plan.item.location)
    if not dry_run:
        try:
            _save(plans)
        except (ValidationError, DatabaseError) as error:
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            raise ImportRefusedError([f"Nothing was saved: {message}" for message in messages]) from None
    return report


def _plan(item: ParsedItem, activities: dict) -> tuple[_Plan | None, list[str]]:
    problems = [f"{item.name}: {problem}" for problem in single_best_answer_problems(item.choices)]
    if not item.title:
        problems.append(f"{item.name} has no ::title::; every question needs one.")
    title_limit = Question._meta.get_field("title").max_length
    if len(item.title) > title_limit:
        problems.append(f"{item.name}: the title is longer than {title_limit} characters.")
    choice_limit = Choice._meta.get_field("text").max_length
    for number, choice in enumerate(item.choices, 1):
        if len(choice.text) > choice_limit:
            problems.append(f"{item.name}: choice {number} is longer than {choice_limit} characters.")
    if not item.stem:
        problems.append(f"{item.name} has no question text.")
    if "_error" in item.metadata:
        problems.append(item.metadata["_error"])
    activity, kind = None, None
    match = _QUIZ_CATEGORY.match(item.category or "")
    if match:
        activity = activities.get(match.group(1))
        kind = match.group(2)
        if activity is None:
            problems.append(f"{item.name}: category “{item.category}” names no activity “{match.group(1)}”.")
    plan = _Plan(item=item, activity=activity, kind=kind)
    if activity is not None:
        objective_number = item.metadata.get("objective")
        if objective_number is not None:
            plan.objective = next((o for o in activity.objectives.all() if o.position == objective_number), None)
            if plan.objective is None:
                problems.append(f"{item.name}: {activity.slug} has no learning objective {objective_number}.")
        trial = item.metadata.get("reference")
        if trial:
            plan.reference = next((r for r in activity.references.all() if r.trial == trial), None)
            if plan.reference is None:
                problems.append(f"{item.name}: {activity.slug} has no reference “{trial}”.")
    # Without the objective and reference a CME item cannot be published, so
    # foreign items arrive as drafts for an author to complete.
    plan.published = bool(item.metadata.get("status") == QuestionStatus.PUBLISHED and plan.objective and plan.reference)
    return (None if problems else plan), problems


@transaction.atomic
def _save(plans: list[_Plan]) -> None:
    created: dict[tuple, Question] = {}
    matches = []
    for plan in plans:
        item = plan.item
        question = question_create(
            activity=plan.activity,
            title=item.title,
            stem=item.stem,
            explanation=item.explanation,
            objective=plan.objective,
            reference=plan.reference,
            choices=item.choices,
            status=QuestionStatus.PUBLISHED if plan.published else QuestionStatus.DRAFT,
        )
        if plan.activity is None:
            continue
        quiz, _ = Quiz.objects.get_or_create(
            activity=plan.activity,
            kind=plan.kind,
            defaults={"attempts_allowed": 1, "review_policy": ReviewPolicy.SCORE_ONLY}
            if plan.kind == QuizKind.PRE
            else {},
        )
        position = (quiz.slots.aggregate(last=Max("position"))["last"] or 0) + 1
        slot = QuizSlot.objects.create(quiz=quiz, question=question, position=position)
        created[(plan.activity.pk, plan.kind, item.title)] = question
        if item.metadata.get("match"):
            matches.append((slot, plan.activity, item.metadata["match"]))
    for slot, activity, title in matches:
        matched = created.get((activity.pk, QuizKind.POST, title)) or (
            Question.objects.filter(slots__quiz__activity=activity, slots__quiz__kind=QuizKind.POST, title=title)
            .order_by("-pk")
            .first()
        )
        if matched is not None:
            slot.matched_question = matched
            slot.save(update_fields=["matched_question"])


def export_quizzes(quizzes, *, fmt: str, questions=None) -> str:
    """One block per quiz, categorised `<activity-slug>/<pre|post>`, questions in quiz order."""
    writer = {"gift": gift.write, "moodlexml": moodle_xml.write}[fmt]
    blocks = []
    ordered = sorted(quizzes.select_related("activity"), key=lambda quiz: (quiz.activity.slug, quiz.kind != "pre"))
    for quiz in ordered:
        slots = quiz.slots.select_related("question__objective", "question__reference", "matched_question")
        slots = slots.prefetch_related("question__choices").order_by("position")
        if questions is not None:
            slots = slots.filter(question__in=questions)
        items = [_export_item(slot) for slot in slots]
        if items:
            blocks.append((f"{quiz.activity.slug}/{quiz.kind}", items))
    return writer(blocks)


def _export_item(slot: QuizSlot) -> ExportItem:
    question = slot.question
    metadata = {"status": question.status}
    if question.objective:
        metadata["objective"] = question.objective.position
    if question.reference:
        metadata["reference"] = question.reference.trial
    if slot.matched_question:
        metadata["match"] = slot.matched_question.title
    return ExportItem(
        title=question.title,
        stem=question.stem,
        explanation=question.explanation,
        choices=[ChoiceData(c.text, c.is_correct, c.feedback) for c in question.choices.all()],
        metadata=metadata,
    )
