"""Import and export of questions as GIFT and Moodle XML.

A category names the target quiz as `<activity-slug>/<pre|post>`, inside a Moodle context and
its top category or not: `$module$/top/<slug>/post` is what Moodle 5 writes (and older Moodle for
a quiz's own bank), `$course$/top/…` and `$course$/…` come from older sites. Any other category
names no quiz: its items go to the question bank only.

Every question has Moodle's ID number, and exports carry it. An import recognises an item it
already has by its ID number within the target activity: a changed item is revised (a new
version if learners would see a difference), an identical one is left alone, and no item gets
a second slot in a quiz. An item without an ID number is recognised only as the very same
question (title, text and choices) already in that place.

CME metadata (objective, reference, status, pre/post match) travels in a `// cme:` JSON comment
in GIFT and in `cme-…` tags in Moodle XML, so our own export comes back exactly; for an item we
already have, metadata the file does not state is kept as it is. Imports validate every item
first and save nothing on any error.
"""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Max, Prefetch

from activities.models import Activity
from activities.services import content_changed
from audit.services import record
from quizzes.interchange import gift, moodle_xml
from quizzes.interchange.items import ExportItem, ParsedItem
from quizzes.models import Choice, Question, QuestionStatus, Quiz, QuizKind, QuizSlot, ReviewPolicy
from quizzes.services import question_create, question_revise
from quizzes.validation import (
    IDNUMBER_MAX_LENGTH,
    ChoiceData,
    single_best_answer_problems,
    validate_idnumber,
    validate_one_line,
)

FORMATS = {"gift": ("gift", "text/plain"), "moodlexml": ("xml", "application/xml")}
# Moodle's category path: an optional context token ($module$, $course$, …), its "top" category, then ours.
_QUIZ_CATEGORY = re.compile(r"^(?:\$[a-z]+\$/)?(?:top/)?([a-z0-9-]+)/(pre|post)$")
_KIND_NAMES = {QuizKind.PRE: "pre-test", QuizKind.POST: "post-test"}
NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"


class ImportRefusedError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class ImportedItem:
    """One item of the file: where it goes and what happens to it."""

    title: str
    name: str
    idnumber: str
    destination: str
    outcome: str
    detail: str = ""
    draft: bool = False

    def line(self) -> str:
        idnumber = f"ID number {self.idnumber}" if self.idnumber else "no ID number (one is assigned)"
        detail = f" ({self.detail})" if self.detail else ""
        return f"- {self.name}, {idnumber} → {self.destination}: {self.outcome}{detail}"


