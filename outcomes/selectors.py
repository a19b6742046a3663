"""Reads for the outcomes report: what a provider reports about one activity, by Moore's levels.

Level 1 (participation), level 2 (satisfaction), level 3 (knowledge: matched
pre/post items and the post-test's item analysis), levels 4–5 (commitment to
change and what the follow-up found).

Every figure comes from SQL aggregates: the database returns counts grouped by
mark, score, choice or learner, never the answers themselves, and Python
combines those small tables with the formulas in outcomes/statistics.py. Each
section costs a fixed number of queries however many learners there are
(tests/outcomes/test_query_counts.py).

Which attempts count: each learner's FIRST submitted pre-test attempt and
FIRST submitted post-test attempt (Moodle's "first attempts" setting), so a
retake after seeing feedback never inflates the gain or the item figures.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import Case, Count, Exists, F, IntegerField, Max, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.models import Profession
from activities.models import Activity, Enrollment, LearningObjective
from credits.models import Agreement, Barrier, CreditClaim, Evaluation, ObjectiveRating, PracticeChange, Quality
from credits.selectors import (
    OTHER_BARRIER,
    FollowUpResponseRate,
    ImplementationRates,
    commitment_barrier_counts,
    commitment_implementation_rates,
    followup_response_rates,
)
from outcomes.statistics import (
    ItemStatistics,
    PairedEffect,
    QuizStatistics,
    item_statistics,
    mcnemar_exact_p,
    paired_effect,
    quiz_statistics,
    sample_variance,
)
from quizzes.models import Attempt, AttemptItem, AttemptState, QuestionVersion, Quiz, QuizKind, QuizSlot

# Below this many learners the report shows percentages but no test or effect size.
MIN_LEARNERS = 10
# Moodle's and the item-writing literature's thresholds for a second look at an item.
FACILITY_TOO_HARD = 30
FACILITY_TOO_EASY = 95
DISCRIMINATIVE_EFFICIENCY_WEAK = 15  # Moodle's "dubious question" line (statistics_table.php)

# The sections a CSV download or `manage.py outcomes_report --section` asks for;
# "followup" is Moore levels 4–5 (commitment to change and its follow-up).
SECTIONS = ("funnel", "evaluation", "knowledge", "items", "followup")


def learner_pseudonym(user_id: int) -> str:
    """A stable code for a learner in exports: an HMAC of the id under SECRET_KEY, never a name or email."""
    return "L-" + salted_hmac("outcomes.learner-pseudonym", str(user_id), algorithm="sha256").hexdigest()[:16]


def _percent(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


# ------------------------------------------------------------------- period


def _day(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class Period:
    """An inclusive range of dates in the site's time zone; either end may be open."""

    start: date | None = None
    end: date | None = None

    def q(self, field_name: str) -> Q:
        condition = Q()
        if self.start:
            condition &= Q(**{f"{field_name}__gte": _start_of(self.start)})
        if self.end:
            condition &= Q(**{f"{field_name}__lt": _start_of(self.end + timedelta(days=1))})
        return condition

    def __str__(self) -> str:
        if self.start and self.end:
            return f"{_day(self.start)} to {_day(self.end)}"
        if self.start:
            return f"From {_day(self.start)}"
        if self.end:
            return f"Until {_day(self.end)}"
        return "All dates"

    @property
    def slug(self) -> str:
        return "-".join(day.isoformat() if day else "open" for day in (self.start, self.end)) if self else ""

    def __bool__(self) -> bool:
        return bool(self.start or self.end)


def quiz_ids(activity: Activity) -> dict[str, int]:
    """The activity's quizzes by kind. The big queries filter on these ids: a constant the planner
    can estimate, where a join to the quiz table led PostgreSQL to nested loops three times slower."""
    return dict(Quiz.objects.filter(activity=activity).values_list("kind", "pk"))


def first_submitted_attempts(*, quiz_id: int | None) -> QuerySet[Attempt]:
    """Each learner's first submitted attempt at a quiz (none for a quiz that does not exist)."""
    earlier = Attempt.objects.filter(
        user=OuterRef("user"), quiz=OuterRef("quiz"), state=AttemptState.GRADED, number__lt=OuterRef("number")
    )
    return Attempt.objects.filter(quiz_id=quiz_id, state=AttemptState.GRADED).filter(~Exists(earlier))


