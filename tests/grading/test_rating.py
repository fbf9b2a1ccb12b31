"""The rule from grades and response times to ratings (quizapp.srs.Rating)."""

from __future__ import annotations

import pytest

from quizapp.grading import TimeLimits, grade_key_points, rating_for, rating_for_coverage
from quizapp.srs import Rating

LIMITS = TimeLimits(fast_ms=10_000, slow_ms=25_000)


def test_ratings_are_fsrs_ratings_with_one_word_each():
    import fsrs

    assert [rating.word for rating in Rating] == ["again", "hard", "good", "easy"]
    for rating in Rating:
        assert fsrs.Rating[rating.word.capitalize()].value == rating
        assert Rating.from_word(rating.word) is rating


@pytest.mark.parametrize("word", ["perfect", "GOOD", "", "good ", None, 3])
def test_unknown_rating_word(word):
    with pytest.raises(ValueError):
        Rating.from_word(word)


def test_wrong_is_again_whatever_the_time():
    assert rating_for(False, 1_000, LIMITS) is Rating.AGAIN
    assert rating_for(False, None, LIMITS) is Rating.AGAIN


def test_right_by_time():
    assert rating_for(True, LIMITS.fast_ms, LIMITS) is Rating.EASY
    assert rating_for(True, LIMITS.fast_ms + 1, LIMITS) is Rating.GOOD
    assert rating_for(True, LIMITS.slow_ms, LIMITS) is Rating.GOOD
    assert rating_for(True, LIMITS.slow_ms + 1, LIMITS) is Rating.HARD


def test_right_without_time_is_good():
    assert rating_for(True, None, LIMITS) is Rating.GOOD


def test_limits_scale_with_blanks():
    assert rating_for(True, LIMITS.fast_ms * 2, LIMITS, scale=2) is Rating.EASY
    assert rating_for(True, LIMITS.fast_ms * 2, LIMITS, scale=1) is Rating.GOOD
    assert rating_for(True, LIMITS.fast_ms, LIMITS, scale=0) is Rating.EASY  # at least 1


@pytest.mark.parametrize(
    ("coverage", "rating"),
    [
        (0.0, Rating.AGAIN),
        (0.49, Rating.AGAIN),
        (0.5, Rating.HARD),
        (0.74, Rating.HARD),
        (0.75, Rating.GOOD),
        (0.99, Rating.GOOD),
        (1.0, Rating.EASY),
    ],
)
def test_coverage_rule(coverage, rating):
    assert rating_for_coverage(coverage) is rating


def test_key_point_result_carries_the_coverage_rating():
    result = grade_key_points(["说话轻", "走路轻", "操作轻", "关门轻"], "说话轻，走路轻，操作轻")
    assert result.coverage == 0.75
    assert result.rating is Rating.GOOD
