"""From a grade to a rating (Again / Hard / Good / Easy: :class:`quizapp.srs.Rating`).

The rule (docs/grading.md):

- Objective items (single, multi, judge, cloze): anything not fully correct is *again*.
  A fully correct answer is *easy* when answered within the type's fast limit, *good*
  within its slow limit, *hard* beyond it; *good* when no time was measured. Each question
  type carries its limits (quizapp/questions).
- 问答 (typed free text): from key-point coverage only (typing speed says little about
  recall): below 50 % *again*, from 50 % *hard*, from 75 % *good*, all key points *easy*.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..srs.model import Rating


@dataclass(frozen=True)
class TimeLimits:
    """Response-time limits (milliseconds) of a fully correct answer.

    At most ``fast_ms`` is *easy*; at most ``slow_ms`` is *good*; slower is *hard*. The
    time includes reading the question on a phone.
    """

    fast_ms: int
    slow_ms: int


#: Coverage floors of the 问答 rating, highest first.
COVERAGE_FLOORS = ((1.0, Rating.EASY), (0.75, Rating.GOOD), (0.5, Rating.HARD))


def rating_for(
    correct: bool, response_ms: int | None, limits: TimeLimits, *, scale: int = 1
) -> Rating:
    """The rating of an objective answer.

    ``correct`` is whether the answer was fully correct (``result.correct``);
    ``response_ms`` the time from showing the question to submitting the answer, or
    ``None`` when unknown; ``limits`` the question type's; ``scale`` multiplies them (a
    cloze item's limits are per blank).
    """
    if not correct:
        return Rating.AGAIN
    if response_ms is None:
        return Rating.GOOD
    scale = max(1, scale)
    if response_ms <= limits.fast_ms * scale:
        return Rating.EASY
    if response_ms <= limits.slow_ms * scale:
        return Rating.GOOD
    return Rating.HARD


def rating_for_coverage(coverage: float) -> Rating:
    """The rating of a typed 问答 answer from its key-point coverage (0..1)."""
    for floor, rating in COVERAGE_FLOORS:
        if coverage >= floor - 1e-9:
            return rating
    return Rating.AGAIN