@dataclass
class ImportReport:
    dry_run: bool
    items: list[ImportedItem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def imported(self) -> list[str]:
        return [item.title for item in self.items]

    @property
    def drafts(self) -> list[str]:
        return [item.title for item in self.items if item.draft]

    def count(self, outcome: str) -> int:
        return sum(item.outcome == outcome for item in self.items)

    def headline(self) -> str:
        verb = "Would import" if self.dry_run else "Imported"
        return (
            f"{verb} {len(self.items)} question(s): {self.count(NEW)} new, {self.count(CHANGED)} changed, "
            f"{self.count(UNCHANGED)} unchanged."
        )

    def summary(self) -> str:
        lines = [self.headline(), *(item.line() for item in self.items)]
        if self.drafts:
            lines.append(
                f"{len(self.drafts)} will be draft(s) until an author adds the learning objective and reference: "
                f"{', '.join(self.drafts)}."
            )
        if self.skipped:
            lines.append(f"Left out {len(self.skipped)} item(s) of unsupported types:")
            lines += [f"- {message}" for message in self.skipped]
        return "\n".join(lines)


@dataclass(eq=False)
class _Plan:
    item: ParsedItem
    activity: Activity | None = None
    kind: str | None = None
    objective: object = None
    reference: object = None
    status: str = QuestionStatus.DRAFT
    existing: Question | None = None  # the question this item already is
    first: "_Plan | None" = None  # an earlier item of this file for the same question
    slot: QuizSlot | None = None  # its place in the target quiz, once it has one
    match: "Question | _Plan | None" = None  # the post-test item a pre-test item is matched to
    changes: list[str] = field(default_factory=list)  # to the question itself
    placement: list[str] = field(default_factory=list)  # to its slot
    new_version: int | None = None
    question: Question | None = None  # once saved

    @property
    def owner(self) -> "_Plan":
        return self.first or self


class _Bank:
    """What the database already holds, read once per activity."""

    def __init__(self):
        self.activities = {a.slug: a for a in Activity.objects.prefetch_related("objectives", "references")}
        self._questions: dict = {}

    def questions(self, activity: Activity | None) -> list[Question]:
        key = activity.pk if activity else None
        if key not in self._questions:
            slots = QuizSlot.objects.select_related("quiz")
            self._questions[key] = list(
                Question.objects.filter(activity=activity)
                .select_related("objective", "reference")
                .annotate(latest_version=Max("versions__number"))
                .prefetch_related("choices", Prefetch("slots", queryset=slots))
            )
        return self._questions[key]


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
    bank = _Bank()
    for item in items:
        if item.unsupported:
            message = f"{item.name} is {item.unsupported}; only single-best-answer questions can be imported."
            (report.skipped if skip_unsupported else problems).append(message)
            continue
        plan, item_problems = _plan(item, bank)
        problems += item_problems
        if plan:
            plans.append(plan)
    if not problems:
        problems += _link_repeats(plans)
    if not problems:
        problems += _link_matches(plans, bank)
    if problems:
        raise ImportRefusedError(problems)
    report.items = [_reported(plan) for plan in plans]
    if not dry_run:
        try:
            _save(plans, report=report, filename=filename)
        except (ValidationError, DatabaseError) as error:
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            raise ImportRefusedError([f"Nothing was saved: {message}" for message in messages]) from None
    return report


# ------------------------------------------------------------------- planning


def _norm(text: str) -> str:
    """Text as both formats carry it: GIFT and XML trim it, and neither keeps a carriage return."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _choices(choices) -> tuple:
    return tuple((_norm(c.text), c.is_correct, _norm(c.feedback)) for c in choices)


def _text_changes(question: Question, item: ParsedItem) -> list[str]:
    """What learners would see differently."""
    changes = []
    if _norm(question.stem) != _norm(item.stem):
        changes.append("question text")
    if _norm(question.explanation) != _norm(item.explanation):
        changes.append("explanation")
    if _choices(question.choices.all()) != _choices(item.choices):
        changes.append("choices")
    return changes


def _item_problems(item: ParsedItem) -> list[str]:
    problems = [f"{item.name}: {problem}" for problem in single_best_answer_problems(item.choices)]
    if not item.title:
        problems.append(f"{item.name} has no ::title::; every question needs one.")
    title_limit = Question._meta.get_field("title").max_length
    if len(item.title) > title_limit:
        problems.append(f"{item.name}: the title is longer than {title_limit} characters.")
    try:
        validate_one_line(item.title)
    except ValidationError as error:
        problems.append(f"{item.name}: the title must be one line. {' '.join(error.messages)}")
    if len(item.idnumber) > IDNUMBER_MAX_LENGTH:
        problems.append(
            f"{item.name}: the ID number is longer than {IDNUMBER_MAX_LENGTH} characters; a pre/post match names "
            "it in a Moodle tag, and Moodle keeps 50 characters of a tag."
        )
    try:
        validate_idnumber(item.idnumber)
    except ValidationError as error:
        problems.append(f"{item.name}: {' '.join(error.messages)}")
    choice_limit = Choice._meta.get_field("text").max_length
    for number, choice in enumerate(item.choices, 1):
        if len(choice.text) > choice_limit:
            problems.append(f"{item.name}: choice {number} is longer than {choice_limit} characters.")
    if not item.stem:
        problems.append(f"{item.name} has no question text.")
    if "_error" in item.metadata:
        problems.append(item.metadata["_error"])
    return problems


def _plan(item: ParsedItem, bank: _Bank) -> tuple[_Plan | None, list[str]]:
    problems = _item_problems(item)
    plan = _Plan(item=item)
    match = _QUIZ_CATEGORY.match((item.category or "").strip())
    if match:
        plan.activity = bank.activities.get(match.group(1))
        plan.kind = match.group(2)
        if plan.activity is None:
            problems.append(f"{item.name}: category “{item.category}” names no activity “{match.group(1)}”.")
            return None, problems
    plan.existing = _existing(plan, bank)
    problems += _metadata(plan)
    if plan.existing is not None:
        plan.changes = _text_changes(plan.existing, item)
        if plan.objective != plan.existing.objective:
            plan.changes.append("learning objective")
        if plan.reference != plan.existing.reference:
            plan.changes.append("reference")
        if plan.changes:
            plan.new_version = (plan.existing.latest_version or 0) + 1
        if _norm(plan.existing.title) != _norm(item.title):
            plan.changes.append("title")
        if plan.existing.status != plan.status:
            plan.changes.append("status")
    return (None if problems else plan), problems


def _existing(plan: _Plan, bank: _Bank) -> Question | None:
    questions = bank.questions(plan.activity)
    if plan.item.idnumber:
        return next((question for question in questions if question.idnumber == plan.item.idnumber), None)
    # Without an ID number an item is recognised only as the very same question already in its place.
    for question in questions:
        in_place = plan.activity is None or any(slot.quiz.kind == plan.kind for slot in question.slots.all())
        if in_place and _norm(question.title) == _norm(plan.item.title) and not _text_changes(question, plan.item):
            return question
    return None


def _metadata(plan: _Plan) -> list[str]:
    """The objective, reference and status the item ends up with; what the file leaves out stays as it is."""
    item, activity, existing, problems = plan.item, plan.activity, plan.existing, []
    if activity is not None:
        plan.objective = existing.objective if existing else None
        plan.reference = existing.reference if existing else None
        objective_number = item.metadata.get("objective")
        if objective_number is not None:
            plan.objective = next((o for o in activity.objectives.all() if o.position == objective_number), None)
            if plan.objective is None:
                problems.append(f"{item.name}: {activity.slug} has no learning objective {objective_number}.")
        position, trial = item.metadata.get("reference_position"), item.metadata.get("reference")
        if position is not None:
            plan.reference = next((r for r in activity.references.all() if r.position == position), None)
            if plan.reference is None:
                problems.append(f"{item.name}: {activity.slug} has no reference number {position}.")
        elif trial:
            # Case and runs of spaces do not count: Moodle's tags may change both.
            wanted = " ".join(str(trial).split()).casefold()
            plan.reference = next(
                (r for r in activity.references.all() if " ".join(r.trial.split()).casefold() == wanted), None
            )
            if plan.reference is None:
                problems.append(f"{item.name}: {activity.slug} has no reference “{trial}”.")
    stated = item.metadata.get("status")
    wanted_status = stated if stated is not None else (existing.status if existing else QuestionStatus.DRAFT)
    # Without the objective and reference a CME item cannot be published, so
    # foreign items arrive as drafts for an author to complete.
    published = wanted_status == QuestionStatus.PUBLISHED and plan.objective and plan.reference
    plan.status = QuestionStatus.PUBLISHED if published else QuestionStatus.DRAFT
    return problems


def _same_question_key(plan: _Plan):
    if plan.item.idnumber:
        return ("idnumber", plan.activity.pk if plan.activity else None, plan.item.idnumber)
    if plan.existing is not None:
        return ("question", plan.existing.pk)
    return None


def _link_repeats(plans: list[_Plan]) -> list[str]:
    """An item may appear in both tests of an activity (the same question as pre and post item): once it is saved."""
    problems, owners, places = [], {}, {}
    for plan in plans:
        key = _same_question_key(plan)
        if key is None:
            continue
        owner = owners.setdefault(key, plan)
        if owner is not plan:
            plan.first = owner
            ours = (owner.item.title, owner.item.stem, owner.item.explanation, _choices(owner.item.choices),
                    owner.objective, owner.reference, owner.status)  # fmt: skip
            theirs = (plan.item.title, plan.item.stem, plan.item.explanation, _choices(plan.item.choices),
                      plan.objective, plan.reference, plan.status)  # fmt: skip
            if ours != theirs:
                problems.append(
                    f"{plan.item.name} and {owner.item.name} have the same ID number “{plan.item.idnumber}” "
                    "but differ; one question cannot say two things."
                )
        place = (key, plan.kind)
        if place in places:
            where = f"the {_KIND_NAMES[plan.kind]} of {plan.activity.slug}" if plan.activity else "the question bank"
            problems.append(f"{plan.item.name} repeats {places[place].item.name} in {where}.")
        places.setdefault(place, plan)
    for plan in plans:
        existing = plan.owner.existing
        if plan.activity is not None:
            plan.slot = existing and next((s for s in existing.slots.all() if s.quiz.kind == plan.kind), None)
            if existing is not None and plan.slot is None:
                plan.placement.append(f"added to the {_KIND_NAMES[plan.kind]}")
    return problems


def _link_matches(plans: list[_Plan], bank: _Bank) -> list[str]:
    """Each pre-test item's match: a post-test item of the file or of the database, by ID number."""
    problems = []
    for plan in plans:
        wanted = plan.item.metadata.get("match")
        if wanted is None or plan.activity is None:
            continue
        wanted = str(wanted)
        in_file = [p for p in plans if p.activity == plan.activity and p.kind == QuizKind.POST]
        in_bank = [q for q in bank.questions(plan.activity) if any(s.quiz.kind == QuizKind.POST for s in q.slots.all())]
        target = (
            _one(p for p in in_file if p.item.idnumber == wanted)
            or _one(q for q in in_bank if q.idnumber == wanted)
            # Moodle may hand a tag back in another case; ID numbers are compared without it only then.
            or _one(p for p in in_file if p.item.idnumber.casefold() == wanted.casefold())
            or _one(q for q in in_bank if q.idnumber.casefold() == wanted.casefold())
            # Files written before ID numbers named the match by its title.
            or _one(p for p in in_file if p.item.title == wanted)
            or _one(q for q in in_bank if q.title == wanted)
        )
        if target is None:
            problems.append(
                f"{plan.item.name}: its pre/post match “{wanted}” is no post-test item of {plan.activity.slug}."
            )
            continue
        plan.match = target
        current = plan.slot.matched_question_id if plan.slot else None
        target_question = target.owner.existing if isinstance(target, _Plan) else target
        if plan.slot is not None and (target_question is None or current != target_question.pk):
            plan.placement.append("pre/post match")
    return problems


def _one(candidates):
    """The candidate if there is exactly one (a plan, or a question), else None."""
    found = list(dict.fromkeys(c.owner if isinstance(c, _Plan) else c for c in candidates))
    return found[0] if len(found) == 1 else None


def _reported(plan: _Plan) -> ImportedItem:
    owner = plan.owner
    if plan.activity is None:
        where = f"category “{plan.item.category}”" if plan.item.category else "no category"
        destination = f"the question bank only ({where} names no quiz)"
    else:
        destination = f"{plan.activity.slug}, {_KIND_NAMES[plan.kind]}"
    if owner.existing is None:
        outcome, detail = NEW, f"the same question as {owner.item.name}" if plan.first else ""
    else:
        changes = (plan.changes if plan.first is None else []) + plan.placement
        outcome = CHANGED if changes else UNCHANGED
        detail = ", ".join(changes)
        if plan.first is None and plan.new_version:
            detail += f"; becomes version {plan.new_version}"
    return ImportedItem(
        title=plan.item.title or plan.item.location,
        name=plan.item.name,
        idnumber=plan.item.idnumber,
        destination=destination,
        outcome=outcome,
        detail=detail,
        draft=outcome != UNCHANGED and plan.first is None and owner.status == QuestionStatus.DRAFT,
    )


# --------------------------------------------------------------------- saving


@transaction.atomic
def _save(plans: list[_Plan], *, report: ImportReport, filename: str) -> None:
    for plan in plans:
        item = plan.item
        content = {"title": item.title, "stem": item.stem, "explanation": item.explanation,
                   "objective": plan.objective, "reference": plan.reference, "status": plan.status,
                   "choices": item.choices}  # fmt: skip
        if plan.first is not None:
            plan.question = plan.first.question
        elif plan.existing is None:
            plan.question = question_create(activity=plan.activity, idnumber=item.idnumber, **content)
        else:
            plan.question = plan.existing
            if plan.changes:
                question_revise(question=plan.existing, **content)
        if plan.activity is not None and plan.slot is None:
            quiz = _quiz(plan)
            position = (quiz.slots.aggregate(last=Max("position"))["last"] or 0) + 1
            plan.slot = QuizSlot.objects.create(quiz=quiz, question=plan.question, position=position)
    for plan in plans:
        if plan.match is None or plan.slot is None:
            continue
        target = plan.match.question if isinstance(plan.match, _Plan) else plan.match
        if plan.slot.matched_question_id != target.pk:
            plan.slot.matched_question = target
            plan.slot.save(update_fields=["matched_question"])
    # One entry for the file; question_create and question_revise log each new or revised item.
    activities = {plan.activity for plan in plans if plan.activity is not None}
    content_changed()  # a test's questions and settings show on its activity's page
    record(
        action="questions.imported",
        obj=next(iter(activities)) if len(activities) == 1 else None,
        detail={
            "file": filename,
            "activities": sorted(activity.slug for activity in activities),
            "new": report.count(NEW),
            "changed": report.count(CHANGED),
            "unchanged": report.count(UNCHANGED),
            "left_out_unsupported": len(report.skipped),
        },
    )


def _quiz(plan: _Plan) -> Quiz:
    defaults = {"attempts_allowed": 1, "review_policy": ReviewPolicy.SCORE_ONLY} if plan.kind == QuizKind.PRE else {}
    if plan.item.shuffle is not None:
        defaults["shuffle_choices"] = plan.item.shuffle
    quiz, _ = Quiz.objects.get_or_create(activity=plan.activity, kind=plan.kind, defaults=defaults)
    return quiz


# ------------------------------------------------------------------ exporting


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
        items = [_export_item(slot, quiz) for slot in slots]
        if items:
            blocks.append((f"{quiz.activity.slug}/{quiz.kind}", items))
    return writer(blocks)


def _export_item(slot: QuizSlot, quiz: Quiz) -> ExportItem:
    question = slot.question
    metadata = {"status": question.status}
    if question.objective:
        metadata["objective"] = question.objective.position
    if question.reference:
        metadata["reference"] = question.reference.trial
    if slot.matched_question:
        metadata["match"] = slot.matched_question.idnumber
    return ExportItem(
        title=question.title,
        stem=question.stem,
        explanation=question.explanation,
        choices=[ChoiceData(c.text, c.is_correct, c.feedback) for c in question.choices.all()],
        metadata=metadata,
        idnumber=question.idnumber,
        shuffle=quiz.shuffle_choices,
        reference_position=question.reference.position if question.reference else None,
    )
