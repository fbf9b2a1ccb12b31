"""From a grade to an FSRS rating (Again / Hard / Good / Easy).

Ratings are the strings ``"again"``, ``"hard"``, ``"good"``, ``"easy"``;
:data:`RATING_VALUES` maps them to the ints of ``fsrs.Rating`` (1-4), which is what the
scheduler stores. This module does not import fsrs (``srs/scheduler.py`` owns it).

The rule (docs/grading.md):

- Objective items (single, multi, judge, cloze): anything not fully correct is *again*.
  A fully correct answer is *easy* when answered within the type's fast limit, *good*
  within its slow limit, *hard* beyond it; *good* when no time was measured.
- 问答 (typed free text): from key-point coverage only (typing speed says little about
  recall): below 50 % *again*, from 50 % *hard*, from 75 % *good*, all key points *easy*.
"""

from __future__ import annotations

from dataclasses import dataclass

AGAIN = "again"
HARD = "hard"
GOOD = "good"
EASY = "easy"
RATINGS = (AGAIN, HARD, GOOD, EASY)
#: Rating string -> int, matching ``fsrs.Rating`` (Again=1, Hard=2, Good=3, Easy=4).
RATING_VALUES = {AGAIN: 1, HARD: 2, GOOD: 3, EASY: 4}


@dataclass(frozen=True)
class TimeLimits:
    """Response-time limits (milliseconds) of a fully correct answer.

    At most ``fast_ms`` is *easy*; at most ``slow_ms`` is *good*; slower is *hard*. For
    cloze items the limits are per blank.
    """

    fast_ms: int
    slow_ms: int


#: Limits per item type; the time includes reading the question on a phone.
TIME_LIMITS = {
    "judge": TimeLimits(fast_ms=6_000, slow_ms=15_000),
    "single": TimeLimits(fast_ms=10_000, slow_ms=25_000),
    "multi": TimeLimits(fast_ms=15_000, slow_ms=40_000),
    "cloze": TimeLimits(fast_ms=10_000, slow_ms=30_000),
}

#: Coverage floors of the 问答 rating, highest first.
COVERAGE_FLOORS = ((1.0, EASY), (0.75, GOOD), (0.5, HARD))


def rating_value(rating: str) -> int:
    """The ``fsrs.Rating`` int (1-4) of a rating string."""
    try:
        return RATING_VALUES[rating]
    except KeyError:
        raise ValueError(f"unknown rating {rating!r}; expected one of {RATINGS}") from None


def rating_for(
    item_type: str,
    correct: bool,
    response_ms: int | None = None,
    *,
    blanks: int = 1,
) -> str:
    """The rating of an objective answer (``item_type`` single, multi, judge or cloze).

    ``correct`` is whether the answer was fully correct (``result.correct``);
    ``response_ms`` the time from showing the question to submitting the answer, or
    ``None`` when unknown; ``blanks`` the number of blanks of a cloze item (its limits
    scale with it).
    """
    if item_type not in TIME_LIMITS:
        raise ValueError(f"no time rule for item type {item_type!r}; use rating_for_coverage")
    if not correct:
        return AGAIN
    if response_ms is None:
        return GOOD
    limits = TIME_LIMITS[item_type]
    scale = max(1, blanks) if item_type == "cloze" else 1
    if response_ms <= limits.fast_ms * scale:
        return EASY
    if response_ms <= limits.slow_ms * scale:
        return GOOD
    return HARD


def rating_for_coverage(coverage: float) -> str:
    """The rating of a typed 问答 answer from its key-point coverage (0..1)."""
    for floor, rating in COVERAGE_FLOORS:
        if coverage >= floor - 1e-9:
            return rating
    return AGAIN
