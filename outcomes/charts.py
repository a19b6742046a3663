"""The report's charts, laid out here and drawn as SVG by one template (templates/outcomes/chart.html).

Server-side only: no JavaScript, nothing fetched. Each chart has a title and a
description for screen readers, and the section's table beside it holds the
same numbers. Horizontal bars are sized in percent of the chart's width, so a
chart fits a phone and a PDF page alike while its text stays at reading size;
colours are set as SVG attributes, so the page and the PDF draw them the same.
"""

from dataclasses import dataclass, field

from outcomes.selectors import FunnelGroup, ItemRow, Knowledge, Satisfaction

INK = "#1d2630"
BRAND = "#0b4f6c"
PALE = "#9fc3d6"
FLAG = "#9a5b00"
RULE = "#6b7785"
# ColorBrewer RdBu, 5 classes: readable for the common colour-vision deficiencies.
LIKERT = ("#b2182b", "#ef8a62", "#d9d9d9", "#67a9cf", "#2166ac")
LIKERT_TEXT = ("#ffffff", INK, INK, INK, "#ffffff")
BAR_AREA = 70.0  # percent of the width for a bar at 100%; the rest holds its value label
LABEL_LIMIT = 42  # characters of a label drawn in the chart; the table has the whole text


@dataclass(frozen=True)
class Bar:
    x: float  # percent
    y: int
    width: float  # percent
    height: int
    fill: str
    hatched: bool = False

    @property
    def x_text(self) -> str:
        return f"{self.x:.2f}%"

    @property
    def width_text(self) -> str:
        return f"{max(self.width, 0.3):.2f}%"


@dataclass(frozen=True)
class Label:
    x: float  # percent
    y: int
    text: str
    dx: int = 0
    anchor: str = "start"
    fill: str = INK
    bold: bool = False

    @property
    def x_text(self) -> str:
        return f"{self.x:.2f}%"


@dataclass(frozen=True)
class Rule:
    x: float  # percent
    top: int
    bottom: int
    text: str

    @property
    def x_text(self) -> str:
        return f"{self.x:.2f}%"


@dataclass(frozen=True)
class LegendKey:
    text: str
    fill: str
    hatched: bool = False


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    height: int
    bars: list[Bar] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    legend: list[LegendKey] = field(default_factory=list)

    @property
    def hatch_id(self) -> str:
        return f"{self.id}-hatch"

    @property
    def has_hatching(self) -> bool:
        return any(bar.hatched for bar in self.bars) or any(key.hatched for key in self.legend)


def _short(text: str) -> str:
    return text if len(text) <= LABEL_LIMIT else text[: LABEL_LIMIT - 1].rstrip() + "…"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}%"


ROW = 50
LABEL_Y = 16
BAR_Y = 22
BAR_H = 20


def _bar_rows(chart_id: str, title: str, description: str, rows, *, top: int = 0, rules=(),
              values_at_right: bool = False) -> Chart:  # fmt: skip
    """One labelled horizontal bar per row; rows are (label, share 0–1, value text, fill).

    Values follow their bar, or line up in a column just past the longest bar where reference
    lines would cross them.
    """
    bars, labels = [], []
    for index, (label, share, value_text, fill) in enumerate(rows):
        y = top + index * ROW
        width = BAR_AREA * share
        labels.append(Label(0, y + LABEL_Y, _short(label)))
        bars.append(Bar(0, y + BAR_Y, width, BAR_H, fill))
        if values_at_right:
            labels.append(Label(BAR_AREA + 2, y + BAR_Y + 15, value_text))
        else:
            labels.append(Label(max(width, 0.3), y + BAR_Y + 15, value_text, dx=6))
    height = top + len(rows) * ROW + 4
    # A reference line crosses each bar, not the labels above it; its value heads the chart.
    drawn_rules = [Rule(BAR_AREA * x / 100, top - 2, top - 2, text) for x, text in rules]
    drawn_rules += [
        Rule(BAR_AREA * x / 100, top + index * ROW + BAR_Y - 3, top + index * ROW + BAR_Y + BAR_H + 3, "")
        for x, _ in rules
        for index in range(len(rows))
    ]
    return Chart(chart_id, title, description, height, bars, labels, drawn_rules)


def funnel_chart(group: FunnelGroup) -> Chart:
    started = group.started or 1
    rows = [
        (step.label, step.count / started, f"{step.count} · {_pct(step.percent_of_started)}", BRAND)
        for step in group.steps
    ]
    description = "Learners at each step, of those who started in the period: " + "; ".join(
        f"{step.label}: {step.count}" for step in group.steps
    )
    return _bar_rows("chart-funnel", "Participation: learners reaching each step", description + ".", rows)


