"""The formulas, against answers worked out by hand (the arithmetic is in the comments)."""

import math
from fractions import Fraction

import pytest

from outcomes.statistics import (
    EXACT_INTEGER_LIMIT,
    item_statistics,
    mcnemar_exact_p,
    paired_effect,
    quiz_statistics,
    sample_variance,
)


class TestMcNemarExact:
    @pytest.mark.parametrize(
        ("b", "c", "expected"),
        [
            # n = b + c discordant pairs; p = min(1, 2 · Σ_{i ≤ min(b,c)} C(n, i) / 2ⁿ).
            (0, 5, Fraction(2 * 1, 2**5)),  # 2 · 1/32 = 0.0625
            (1, 6, Fraction(2 * (1 + 7), 2**7)),  # 2 · (1 + 7)/128 = 0.125
            (1, 5, Fraction(2 * (1 + 6), 2**6)),  # 2 · 7/64 = 0.21875
            (1, 4, Fraction(2 * (1 + 5), 2**5)),  # 2 · 6/32 = 0.375
            (2, 9, Fraction(2 * (1 + 11 + 55), 2**11)),  # 2 · 67/2048 = 0.0654296875
            (1, 8, Fraction(2 * (1 + 9), 2**9)),  # 2 · 10/512 = 0.0390625
            (8, 1, Fraction(2 * (1 + 9), 2**9)),  # symmetric in b and c
            (3, 3, Fraction(1)),  # 2 · 42/64 > 1, capped at 1
            (0, 0, Fraction(1)),  # no discordant pair: no evidence of change
        ],
    )
    def test_known_tables(self, b, c, expected):
        assert mcnemar_exact_p(b, c) == pytest.approx(float(expected), rel=1e-12)

    def test_it_matches_a_published_value(self):
        # b = 10, c = 2: the exact two-sided p is 0.0386 (2 · (1 + 12 + 66)/4096 = 158/4096).
        assert mcnemar_exact_p(10, 2) == pytest.approx(0.03857421875, rel=1e-12)

    def test_the_log_space_sum_for_many_pairs_agrees_with_exact_integers(self):
        b, c = 2_950, 3_100  # n above EXACT_INTEGER_LIMIT, so the log-space branch runs
        assert b + c > EXACT_INTEGER_LIMIT
        n, k = b + c, min(b, c)
        exact = Fraction(2 * sum(math.comb(n, i) for i in range(k + 1)), 2**n)
        assert mcnemar_exact_p(b, c) == pytest.approx(float(exact), rel=1e-9)

    def test_negative_counts_are_refused(self):
        with pytest.raises(ValueError):
            mcnemar_exact_p(-1, 3)


class TestCohensDz:
    def test_the_worked_example(self):
        # Ten per-learner differences (after − before, as proportions of 2 matched items):
        # 1, 1, .5, 0, .5, 0, .5, .5, −.5, 0.
        differences = [1, 1, 0.5, 0, 0.5, 0, 0.5, 0.5, -0.5, 0]
        effect = paired_effect(
            n=10, sum_difference=sum(differences), sum_squared_difference=sum(d * d for d in differences)
        )
        # Σd = 3.5, mean = 0.35; Σd² = 1 + 1 + 4 · 0.25 + 0.25 = 3.25
        # var = (3.25 − 3.5²/10)/9 = (3.25 − 1.225)/9 = 2.025/9 = 0.225; SD = √0.225 = 0.474342
        assert effect.mean_difference == pytest.approx(0.35)
        assert effect.sd_difference == pytest.approx(math.sqrt(0.225))
        # dz = 0.35 / 0.474342 = 0.737865
        assert effect.dz == pytest.approx(0.737865, rel=1e-6)
        # SE = √(1/10 + 0.737865²/20) = √(0.1 + 0.027222) = √0.127222 = 0.356682
        # CI = 0.737865 ± 1.959964 · 0.356682 = 0.737865 ± 0.699084 = 0.038781 to 1.436949
        assert effect.ci_low == pytest.approx(0.038781, abs=2e-6)
        assert effect.ci_high == pytest.approx(1.436949, abs=2e-6)

    def test_a_decline_has_a_negative_dz(self):
        # Differences −1, −1, 0, −1: mean −0.75, var (3 − 9/4)/3 = 0.25, SD 0.5, dz −1.5.
        effect = paired_effect(n=4, sum_difference=-3, sum_squared_difference=3)
        assert effect.dz == pytest.approx(-1.5)
        assert effect.ci_high < 0

    def test_identical_changes_have_no_finite_dz(self):
        effect = paired_effect(n=5, sum_difference=5 * 0.4, sum_squared_difference=5 * 0.16)
        assert (effect.mean_difference, effect.dz, effect.ci_low) == (pytest.approx(0.4), None, None)

    def test_one_learner_has_no_spread(self):
        assert paired_effect(n=1, sum_difference=1, sum_squared_difference=1).dz is None
        assert paired_effect(n=0, sum_difference=0, sum_squared_difference=0).dz is None


# The hand-worked post-test: six learners × four one-mark items (1 = right).
#           I1 I2 I3 I4   total
#   A        0  1  1  1     3
#   B        1  1  0  1     3
#   C        0  1  0  1     2
#   D        1  0  0  1     2
#   E        0  0  0  1     1
#   F        0  0  0  1     1
MATRIX = [[0, 1, 1, 1], [1, 1, 0, 1], [0, 1, 0, 1], [1, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 1]]


def cells(item: int):
    """The histogram the selector passes in: (mark on the item, attempt total, attempts)."""
    return [(row[item], sum(row), 1) for row in MATRIX]


