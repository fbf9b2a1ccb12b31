"""Item statistics (quizapp.exams.stats): facility, point-biserial discrimination, flags
and leeches, on constructed data sets with known answers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from quizapp.exams import stats

# Hand-computed: right [4, 2] (M1 = 3), wrong [3, 1] (M0 = 2); mean 2.5, population
# variance (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25; p = q = 0.5:
# r = (3 − 2) / sqrt(1.25) · sqrt(0.25) = 1 / sqrt(5).
SMALL_CORRECT = [1, 1, 0, 0]
SMALL_TOTALS = [4.0, 2.0, 3.0, 1.0]

CORRECT = [1, 1, 1, 0, 0, 1, 0, 1]
TOTALS = [0.9, 0.8, 0.7, 0.4, 0.5, 0.6, 0.3, 0.85]


def test_facility_is_the_share_right():
    assert stats.facility([1, 0, 1, 1]) == pytest.approx(0.75, abs=1e-6)
    assert stats.facility([True, False]) == pytest.approx(0.5, abs=1e-6)
    assert stats.facility(CORRECT) == pytest.approx(5 / 8, abs=1e-6)
    assert stats.facility([]) is None


def test_point_biserial_by_hand():
    assert stats.point_biserial(SMALL_CORRECT, SMALL_TOTALS) == pytest.approx(
        1 / math.sqrt(5), abs=1e-6
    )
    # Right: 0.9 0.8 0.7 0.6 0.85 (M1 = 0.77); wrong: 0.4 0.5 0.3 (M0 = 0.4); mean 5.05 / 8;
    # population variance 3.5225 / 8 − (5.05 / 8)²; p = 5/8.
    variance = 3.5225 / 8 - (5.05 / 8) ** 2
    expected = (0.77 - 0.4) / math.sqrt(variance) * math.sqrt(5 / 8 * 3 / 8)
    assert stats.point_biserial(CORRECT, TOTALS) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize(
    ("correct", "totals"),
    [
        (SMALL_CORRECT, SMALL_TOTALS),
        (CORRECT, TOTALS),
        ([0, 0, 0, 1, 1, 1], [0.9, 0.8, 0.7, 0.3, 0.2, 0.1]),  # negative
        ([1, 0, 1, 0, 1, 1, 0, 0, 1, 0], [9, 3, 7, 5, 6, 8, 2, 4, 5, 6]),
    ],
)
def test_point_biserial_is_pearson_r_with_the_totals(correct, totals):
    expected = np.corrcoef(np.asarray(correct, float), np.asarray(totals, float))[0, 1]
    assert stats.point_biserial(correct, totals) == pytest.approx(expected, abs=1e-6)


def test_point_biserial_random_data_matches_numpy():
    rng = np.random.default_rng(7)
    for _ in range(20):
        totals = rng.random(30)
        correct = (rng.random(30) < totals).astype(int)
        if correct.min() == correct.max():
            continue
        expected = np.corrcoef(correct, totals)[0, 1]
        assert stats.point_biserial(correct, totals) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize(
    ("correct", "totals"),
    [
        ([], []),
        ([1], [0.5]),  # n < 2
        ([1, 1, 1], [0.2, 0.5, 0.9]),  # everyone right
        ([0, 0], [0.2, 0.9]),  # everyone wrong
        ([1, 0, 1], [0.5, 0.5, 0.5]),  # all totals equal
        ([1, 0], [0.5]),  # lengths differ
        ([1, 0], [float("nan"), 0.5]),
    ],
)
def test_point_biserial_is_none_without_variance_or_data(correct, totals):
    assert stats.point_biserial(correct, totals) is None


def test_coverage_is_the_share_of_key_points_hit():
    assert stats.coverage([True, False, True, False]) == pytest.approx(0.5)
    assert stats.coverage([True]) == 1.0
    assert stats.coverage(None) is None
    assert stats.coverage([]) is None
    assert stats.coverage("not a list") is None


def test_flags_need_enough_answers():
    few = stats.MIN_ANSWERS - 1
    assert stats.flags_for(few, 0.0, -0.5) == ()
    assert stats.flags_for(stats.MIN_ANSWERS, 0.1, 0.3) == (stats.HARD,)
    assert stats.flags_for(stats.MIN_ANSWERS, 0.5, -0.1) == (stats.NEGATIVE,)
    assert stats.flags_for(10, 0.1, -0.1) == (stats.HARD, stats.NEGATIVE)
    assert stats.flags_for(10, stats.HARD_FACILITY, 0.0) == ()  # thresholds are strict
    assert stats.flags_for(10, None, None) == ()


def test_leech_rule():
    assert stats.is_leech(stats.LEECH_MIN_HIRES, 100)  # enough hires, whatever the share
    assert not stats.is_leech(stats.LEECH_MIN_HIRES - 1, 100)
    assert stats.is_leech(1, 5)  # 20 % of those who studied it
    assert not stats.is_leech(1, 6)
    assert not stats.is_leech(0, 0)


def test_summary_and_pooling():
    first = stats.summarise(
        1,
        correct=[0, 0, 0, 1, 1, 1],
        totals=[0.9, 0.8, 0.7, 0.3, 0.2, None],  # the last is left out of r only
        coverages=[0.5, None, 1.0],
        **stats.memory_counts([0, 3, 4], [5.0, None, 7.0]),
        reviews=4,
        reviews_right=1,
        overruled=1,
    )
    assert first.answers == 6 and first.facility == pytest.approx(0.5)
    assert first.discrimination == pytest.approx(
        stats.point_biserial([0, 0, 0, 1, 1], [0.9, 0.8, 0.7, 0.3, 0.2]), abs=1e-9
    )
    assert first.discrimination < 0 and first.flags == (stats.NEGATIVE,)
    assert first.coverage == pytest.approx(0.75)
    assert (first.learners, first.lapses, first.forgetting) == (3, 7, 2)
    assert first.difficulty == pytest.approx(6.0)
    assert first.study_facility == pytest.approx(0.25)
    assert first.overrule_share == pytest.approx(0.25)

    second = stats.summarise(2, correct=[0] * 5, totals=[0.5] * 5)
    assert second.facility == 0 and second.discrimination is None
    assert second.flags == (stats.HARD,)
    empty = stats.summarise(3)
    assert not empty.has_data and empty.facility is None and empty.coverage is None

    group = stats.pool(9, "基础", [first, second, empty])
    assert (group.items, group.flagged) == (2, 2)
    assert group.totals.answers == 11
    assert group.facility == pytest.approx(3 / 11)
    assert group.discrimination == pytest.approx(first.discrimination)
    assert group.coverage == pytest.approx(0.75)
    assert group.difficulty == pytest.approx(6.0)
    assert stats.pool(None, None, []).discrimination is None

    with pytest.raises(ValueError, match="one total per answer"):
        stats.summarise(4, correct=[1, 0], totals=[0.5])
