"""The rule from grades and response times to FSRS ratings."""

from __future__ import annotations

import pytest

from quizapp.grading import (
    RATING_VALUES,
    RATINGS,
    grade_key_points,
    rating_for,
    rating_for_coverage,
    rating_value,
)
from quizapp.grading.rating import TIME_LIMITS


def test_rating_values_match_fsrs():
    import fsrs

    assert RATINGS == ("again", "hard", "good", "easy")
    for name, value in RATING_VALUES.items():
        assert fsrs.Rating[name.capitalize()].value == value
        assert rating_value(name) == value


def test_unknown_rating():
    with pytest.raises(ValueError):
        rating_value("perfect")


@pytest.mark.parametrize("item_type", ["single", "multi", "judge", "cloze"])
def test_wrong_is_again_whatever_the_time(item_type):
    assert rating_for(item_type, False, 1_000) == "again"
    assert rating_for(item_type, False) == "again"


@pytest.mark.parametrize("item_type", ["single", "multi", "judge", "cloze"])
def test_right_by_time(item_type):
    limits = TIME_LIMITS[item_type]
    assert rating_for(item_type, True, limits.fast_ms) == "easy"
    assert rating_for(item_type, True, limits.fast_ms + 1) == "good"
    assert rating_for(item_type, True, limits.slow_ms) == "good"
    assert rating_for(item_type, True, limits.slow_ms + 1) == "hard"


def test_right_without_time_is_good():
    assert rating_for("judge", True) == "good"


def test_limits_grow_with_type_difficulty():
    order = ["judge", "single", "multi"]
    fast = [TIME_LIMITS[t].fast_ms for t in order]
    slow = [TIME_LIMITS[t].slow_ms for t in order]
    assert fast == sorted(fast) and slow == sorted(slow)


def test_cloze_limits_scale_with_blanks():
    limits = TIME_LIMITS["cloze"]
    assert rating_for("cloze", True, limits.fast_ms * 2, blanks=2) == "easy"
    assert rating_for("cloze", True, limits.fast_ms * 2, blanks=1) == "good"


def test_qa_needs_coverage_rule():
    with pytest.raises(ValueError):
        rating_for("qa", True, 1000)


@pytest.mark.parametrize(
    ("coverage", "rating"),
    [
        (0.0, "again"),
        (0.49, "again"),
        (0.5, "hard"),
        (0.74, "hard"),
        (0.75, "good"),
        (0.99, "good"),
        (1.0, "easy"),
    ],
)
def test_coverage_rule(coverage, rating):
    assert rating_for_coverage(coverage) == rating


def test_key_point_result_carries_the_coverage_rating():
    result = grade_key_points(["说话轻", "走路轻", "操作轻", "关门轻"], "说话轻，走路轻，操作轻")
    assert result.coverage == 0.75
    assert result.rating == "good"