def _as_int(condition: Q) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


# ------------------------------------------------------ level 1: participation


FUNNEL_STEPS = (
    ("started", "Started"),
    ("pretest", "Pre-test submitted"),
    ("posttest", "Post-test attempted"),
    ("passed", "Post-test passed"),
    ("evaluated", "Evaluation completed"),
    ("claimed", "Credit claimed"),
)
NO_PROFESSION = "Profession not given"


@dataclass(frozen=True)
class FunnelStep:
    key: str
    label: str
    count: int
    percent_of_started: float | None
    percent_of_previous: float | None


@dataclass(frozen=True)
class FunnelGroup:
    label: str
    steps: list[FunnelStep]

    @property
    def started(self) -> int:
        return self.steps[0].count


@dataclass(frozen=True)
class Funnel:
    groups: list[FunnelGroup]  # all learners first, then one per profession
    has_pretest: bool

    @property
    def overall(self) -> FunnelGroup:
        return self.groups[0]

    @property
    def by_step(self) -> list[tuple[str, list[FunnelStep]]]:
        """The table's rows: each step with its figures for every group (all learners first)."""
        steps = self.overall.steps
        return [(step.label, [group.steps[index] for group in self.groups]) for index, step in enumerate(steps)]


def _funnel_group(label: str, counts: dict[str, int], steps: list[tuple[str, str, str | None]]) -> FunnelGroup:
    started = counts["started"]
    return FunnelGroup(
        label,
        [
            FunnelStep(
                key,
                step_label,
                counts[key],
                _percent(counts[key], started),
                None if previous is None else _percent(counts[key], counts[previous]),
            )
            for key, step_label, previous in steps
        ],
    )


def funnel(*, activity: Activity, period: Period) -> Funnel:
    """Learners who started the activity in the period, and how far each has got to date, by profession.

    No page-view log exists, so "opened" cannot be counted: the first step is
    "started", a learner who reviewed the front matter and began (Enrollment).
    """
    has_pretest = Quiz.objects.filter(activity=activity, kind=QuizKind.PRE).exists()
    attempts = Attempt.objects.filter(quiz__activity=activity, user=OuterRef("user"))
    did = {
        "pretest": Exists(attempts.filter(quiz__kind=QuizKind.PRE, state=AttemptState.GRADED)),
        "posttest": Exists(attempts.filter(quiz__kind=QuizKind.POST)),
        "passed": Exists(attempts.filter(quiz__kind=QuizKind.POST, passed=True)),
        "evaluated": Exists(Evaluation.objects.filter(activity=activity, user=OuterRef("user"))),
        "claimed": Exists(CreditClaim.objects.filter(activity=activity, user=OuterRef("user"))),
    }
    rows = (
        Enrollment.objects.filter(period.q("started_at"), activity=activity)
        .values("user__profession")
        .annotate(started=Count("pk"), **{key: Count("pk", filter=Q(condition)) for key, condition in did.items()})
        .order_by("user__profession")
    )
    # Each step's conversion is from the step before it; an optional pre-test is a side step,
    # so the post-test converts from "started" unless the activity requires the pre-test first.
    linear = has_pretest and activity.pretest_required
    steps, previous = [], None
    for key, label in FUNNEL_STEPS:
        if key == "pretest" and not has_pretest:
            continue
        steps.append((key, label, previous))
        if key != "pretest" or linear:
            previous = key
    if has_pretest and not linear:
        steps[1] = ("pretest", "Pre-test submitted (optional)", "started")
    by_profession = {row["user__profession"]: row for row in rows}
    total = {key: sum(row[key] for row in by_profession.values()) for key, _ in FUNNEL_STEPS}
    groups = [_funnel_group("All learners", total, steps)]
    for value, label in [*Profession.choices, ("", NO_PROFESSION)]:
        if value in by_profession:
            groups.append(_funnel_group(label, by_profession[value], steps))
    return Funnel(groups, has_pretest)


