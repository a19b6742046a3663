"""The formulas the outcomes report uses, pure and small so a test can check each by hand.

Nothing here touches the database: the selectors pass in counts and sums that
SQL has already aggregated (a histogram of marks, the discordant pairs, one
row per learner), and these functions turn them into the figures.

Item and test statistics follow Moodle's quiz statistics report, which most
CME providers and their accreditors already read:
- question/classes/statistics/questions/calculator.php (facility, SD,
  discrimination index, discriminative efficiency, per item);
- mod/quiz/report/statistics/classes/calculator.php (test SD, coefficient of
  internal consistency, error ratio, standard error);
- mod/quiz/report/statistics/statistics_table.php (how they are shown: as
  percentages, and an item is "dubious" when its discriminative efficiency is
  below 15%).
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from statistics import NormalDist

# Above this many discordant pairs the exact binomial tail is summed in log
# space: the integers get long, and the answer is the same to 12 digits.
EXACT_INTEGER_LIMIT = 5_000
Z_975 = NormalDist().inv_cdf(0.975)  # 1.959963984540054


# ------------------------------------------------------------------ McNemar


def mcnemar_exact_p(b: int, c: int) -> float:
    """Two-sided exact McNemar test: a binomial test of b against c at p = 1/2.

    b and c are the discordant pairs (right before and wrong after, and the
    reverse); the concordant pairs carry no information about change. The
    two-sided p doubles the smaller tail, capped at 1, as in McNemar's exact
    (conditional) test: p = min(1, 2 · Σ_{i ≤ min(b,c)} C(n, i) / 2ⁿ), n = b + c.
    """
    if b < 0 or c < 0:
        raise ValueError("Counts of discordant pairs cannot be negative.")
    n = b + c
    if n == 0:
        return 1.0
    k = min(b, c)
    if n <= EXACT_INTEGER_LIMIT:
        tail = 0
        term = 1  # C(n, 0)
        for i in range(k + 1):
            tail += term
            term = term * (n - i) // (i + 1)
        return min(1.0, 2 * tail / 2**n)
    log_half = n * math.log(2)
    log_terms = [math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1) - log_half for i in range(k + 1)]
    largest = max(log_terms)
    log_tail = largest + math.log(math.fsum(math.exp(term - largest) for term in log_terms))
    return min(1.0, 2 * math.exp(log_tail))


# -------------------------------------------------------------- effect size


@dataclass(frozen=True)
class PairedEffect:
    """Cohen's d for paired scores (dz): the mean difference over the SD of the differences."""

    n: int
    mean_difference: float
    sd_difference: float | None
    dz: float | None
    ci_low: float | None
    ci_high: float | None

    METHOD = (
        "Cohen's dz = mean of the per-learner differences (after − before) ÷ their standard deviation "
        "(n − 1). 95% confidence interval: dz ± 1.96 · √(1/n + dz²/(2n)), the large-sample normal "
        "approximation to the standard error of a standardized mean difference."
    )


def paired_effect(*, n: int, sum_difference: float, sum_squared_difference: float) -> PairedEffect:
    """dz and its 95% CI from the count, sum and sum of squares of the per-learner differences."""
    if n == 0:
        return PairedEffect(0, 0.0, None, None, None, None)
    mean = sum_difference / n
    if n < 2:
        return PairedEffect(n, mean, None, None, None, None)
    variance = max(0.0, (sum_squared_difference - sum_difference * sum_difference / n) / (n - 1))
    sd = math.sqrt(variance)
    if sd == 0 or math.isclose(sd, 0.0, abs_tol=1e-12):
        # Every learner changed by the same amount: the ratio has no finite value.
        return PairedEffect(n, mean, 0.0, None, None, None)
    dz = mean / sd
    se = math.sqrt(1 / n + dz * dz / (2 * n))
    return PairedEffect(n, mean, sd, dz, dz - Z_975 * se, dz + Z_975 * se)


# ---------------------------------------------------- Moodle item statistics


@dataclass(frozen=True)
class ItemStatistics:
    """One item's figures as Moodle shows them: percentages, None where Moodle leaves the cell empty."""

    s: int  # attempts that showed the item
    facility: float | None  # mean mark as a percentage of the item's maximum
    sd: float | None  # standard deviation (n − 1) of the mark, as a percentage of the maximum
    discrimination_index: float | None  # 100 × correlation of the item mark with the rest of the test
    discriminative_efficiency: float | None  # 100 × covariance ÷ the largest covariance those marks allow


def _sum_of_sorted_products(xs: list[tuple[int, int]], ys: list[tuple[int, int]]) -> int:
    """Σ x₍ⱼ₎·y₍ⱼ₎ with both lists sorted ascending and paired by rank; each list is (value, count)."""
    xs, ys = sorted(xs), sorted(ys)
    total, i, j = 0, 0, 0
    x_left = xs[0][1] if xs else 0
    y_left = ys[0][1] if ys else 0
    while i < len(xs) and j < len(ys):
        step = min(x_left, y_left)
        total += step * xs[i][0] * ys[j][0]
        x_left -= step
        y_left -= step
        if x_left == 0:
            i += 1
            x_left = xs[i][1] if i < len(xs) else 0
        if y_left == 0:
            j += 1
            y_left = ys[j][1] if j < len(ys) else 0
    return total