def _stacked(chart_id: str, title: str, description: str, distributions, legend_labels) -> Chart:
    bars, labels = [], []
    for index, distribution in enumerate(distributions):
        y = index * ROW
        mean = distribution.mean
        suffix = f" · mean {mean:.2f}, n = {distribution.n}" if mean is not None else " · no answers"
        labels.append(Label(0, y + LABEL_Y, _short(distribution.name) + suffix))
        x = 0.0
        for colour, text_colour, (_, _count, percent) in zip(LIKERT, LIKERT_TEXT, distribution.rows, strict=True):
            width = (percent or 0) * 0.999
            if width:
                bars.append(Bar(x, y + BAR_Y, width, BAR_H, colour))
                if width >= 7:
                    labels.append(Label(x + width / 2, y + BAR_Y + 15, f"{percent:.0f}%", anchor="middle",
                                        fill=text_colour))  # fmt: skip
            x += width
    legend = [LegendKey(text, colour) for text, colour in zip(legend_labels, LIKERT, strict=True)]
    return Chart(chart_id, title, description, len(distributions) * ROW + 4, bars, labels, [], legend)


def agreement_chart(satisfaction: Satisfaction) -> Chart:
    scales = [*satisfaction.objectives, satisfaction.relevance]
    description = "Share of evaluations giving each rating, from strongly disagree to strongly agree: " + "; ".join(
        f"{scale.label}: " + ", ".join(f"{label} {_pct(percent)}" for label, _, percent in scale.rows)
        for scale in scales
    )
    labels = [label for _, label, _ in satisfaction.relevance.counts]
    return _stacked("chart-agreement", "Objectives met and relevance", description + ".", scales, labels)


def quality_chart(satisfaction: Satisfaction) -> Chart:
    scale = satisfaction.quality
    shares = ", ".join(f"{label} {_pct(percent)}" for label, _, percent in scale.rows)
    description = f"Overall quality ratings: {shares}"
    labels = [label for _, label, _ in scale.counts]
    return _stacked("chart-quality", "Overall quality", description + ".", [scale], labels)


def practice_change_chart(satisfaction: Satisfaction) -> Chart:
    scale = satisfaction.practice_change
    rows = [(label, (percent or 0) / 100, f"{count} ({_pct(percent)})", BRAND) for label, count, percent in scale.rows]
    description = "Intent to change practice: " + "; ".join(f"{label}: {count}" for label, count, _ in scale.rows)
    return _bar_rows("chart-practice-change", "Intent to change practice", description + ".", rows)


PAIRED_ROW = 70


def knowledge_chart(knowledge: Knowledge) -> Chart:
    rows = [row for row in knowledge.rows if row.scope != "question"]
    bars, labels = [], []
    for index, row in enumerate(rows):
        y = index * PAIRED_ROW
        labels.append(Label(0, y + LABEL_Y, _short(row.label), bold=row.scope == "overall"))
        for offset, percent, name, hatched in ((22, row.percent_before, "Before", True),
                                               (44, row.percent_after, "After", False)):  # fmt: skip
            width = BAR_AREA * (percent or 0) / 100
            bars.append(Bar(0, y + offset, width, 18, PALE if hatched else BRAND, hatched))
            labels.append(Label(max(width, 0.3), y + offset + 14, f"{name} {_pct(percent)}", dx=6))
    description = "Percent of matched items answered correctly before (pre-test) and after (post-test): " + "; ".join(
        f"{row.full_label}: {_pct(row.percent_before)} before, {_pct(row.percent_after)} after" for row in rows
    )
    legend = [LegendKey("Before: pre-test", PALE, True), LegendKey("After: post-test", BRAND)]
    return Chart("chart-knowledge", "Knowledge: matched items correct before and after", description + ".",
                 len(rows) * PAIRED_ROW + 4, bars, labels, [], legend)  # fmt: skip


def change_chart(knowledge: Knowledge) -> Chart:
    histogram = knowledge.change_histogram
    most = max((count for _, count in histogram), default=0) or 1

    def name(change: int) -> str:
        items = "item" if abs(change) == 1 else "items"
        return "No change" if change == 0 else f"{change:+d} {items}".replace("-", "−")

    rows = [(name(change), count / most, f"{count} learner{'s' if count != 1 else ''}", BRAND)
            for change, count in histogram]  # fmt: skip
    description = "Learners by change in matched items correct, post-test minus pre-test: " + "; ".join(
        f"{name(change)}: {count}" for change, count in histogram
    )
    return _bar_rows("chart-change", "Change per learner", description + ".", rows)


def facility_chart(items: list[ItemRow]) -> Chart:
    rows = [
        (f"{item.slot_position or '–'}. {item.label}", (item.stats.facility or 0) / 100,
         _pct(item.stats.facility) + (" ⚑" if item.flags else ""), FLAG if item.flags else BRAND)
        for item in items
    ]  # fmt: skip
    description = (
        "Facility index (percent correct on the first post-test attempt) of each question version, with lines at "
        "30% and 95%; flagged items are marked: "
        + "; ".join(f"{item.label}: {_pct(item.stats.facility)}{' (flagged)' if item.flags else ''}" for item in items)
    )
    return _bar_rows("chart-facility", "Post-test facility index by item", description + ".", rows, top=16,
                     rules=((30, "30%"), (95, "95%")), values_at_right=True)  # fmt: skip
