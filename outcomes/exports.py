"""The report's sections as CSV tables, and every answered question as one CSV row.

The admin page's downloads and the management commands both write through
here, from the same selectors as the page. Percentages are 0–100 with two
decimals, as Moodle shows them; empty cells are figures that are not defined
(too few attempts, no variance) or withheld below the report's minimum n.
"""

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from activities.models import Activity
from outcomes import selectors
from outcomes.selectors import Period, learner_pseudonym
from quizzes.models import AttemptItem, AttemptState

# A spreadsheet runs a cell that starts with one of these as a formula; free
# text (comments, titles) gets a leading apostrophe so it stays text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]]


def text(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def number(value: float | None, places: int = 2) -> str:
    return "" if value is None else f"{value:.{places}f}"


def p_value(value: float | None) -> str:
    return "" if value is None else f"{value:.4g}"


def write_tables(tables: Iterable[Table], stream) -> None:
    """The tables one after another, each with its header, a blank line between them."""
    writer = csv.writer(stream, lineterminator="\n")
    for index, table in enumerate(tables):
        if index:
            writer.writerow([])
        writer.writerow(table.header)
        writer.writerows(table.rows)


# ------------------------------------------------------------------ sections


def funnel_tables(funnel: selectors.Funnel) -> list[Table]:
    rows = [
        [text(group.label), step.label, str(step.count), number(step.percent_of_started),
         number(step.percent_of_previous)]
        for group in funnel.groups
        for step in group.steps
    ]  # fmt: skip
    return [Table(["profession", "step", "learners", "percent_of_started", "percent_of_previous"], rows)]


def evaluation_tables(satisfaction: selectors.Satisfaction) -> list[Table]:
    scales = [*satisfaction.scales, satisfaction.practice_change]
    distribution = [
        [text(scale.label), response, str(count), number(percent), number(scale.mean)]
        for scale in scales
        for response, count, percent in scale.rows
    ]
    remarks = [
        [kind, remark.submitted_at.isoformat(), text(remark.text)]
        for kind, items in (
            ("commercial_bias", satisfaction.bias_remarks),
            ("practice_change", satisfaction.change_remarks),
            ("comment", satisfaction.comment_remarks),
        )
        for remark in items
    ]
    return [
        Table(["measure", "response", "learners", "percent", "mean_1_to_5"], distribution),
        Table(["evaluations", "bias_reported", "changes_described", "commented"],
              [[str(satisfaction.evaluations), str(satisfaction.bias_reported),
                str(satisfaction.changes_described), str(satisfaction.commented)]]),
        Table(["kind", "submitted_at", "text"], remarks),
    ]  # fmt: skip


def knowledge_tables(knowledge: selectors.Knowledge) -> list[Table]:
    rows = []
    for row in knowledge.rows:
        effect = row.effect if row.sufficient else None
        note = "" if row.sufficient else f"insufficient data: fewer than {knowledge.min_learners} learners"
        rows.append([
            row.scope, text(row.full_label), str(row.learners), str(row.pairs), number(row.percent_before),
            number(row.percent_after), str(row.right_then_wrong), str(row.wrong_then_right), p_value(row.p_value),
            number(effect and effect.dz, 3), number(effect and effect.ci_low, 3), number(effect and effect.ci_high, 3),
            note,
        ])  # fmt: skip
    learners = [
        [learner.pseudonym, str(learner.pairs), str(learner.correct_before), str(learner.correct_after)]
        for learner in knowledge.learners
    ]
    return [
        Table(["scope", "label", "learners", "pairs", "percent_before", "percent_after", "right_then_wrong",
               "wrong_then_right", "mcnemar_p", "cohens_dz", "dz_ci_low", "dz_ci_high", "note"], rows),
        Table(["learner", "matched_items", "correct_before", "correct_after"], learners),
    ]  # fmt: skip


def item_tables(analysis: selectors.ItemAnalysis) -> list[Table]:
    items = [
        [str(item.slot_position or ""), text(item.question_title), item.idnumber, str(item.version_number),
         item.objective, str(item.stats.s), number(item.stats.facility), number(item.stats.sd),
         number(item.stats.discrimination_index), number(item.stats.discriminative_efficiency),
         text("; ".join(item.flags))]
        for item in analysis.items
    ]  # fmt: skip
    test = analysis.test
    figures = [
        ("first_attempts", str(analysis.attempts)),
        ("attempts_in_test_statistics", str(test.s)),
        ("questions_per_attempt", str(test.items)),
        ("mean_percent", number(test.mean)),
        ("median_percent", number(test.median)),
        ("sd_percent", number(test.sd)),
        ("coefficient_of_internal_consistency", number(test.cic)),
        ("error_ratio", number(test.error_ratio)),
        ("standard_error_percent", number(test.standard_error)),
    ]
    options = [
        [text(item.question_title), item.idnumber, str(item.version_number), str(option.position),
         "1" if option.is_correct else "0", str(option.chosen), number(option.percent), text(option.text)]
        for item in analysis.items
        for option in item.options
    ]  # fmt: skip
    return [
        Table(["position", "question", "idnumber", "version", "objective", "n", "facility", "sd",
               "discrimination_index", "discriminative_efficiency", "flags"], items),
        Table(["statistic", "value"], [list(figure) for figure in figures]),
        Table(["question", "idnumber", "version", "option", "correct", "chosen", "percent", "text"], options),
    ]  # fmt: skip


def followup_tables(commitments: selectors.Commitments) -> list[Table]:
    response, implementation = commitments.response, commitments.implementation
    figures = [
        ("learners_who_committed", str(response.committed), ""),
        ("declined_follow_up_at_evaluation", str(response.declined_at_evaluation), ""),
        ("follow_ups_sent", str(response.sent), ""),
        ("follow_ups_answered", str(response.responded), number(_hundred(response.rate))),
        ("declined_after_sending", str(response.declined_after_sending), ""),
        ("commitments_answered", str(implementation.answered), ""),
        ("fully_implemented", str(implementation.fully), number(_hundred(implementation.fully_rate))),
        ("partially_implemented", str(implementation.partially), number(_hundred(implementation.partially_rate))),
        ("not_implemented", str(implementation.not_implemented), number(_hundred(implementation.not_implemented_rate))),
    ]
    return [
        Table(["measure", "count", "percent"], [list(figure) for figure in figures]),
        Table(["barrier", "answered_commitments_naming_it"], [[text(label), str(count)]
                                                              for label, count in commitments.barriers]),
    ]  # fmt: skip


def _hundred(rate: float | None) -> float | None:
    return None if rate is None else 100 * rate


def section_tables(*, activity: Activity, period: Period, section: str) -> list[Table]:
    """One section of the report as CSV tables, computed by the same selectors as the page."""
    if section == "funnel":
        return funnel_tables(selectors.funnel(activity=activity, period=period))
    if section == "evaluation":
        return evaluation_tables(selectors.satisfaction(activity=activity, period=period))
    if section == "knowledge":
        return knowledge_tables(selectors.knowledge(activity=activity, period=period))
    if section == "items":
        return item_tables(selectors.item_analysis(activity=activity, period=period))
    if section == "followup":
        return followup_tables(selectors.commitments(activity=activity, period=period))
    raise ValueError(f"Unknown section {section!r}; choose one of {', '.join(selectors.SECTIONS)}.")


# ------------------------------------------------------------ every response

RESPONSE_HEADER = [
    "learner", "attempt", "quiz_kind", "attempt_number", "question", "version", "choice_position", "correct",
]  # fmt: skip


def response_rows(*, activity: Activity) -> Iterator[list[str]]:
    """One row per answered question of every submitted attempt, learners under their pseudonym.

    question is the question's ID number (stable across sites and exports),
    version its version number, choice_position the chosen option's position
    in that version (1-based, as authored, whatever order the learner saw).
    Open attempts are left out: their answers can still change.
    """
    columns = (
        "attempt__user_id", "attempt_id", "attempt__quiz__kind", "attempt__number",
        "version__question__idnumber", "version__number", "selected_choice__position", "is_correct",
    )  # fmt: skip
    items = (
        AttemptItem.objects.filter(
            attempt__quiz__activity=activity, attempt__state=AttemptState.GRADED, selected_choice__isnull=False
        )
        .order_by("attempt__user_id", "-attempt__quiz__kind", "attempt__number", "position")  # pre before post
        .values_list(*columns)
    )
    pseudonyms: dict[int, str] = {}
    for user_id, attempt_id, kind, number_, idnumber, version, position, correct in items.iterator(chunk_size=5000):
        if user_id not in pseudonyms:
            pseudonyms = {user_id: learner_pseudonym(user_id)}  # rows come grouped by learner
        yield [pseudonyms[user_id], str(attempt_id), kind, str(number_), idnumber, str(version), str(position),
               "1" if correct else "0"]  # fmt: skip