# ------------------------------------------------------- level 2: satisfaction


@dataclass(frozen=True)
class Distribution:
    label: str
    counts: list[tuple[int | str, str, int]]  # (stored value, its label, learners), in scale order
    scored: bool = True  # a 1–5 scale with a mean
    short_label: str = ""  # for a chart on a phone

    @property
    def name(self) -> str:
        return self.short_label or self.label

    @property
    def n(self) -> int:
        return sum(count for _, _, count in self.counts)

    @property
    def mean(self) -> float | None:
        if not self.scored or not self.n:
            return None
        return sum(value * count for value, _, count in self.counts) / self.n

    @property
    def rows(self) -> list[tuple[str, int, float | None]]:
        return [(label, count, _percent(count, self.n)) for _, label, count in self.counts]


@dataclass(frozen=True)
class Remark:
    submitted_at: datetime
    text: str


@dataclass(frozen=True)
class Satisfaction:
    evaluations: int
    objectives: list[Distribution]
    relevance: Distribution
    quality: Distribution
    practice_change: Distribution
    bias_reported: int
    bias_remarks: list[Remark]
    changes_described: int
    change_remarks: list[Remark]
    commented: int
    comment_remarks: list[Remark]

    @property
    def scales(self) -> list[Distribution]:
        return [*self.objectives, self.relevance, self.quality]


def _distribution(label: str, choices, counts: dict, *, scored: bool = True, short: str = "") -> Distribution:
    return Distribution(label, [(value, text, counts.get(value, 0)) for value, text in choices], scored, short)


def _counts(rows, key: str) -> dict:
    return {row[key]: row["n"] for row in rows}