class TestMoodleItemStatistics:
    def test_item_1(self):
        # x = 0,1,0,1,0,0; y = total − x = 3,2,2,1,1,1; s = 6
        # Σx = 2, Σx² = 2, Σy = 10, Σy² = 20, Σxy = 3
        # s·Σx² − (Σx)² = 12 − 4 = 8;  s·Σy² − (Σy)² = 120 − 100 = 20;  s·Σxy − ΣxΣy = 18 − 20 = −2
        stats = item_statistics(cells(0))
        assert stats.s == 6
        assert stats.facility == pytest.approx(100 * 2 / 6)  # 33.33%
        assert stats.sd == pytest.approx(100 * math.sqrt(8 / 30))  # √(8/(6·5)) = 0.5164 → 51.64%
        assert stats.discrimination_index == pytest.approx(100 * -2 / math.sqrt(8 * 20))  # −15.81
        # sorted x 0,0,0,0,1,1 against sorted y 1,1,1,2,2,3: Σx₍ⱼ₎y₍ⱼ₎ = 2 + 3 = 5; 6·5 − 2·10 = 10
        assert stats.discriminative_efficiency == pytest.approx(100 * -2 / 10)  # −20%

    def test_item_2(self):
        # x = 1,1,1,0,0,0; y = 2,2,1,2,1,1; Σx = 3, Σy = 9, Σy² = 15, Σxy = 5
        # 18 − 9 = 9; 90 − 81 = 9; 30 − 27 = 3; sorted y 1,1,1,2,2,2 → top three 6; 36 − 27 = 9
        stats = item_statistics(cells(1))
        assert stats.facility == pytest.approx(50.0)
        assert stats.sd == pytest.approx(100 * math.sqrt(9 / 30))  # 54.77%
        assert stats.discrimination_index == pytest.approx(100 * 3 / 9)  # 33.33
        assert stats.discriminative_efficiency == pytest.approx(100 * 3 / 9)  # 33.33%

    def test_item_3(self):
        # x = 1,0,0,0,0,0; y = 2,3,2,2,1,1; Σx = 1, Σy = 11, Σy² = 23, Σxy = 2
        # 6 − 1 = 5; 138 − 121 = 17; 12 − 11 = 1; sorted y …,3 → top one 3; 18 − 11 = 7
        stats = item_statistics(cells(2))
        assert stats.facility == pytest.approx(100 / 6)  # 16.67%
        assert stats.discrimination_index == pytest.approx(100 / math.sqrt(85))  # 10.85
        assert stats.discriminative_efficiency == pytest.approx(100 / 7)  # 14.29%

    def test_item_4_everyone_right_leaves_the_correlations_empty(self):
        # No variance in x: Moodle leaves the discrimination index and efficiency empty.
        stats = item_statistics(cells(3))
        assert (stats.facility, stats.sd, stats.discrimination_index, stats.discriminative_efficiency) == (
            100.0, 0.0, None, None,
        )  # fmt: skip

    def test_one_attempt_has_a_facility_and_nothing_else(self):
        assert item_statistics([(1, 3, 1)]).facility == 100.0
        assert item_statistics([(1, 3, 1)]).sd is None
        assert item_statistics([]).facility is None


class TestMoodleTestStatistics:
    def test_the_worked_matrix(self):
        # Totals 3,3,2,2,1,1: mean 2 (50% of 4); Σ(t − 2)² = 4; var = 4/5 = 0.8; SD = 0.8944 → 22.36%.
        # Item variances (n − 1): 8/30, 9/30, 5/30, 0 → Σ = 22/30 = 0.7333.
        # CIC = 100 · 4/3 · (1 − 0.7333/0.8) = 100 · 4/3 · 0.08333 = 11.11%
        # error ratio = 100 · √(1 − 0.1111) = 94.28%; SE = 0.9428 · 0.8944 = 0.8433 marks → 21.08% of 4.
        item_variances = [sample_variance([(1, sum(r[i] for r in MATRIX)), (0, 6 - sum(r[i] for r in MATRIX))])
                          for i in range(4)]  # fmt: skip
        assert item_variances == pytest.approx([8 / 30, 9 / 30, 5 / 30, 0])
        stats = quiz_statistics(totals=[(3, 2), (2, 2), (1, 2)], max_score=4, items=4,
                                sum_of_item_variances=sum(item_variances))  # fmt: skip
        assert stats.s == 6
        assert stats.mean == pytest.approx(50.0)
        assert stats.median == pytest.approx(50.0)
        assert stats.sd == pytest.approx(100 * math.sqrt(0.8) / 4)  # 22.36%
        assert stats.cic == pytest.approx(100 / 9)  # 4/3 · 1/12 = 1/9
        assert stats.error_ratio == pytest.approx(100 * math.sqrt(8 / 9))  # 94.28%
        assert stats.standard_error == pytest.approx(math.sqrt(8 / 9) * math.sqrt(0.8) / 4 * 100)  # 21.08%

    def test_a_median_of_an_odd_count_is_the_middle_total(self):
        assert quiz_statistics(totals=[(1, 1), (4, 1), (2, 1)], max_score=4, items=4,
                               sum_of_item_variances=1).median == 50.0  # fmt: skip

    def test_two_attempts_give_no_coefficient(self):
        # Moodle computes the CIC only for more than two attempts.
        stats = quiz_statistics(totals=[(1, 1), (3, 1)], max_score=4, items=4, sum_of_item_variances=0.5)
        assert stats.sd is not None
        assert (stats.cic, stats.error_ratio, stats.standard_error) == (None, None, None)