def item_statistics(cells: Iterable[tuple[int, int, int]], *, max_mark: int = 1) -> ItemStatistics:
    """Moodle's per-item statistics from a histogram of (mark on this item, attempt total, attempts).

    x is the mark on the item, y the mark on the rest of the test (total − x),
    over the s attempts that showed it:
    facility = mean(x) / max; SD = √(Σ(x − x̄)² / (s − 1));
    discrimination index = 100 · cov(x, y) / √(var x · var y);
    discriminative efficiency = 100 · cov(x, y) / covmax, where covmax pairs
    the sorted x with the sorted y (the largest covariance those marks allow).
    Sums are kept as integers, so s·Σxy − Σx·Σy is exact.
    """
    x_counts: dict[int, int] = {}
    y_counts: dict[int, int] = {}
    s = sx = sxx = sy = syy = sxy = 0
    for mark, total, count in cells:
        rest = total - mark
        s += count
        sx += count * mark
        sxx += count * mark * mark
        sy += count * rest
        syy += count * rest * rest
        sxy += count * mark * rest
        x_counts[mark] = x_counts.get(mark, 0) + count
        y_counts[rest] = y_counts.get(rest, 0) + count
    if s == 0:
        return ItemStatistics(0, None, None, None, None)
    facility = 100 * sx / (s * max_mark)
    if s < 2:
        return ItemStatistics(s, facility, None, None, None)
    # Each "S" is s·(s − 1) times the sample (co)variance.
    s_xx = s * sxx - sx * sx
    s_yy = s * syy - sy * sy
    s_xy = s * sxy - sx * sy
    s_max = s * _sum_of_sorted_products(list(x_counts.items()), list(y_counts.items())) - sx * sy
    sd = 100 * math.sqrt(s_xx / (s * (s - 1))) / max_mark
    discrimination = 100 * s_xy / math.sqrt(s_xx * s_yy) if s_xx * s_yy else None
    efficiency = 100 * s_xy / s_max if s_max else None
    return ItemStatistics(s, facility, sd, discrimination, efficiency)


def sample_variance(cells: Iterable[tuple[int, int]]) -> float | None:
    """Variance (n − 1) from (value, count) pairs; None below two values."""
    n = sx = sxx = 0
    for value, count in cells:
        n += count
        sx += count * value
        sxx += count * value * value
    if n < 2:
        return None
    return (n * sxx - sx * sx) / (n * (n - 1))


# ---------------------------------------------------- Moodle test statistics


@dataclass(frozen=True)
class QuizStatistics:
    """The whole test, over one attempt per learner; percentages of the maximum score, as Moodle shows."""

    s: int
    items: int
    max_score: int
    mean: float | None
    median: float | None
    sd: float | None
    cic: float | None  # coefficient of internal consistency (Cronbach's alpha) × 100
    error_ratio: float | None
    standard_error: float | None


def quiz_statistics(*, totals: Iterable[tuple[int, int]], max_score: int, items: int,
                    sum_of_item_variances: float) -> QuizStatistics:  # fmt: skip
    """Moodle's test statistics from a histogram of (total score, attempts).

    SD = √(Σ(t − t̄)² / (s − 1)); CIC = 100 · p/(p − 1) · (1 − Σ var(item) / var(total))
    for p items, computed (as Moodle does) only for s > 2 and p > 1;
    error ratio = 100 · √(1 − CIC/100); standard error = error ratio · SD / 100.
    Mean, median, SD and standard error are returned as percentages of max_score.
    """
    cells = sorted((total, count) for total, count in totals if count)
    s = sum(count for _, count in cells)
    if s == 0 or max_score == 0:
        return QuizStatistics(s, items, max_score, None, None, None, None, None, None)
    scale = 100 / max_score
    mean = sum(total * count for total, count in cells) / s
    median = _median(cells, s)
    sd = cic = error_ratio = standard_error = None
    variance = sample_variance(cells)
    if variance is not None:
        sd = math.sqrt(variance)
        if s > 2 and variance and items > 1:
            cic = 100 * items / (items - 1) * (1 - sum_of_item_variances / variance)
            error_ratio = 100 * math.sqrt(max(0.0, 1 - cic / 100))  # alpha ≤ 1 but for rounding
            standard_error = error_ratio * sd / 100
    return QuizStatistics(
        s=s,
        items=items,
        max_score=max_score,
        mean=mean * scale,
        median=median * scale,
        sd=None if sd is None else sd * scale,
        cic=cic,
        error_ratio=error_ratio,
        standard_error=None if standard_error is None else standard_error * scale,
    )


def _median(cells: list[tuple[int, int]], s: int) -> float:
    """The median of a sorted histogram: the middle value, or the mean of the two middle ones."""
    wanted = [s // 2] if s % 2 else [s // 2 - 1, s // 2]  # 0-based ranks
    values, seen = [], 0
    for value, count in cells:
        values.extend(value for rank in wanted if seen <= rank < seen + count)
        seen += count
    return sum(values) / len(values)