def satisfaction(*, activity: Activity, period: Period, text_limit: int | None = None) -> Satisfaction:
    """Evaluations submitted in the period: each scale's distribution and every bias report's comment.

    text_limit keeps the newest remarks of each kind (the page); None keeps them all (CSV).
    """
    evaluations = Evaluation.objects.filter(period.q("submitted_at"), activity=activity)
    totals = evaluations.aggregate(
        n=Count("pk"),
        bias=Count("pk", filter=Q(free_of_commercial_bias=False)),
        described=Count("pk", filter=~Q(change_description="")),
        commented=Count("pk", filter=~Q(comments="")),
    )
    by_scale = {
        key: _counts(evaluations.values(key).annotate(n=Count("pk")).order_by(), key)
        for key in ("relevance", "overall_quality", "practice_change")
    }
    ratings = defaultdict(dict)
    for row in (
        ObjectiveRating.objects.filter(evaluation__in=evaluations)
        .values("objective_id", "rating")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        ratings[row["objective_id"]][row["rating"]] = row["n"]
    objectives = [
        _distribution(
            f"Objective {number}: {objective.text}",
            Agreement.choices,
            ratings[objective.pk],
            short=f"Objective {number}",
        )
        for number, objective in enumerate(LearningObjective.objects.filter(activity=activity), 1)
    ]

    def remarks(condition: Q, text_field: str) -> list[Remark]:
        rows = evaluations.filter(condition).order_by("-submitted_at", "-pk").values_list("submitted_at", text_field)
        return [Remark(when, text) for when, text in (rows if text_limit is None else rows[:text_limit])]

    return Satisfaction(
        evaluations=totals["n"],
        objectives=objectives,
        relevance=_distribution(
            "The content is relevant to my practice", Agreement.choices, by_scale["relevance"], short="Relevance"
        ),
        quality=_distribution("Overall quality", Quality.choices, by_scale["overall_quality"]),
        practice_change=_distribution(
            "Intends to change practice", PracticeChange.choices, by_scale["practice_change"], scored=False
        ),
        bias_reported=totals["bias"],
        bias_remarks=remarks(Q(free_of_commercial_bias=False), "bias_comment"),
        changes_described=totals["described"],
        change_remarks=remarks(~Q(change_description=""), "change_description"),
        commented=totals["commented"],
        comment_remarks=remarks(~Q(comments=""), "comments"),
    )


# ---------------------------------------------------------- level 3: knowledge


@dataclass(frozen=True)
class KnowledgeRow:
    """Matched items for one scope: the whole test, one objective or one matched pair of questions."""

    scope: str  # "overall", "objective" or "question"
    label: str
    learners: int
    pairs: int  # learner × matched item
    correct_before: int
    correct_after: int
    right_then_wrong: int  # McNemar's b
    wrong_then_right: int  # McNemar's c
    effect: PairedEffect | None  # per-learner scores; None for a single question
    detail: str = ""  # the objective's text

    @property
    def full_label(self) -> str:
        return f"{self.label}: {self.detail}" if self.detail else self.label

    @property
    def percent_before(self) -> float | None:
        return _percent(self.correct_before, self.pairs)

    @property
    def percent_after(self) -> float | None:
        return _percent(self.correct_after, self.pairs)

    @property
    def sufficient(self) -> bool:
        return self.learners >= MIN_LEARNERS

    @property
    def p_value(self) -> float | None:
        return mcnemar_exact_p(self.right_then_wrong, self.wrong_then_right) if self.sufficient else None


@dataclass(frozen=True)
class LearnerChange:
    pseudonym: str
    pairs: int
    correct_before: int
    correct_after: int

    @property
    def change(self) -> int:
        return self.correct_after - self.correct_before


@dataclass(frozen=True)
class Knowledge:
    matched_items: int  # pre-test items with a matched post-test item
    rows: list[KnowledgeRow]  # overall, then each objective, then each matched question
    learners: list[LearnerChange] = field(default_factory=list)
    min_learners: int = MIN_LEARNERS
    method: str = PairedEffect.METHOD

    @property
    def overall(self) -> KnowledgeRow | None:
        return self.rows[0] if self.rows else None

    @property
    def objective_rows(self) -> list[KnowledgeRow]:
        return [row for row in self.rows if row.scope == "objective"]

    @property
    def question_rows(self) -> list[KnowledgeRow]:
        return [row for row in self.rows if row.scope == "question"]

    @property
    def change_histogram(self) -> list[tuple[int, int]]:
        """(change in matched items correct, learners), from the largest loss to the largest gain."""
        counts = defaultdict(int)
        for learner in self.learners:
            counts[learner.change] += 1
        return sorted(counts.items())


def matched_marks(*, pretest_id: int, posttest_id: int | None, period: Period, slots: list[dict]) -> tuple[str, list]:
    """SQL for one row per learner per matched pre-test question, with the mark before and after.

    Columns: learner, pair (the pre-test question), objective (of the pre-test version the
    learner saw), mark_before and mark_after (0/1). Marks come from each learner's first
    submitted pre-test attempt and first submitted post-test attempt, the latter in the
    period; a pair is kept only when both sides were answered.

    One pass over the two first attempts' items grouped by (learner, pair): each post-test
    item takes its pre-test partner's question as its pair through a CASE built from the
    few matched slots (QuizSlot.matched_question is unique within a quiz, so each post-test
    question has at most one partner). Joining every pre-test item to its learner's
    post-test items instead made the database probe each of them per pre-test item, ten
    times the work, and SQLite took half a minute at a million answers.
    """
    partner = {slot["matched_question_id"]: slot["question_id"] for slot in slots}
    before_side = Q(attempt__quiz_id=pretest_id)
    after_side = Q(attempt__quiz_id=posttest_id)
    pair = Case(
        When(before_side, then=F("version__question_id")),
        *(When(after_side & Q(version__question_id=post), then=Value(pre)) for post, pre in partner.items()),
        output_field=IntegerField(),
    )
    items = AttemptItem.objects.filter(
        Q(attempt__in=first_submitted_attempts(quiz_id=pretest_id), version__question_id__in=partner.values())
        | Q(
            attempt__in=first_submitted_attempts(quiz_id=posttest_id).filter(period.q("submitted_at")),
            version__question_id__in=partner.keys(),
        )
    )
    marks = (
        items.values(learner=F("attempt__user_id"), pair=pair)
        .annotate(
            answered_before=Max(_as_int(before_side)),
            answered_after=Max(_as_int(after_side)),
            mark_before=Max(_as_int(before_side & Q(is_correct=True))),
            mark_after=Max(_as_int(after_side & Q(is_correct=True))),
            objective=Max(Case(When(before_side, then=F("version__objective_id")))),
        )
        .filter(answered_before=1, answered_after=1)
        .order_by()
    )
    return marks.query.sql_with_params()


def _grouped(inner: tuple[str, list], columns: str, aggregates: str) -> list[tuple]:
    """GROUP BY over the per-learner marks: the ORM cannot group an already grouped query."""
    sql, params = inner
    with connection.cursor() as cursor:
        # Only the fixed column lists below and Django's own SQL go into the text; values are parameters.
        cursor.execute(f"SELECT {columns}, {aggregates} FROM ({sql}) marks GROUP BY {columns}", params)  # noqa: S608
        return cursor.fetchall()


def _pooled(cells) -> tuple[int, int, int, int, int]:
    """(pairs, right before, right after, b, c) over rows of (before, after, n)."""
    pairs = before = after = b = c = 0
    for was, now, n in cells:
        pairs += n
        before += n * was
        after += n * now
        b += n * (was and not now)
        c += n * (now and not was)
    return pairs, before, after, b, c


def _effect(scores: list[tuple[int, int, int]]) -> PairedEffect:
    """dz over learners from (matched items, right before, right after) per learner, as proportions."""
    differences = [(after - before) / pairs for pairs, before, after in scores]
    return paired_effect(
        n=len(differences),
        sum_difference=sum(differences),
        sum_squared_difference=sum(d * d for d in differences),
    )


def knowledge(*, activity: Activity, period: Period) -> Knowledge:
    """Matched pre/post items: percent right before and after, McNemar's exact test, Cohen's dz.

    Pooled rows (overall, per objective) count each learner once per matched
    item, so their McNemar p treats a learner's items as independent pairs;
    dz is computed on per-learner proportions and carries the overall claim.
    """
    quizzes = quiz_ids(activity)
    slots = list(
        QuizSlot.objects.filter(quiz_id=quizzes.get(QuizKind.PRE), matched_question__isnull=False)
        .order_by("position", "pk")
        .values("question_id", "matched_question_id", "question__title", "matched_question__title")
    )
    if not slots:
        return Knowledge(matched_items=0, rows=[])
    objectives = {
        objective.pk: (f"Objective {number}", objective.text)
        for number, objective in enumerate(LearningObjective.objects.filter(activity=activity), 1)
    }
    marks = matched_marks(
        pretest_id=quizzes[QuizKind.PRE], posttest_id=quizzes.get(QuizKind.POST), period=period, slots=slots
    )
    # Small tables: (question, objective, before, after) → learners; (learner, objective) → sums.
    cells = [
        {"version__question_id": pair, "version__objective_id": objective, "is_correct": before, "after": after,
         "n": n}
        for pair, objective, before, after, n in _grouped(
            marks, "pair, objective, mark_before, mark_after", "COUNT(*)")
    ]  # fmt: skip
    per_learner = [
        {"attempt__user_id": learner, "version__objective_id": objective, "pairs": pairs, "before": before,
         "after_sum": after}
        for learner, objective, pairs, before, after in _grouped(
            marks, "learner, objective", "COUNT(*), SUM(mark_before), SUM(mark_after)")
    ]  # fmt: skip

    learner_totals: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    by_objective: dict[int | None, list[tuple[int, int, int]]] = defaultdict(list)
    for row in per_learner:
        totals = learner_totals[row["attempt__user_id"]]
        for index, value in enumerate((row["pairs"], row["before"], row["after_sum"])):
            totals[index] += value
        by_objective[row["version__objective_id"]].append((row["pairs"], row["before"], row["after_sum"]))

    def row_for(scope: str, label: str, selected, learner_scores, detail: str = "") -> KnowledgeRow:
        n_pairs, before, after, b, c = _pooled((r["is_correct"], r["after"], r["n"]) for r in selected)
        learners = len(learner_scores) if learner_scores is not None else n_pairs
        effect = _effect(learner_scores) if learner_scores is not None else None
        return KnowledgeRow(scope, label, learners, n_pairs, before, after, b, c, effect, detail)

    rows = [row_for("overall", "All matched items", cells, [tuple(t) for t in learner_totals.values()])]
    order = list(objectives)
    for objective_id in sorted(by_objective, key=lambda pk: order.index(pk) if pk in objectives else len(order)):
        label, text = objectives.get(objective_id, ("No learning objective", ""))
        selected = [cell for cell in cells if cell["version__objective_id"] == objective_id]
        rows.append(row_for("objective", label, selected, by_objective[objective_id], text))
    for slot in slots:
        selected = [cell for cell in cells if cell["version__question_id"] == slot["question_id"]]
        label = f"{slot['question__title']} → {slot['matched_question__title']}"
        rows.append(row_for("question", label, selected, None))
    learners = [
        LearnerChange(learner_pseudonym(user_id), *totals) for user_id, totals in sorted(learner_totals.items())
    ]
    return Knowledge(matched_items=len(slots), rows=rows, learners=learners)


# ---------------------------------------------- level 3: post-test item analysis


@dataclass(frozen=True)
class OptionRow:
    position: int
    text: str
    is_correct: bool
    chosen: int
    percent: float | None


@dataclass(frozen=True)
class ItemRow:
    version_id: int
    question_title: str
    idnumber: str
    version_number: int
    slot_position: int | None
    objective: str
    stats: ItemStatistics
    options: list[OptionRow]

    @property
    def label(self) -> str:
        return f"{self.question_title} (v{self.version_number})"

    @property
    def flags(self) -> list[str]:
        flags = []
        facility, efficiency = self.stats.facility, self.stats.discriminative_efficiency
        if facility is not None and facility < FACILITY_TOO_HARD:
            flags.append(f"Hard: facility below {FACILITY_TOO_HARD}%")
        if facility is not None and facility > FACILITY_TOO_EASY:
            flags.append(f"Easy: facility above {FACILITY_TOO_EASY}%")
        if efficiency is not None and efficiency < DISCRIMINATIVE_EFFICIENCY_WEAK:
            flags.append(f"Weak: discriminative efficiency below {DISCRIMINATIVE_EFFICIENCY_WEAK}%")
        if self.stats.s:
            unused = [str(option.position) for option in self.options if not option.is_correct and not option.chosen]
            if unused:
                flags.append(f"Distractor{'s' if len(unused) > 1 else ''} chosen by no one: option {', '.join(unused)}")
        return flags


@dataclass(frozen=True)
class ItemAnalysis:
    items: list[ItemRow]
    test: QuizStatistics
    attempts: int  # learners' first attempts in the period
    forms: dict[int, int]  # questions shown → attempts, when attempts differ in length


def item_analysis(*, activity: Activity, period: Period) -> ItemAnalysis:
    """Moodle's item statistics per question version over each learner's first submitted post-test attempt.

    Test statistics (Cronbach's alpha and what follows from it) need one test
    form; if attempts showed different numbers of questions, they use the
    attempts of the most common length.
    """
    posttest_id = quiz_ids(activity).get(QuizKind.POST)
    attempts = first_submitted_attempts(quiz_id=posttest_id).filter(period.q("submitted_at"))
    items = AttemptItem.objects.filter(attempt__in=attempts)
    marks = list(
        items.values("version_id", "version__question_id", "is_correct", "attempt__score", "attempt__max_score")
        .annotate(n=Count("pk"))
        .order_by()
    )
    choices = {
        (row["version_id"], row["selected_choice_id"]): row["n"]
        for row in items.values("version_id", "selected_choice_id").annotate(n=Count("pk")).order_by()
    }
    totals = list(attempts.values("score", "max_score").annotate(n=Count("pk")).order_by())
    version_ids = {row["version_id"] for row in marks}
    versions = (
        QuestionVersion.objects.filter(pk__in=version_ids).select_related("question", "objective")
        .prefetch_related("choices")
    )  # fmt: skip
    positions = dict(QuizSlot.objects.filter(quiz_id=posttest_id).values_list("question_id", "position"))
    objective_numbers = {
        pk: number
        for number, pk in enumerate(LearningObjective.objects.filter(activity=activity).values_list("pk", flat=True), 1)
    }

    forms = defaultdict(int)
    for row in totals:
        forms[row["max_score"]] += row["n"]
    main_form = max(forms, key=lambda length: (forms[length], length), default=0)

    cells_by_version = defaultdict(list)
    for row in marks:
        cells_by_version[row["version_id"]].append((int(row["is_correct"]), row["attempt__score"], row["n"]))
    rows = []
    for version in versions:
        stats = item_statistics(cells_by_version[version.pk])
        options = [
            OptionRow(
                choice.position,
                choice.text,
                choice.is_correct,
                choices.get((version.pk, choice.pk), 0),
                _percent(choices.get((version.pk, choice.pk), 0), stats.s),
            )
            for choice in version.choices.all()
        ]
        objective = (
            f"Objective {objective_numbers[version.objective_id]}"
            if version.objective_id in objective_numbers
            else "No learning objective"
        )
        rows.append(
            ItemRow(
                version.pk,
                version.question.title,
                version.question.idnumber,
                version.number,
                positions.get(version.question_id),
                objective,
                stats,
                options,
            )
        )
    rows.sort(key=lambda row: (row.slot_position or 1_000_000, row.question_title, row.version_number))

    # Cronbach's alpha sums each question's mark variance (its versions pooled,
    # as one slot of the test) over the attempts of the main form.
    per_question: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for row in marks:
        if row["attempt__max_score"] == main_form:
            per_question[row["version__question_id"]][int(row["is_correct"])] += row["n"]
    variances = [sample_variance(counts.items()) for counts in per_question.values()]
    test = quiz_statistics(
        totals=[(row["score"], row["n"]) for row in totals if row["max_score"] == main_form],
        max_score=main_form,
        items=main_form,
        sum_of_item_variances=sum(v for v in variances if v is not None),
    )
    return ItemAnalysis(
        items=rows,
        test=test,
        attempts=sum(forms.values()),
        forms=dict(forms) if len(forms) > 1 else {},
    )


# ------------------------------------------------- commitments (levels 4–5)


@dataclass(frozen=True)
class Commitments:
    """Commitment to change and its follow-up, for evaluations submitted in the period."""

    response: FollowUpResponseRate
    implementation: ImplementationRates
    barriers: list[tuple[str, int]]  # (label, answered commitments naming it), in the survey's order

    @property
    def has_data(self) -> bool:
        return self.response.committed > 0


def commitments(*, activity: Activity, period: Period) -> Commitments:
    """Who committed, who answered the follow-up, what they implemented and what stood in the way."""
    scope = {"activities": [activity.pk], "start": period.start, "end": period.end}
    response = followup_response_rates(**scope).get(activity.pk) or FollowUpResponseRate(activity.pk, 0, 0, 0, 0, 0)
    implementation = commitment_implementation_rates(**scope).get(activity.pk) or ImplementationRates(
        activity.pk, 0, 0, 0, 0
    )
    counts = commitment_barrier_counts(**scope).get(activity.pk, {})
    labels = {**dict(Barrier.choices), OTHER_BARRIER: "Other (in the learner's words)"}
    barriers = [(labels[key], counts.get(key, 0)) for key in [*Barrier.values, OTHER_BARRIER]]
    return Commitments(response=response, implementation=implementation, barriers=barriers)


# ---------------------------------------------------------------- the report


@dataclass(frozen=True)
class OutcomesReport:
    activity: Activity
    period: Period
    generated_at: datetime
    funnel: Funnel
    satisfaction: Satisfaction
    knowledge: Knowledge
    items: ItemAnalysis
    commitments: Commitments


def outcomes_report(*, activity: Activity, period: Period, text_limit: int | None = None) -> OutcomesReport:
    """Every section, for the page and the PDF; the CSV and the command ask for one section each."""
    return OutcomesReport(
        activity=activity,
        period=period,
        generated_at=timezone.now(),
        funnel=funnel(activity=activity, period=period),
        satisfaction=satisfaction(activity=activity, period=period, text_limit=text_limit),
        knowledge=knowledge(activity=activity, period=period),
        items=item_analysis(activity=activity, period=period),
        commitments=commitments(activity=activity, period=period),
    )
