"""Item analysis, pure: how hard each question is, whether it separates strong from weak
employees, and which items hires keep forgetting. Plain numbers in, frozen values out
(no Flask, no database); quizapp.exams.analysis reads the rows and calls these.

Definitions
-----------
facility
    The share of graded exam answers that were right (``ExamAnswer.correct``; for 问答 the
    grader's — or the reviewing trainer's — decision that the answer reached the pass
    threshold). None without answers.

discrimination (point-biserial correlation)
    Over the submitted attempts (``submitted`` or ``auto_submitted``) that include the
    item: x is the item's correctness (1 right, 0 wrong) and y the attempt's total score
    (``ExamAttempt.score``, a share 0–1). Then

        r_pb = (M1 − M0) / s_n · sqrt(p · q)

    with M1 and M0 the mean totals of the attempts that got the item right and wrong,
    s_n the population standard deviation of all the totals (divided by n, not n − 1),
    p the share right and q = 1 − p. This equals Pearson's r between x and y. The totals
    include the item itself (no "corrected" item-rest correlation: papers are short and
    drawn per attempt, so there is no common rest score). None when n < 2 or when either
    x or y has no variance (everyone right, everyone wrong, or all totals equal).
    Positive: strong employees get it right more often than weak ones, as a good item
    should; negative: strong employees miss it more — a likely ambiguous or wrong key.

key-point coverage
    For 问答 answers graded on key points: the share of the item's key points the
    answer hit (``key_points_hit``, one bool per key point); the mean over answers.

leeches
    A hire "keeps forgetting" an item when their memory state of it has lapsed at least
    LEECH_LAPSES times. An item is a leech (to be rewritten) when at least
    LEECH_MIN_HIRES hires keep forgetting it, or at least LEECH_MIN_SHARE of the hires who
    studied it do (and at least one does).

Flags (only with at least MIN_ANSWERS graded exam answers)
    HARD: facility below HARD_FACILITY — nearly everyone misses it.
    NEGATIVE: discrimination below NEGATIVE_DISCRIMINATION — strong employees miss it
    more than weak ones.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

# Flags need this many graded exam answers of the item: fewer say nothing.
MIN_ANSWERS = 5
# "Nearly everyone misses it": facility below this.
HARD_FACILITY = 0.2
# "Strong employees miss it more than weak ones": discrimination below this.
NEGATIVE_DISCRIMINATION = 0.0

# Leeches: a hire keeps forgetting an item after this many lapses …
LEECH_LAPSES = 3
# … and an item is a leech when this many hires keep forgetting it …
LEECH_MIN_HIRES = 3
# … or this share of the hires who studied it do.
LEECH_MIN_SHARE = 0.2

HARD = "hard"
NEGATIVE = "negative"
FLAGS = (HARD, NEGATIVE)


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def facility(correct: Sequence[int | bool]) -> float | None:
    """The share right of 0/1 (or bool) answers; None without answers."""
    if len(correct) == 0:
        return None
    return float(np.mean(np.asarray(correct, dtype=float)))


def point_biserial(correct: Sequence[int | bool], totals: Sequence[float]) -> float | None:
    """The point-biserial correlation of 0/1 correctness with the totals (see the module
    docstring): (M1 − M0) / s_n · sqrt(p q). None when n < 2, the lengths differ, or
    either side has no variance."""
    x = np.asarray(correct, dtype=float)
    y = np.asarray(totals, dtype=float)
    n = len(x)
    if n < 2 or len(y) != n or not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        return None
    right = x > 0.5
    p = float(right.mean())
    s_n = float(y.std())  # population standard deviation (ddof=0)
    if p in (0.0, 1.0) or s_n <= 1e-12:
        return None
    m1 = float(y[right].mean())
    m0 = float(y[~right].mean())
    r = (m1 - m0) / s_n * math.sqrt(p * (1.0 - p))
    return _finite(max(-1.0, min(1.0, r)))


def coverage(hits: Sequence[object] | None) -> float | None:
    """The share of key points an answer hit (one truthy value per key point); None when
    the answer was not graded on key points."""
    if not hits or not isinstance(hits, list | tuple):
        return None
    return sum(1 for hit in hits if hit is True or hit == 1) / len(hits)


def flags_for(
    answers: int, facility: float | None, discrimination: float | None
) -> tuple[str, ...]:
    """The flags of an item with ``answers`` graded exam answers (see the module docstring)."""
    if answers < MIN_ANSWERS:
        return ()
    found = []
    if facility is not None and facility < HARD_FACILITY:
        found.append(HARD)
    if discrimination is not None and discrimination < NEGATIVE_DISCRIMINATION:
        found.append(NEGATIVE)
    return tuple(found)


def is_leech(forgetting: int, studied: int) -> bool:
    """Whether an item ``forgetting`` of the ``studied`` hires keep forgetting is a leech."""
    if forgetting <= 0:
        return False
    return forgetting >= LEECH_MIN_HIRES or (
        studied > 0 and forgetting / studied >= LEECH_MIN_SHARE
    )


def _mean(total: float, count: int) -> float | None:
    return total / count if count else None


@dataclass(frozen=True)
class ItemSummary:
    """One item's figures (or one item's within one job role).

    Counts are kept beside the means so groups pool exactly (`pool`).
    """

    item_id: int
    answers: int = 0  # graded exam answers in submitted attempts
    right: int = 0
    discrimination: float | None = None
    coverage_sum: float = 0.0  # key-point coverage, summed over …
    coverage_count: int = 0  # … this many answers (exam and study) graded on key points
    learners: int = 0  # memory states (hires who studied it)
    lapses: int = 0  # summed over the learners
    forgetting: int = 0  # learners with at least LEECH_LAPSES lapses
    difficulty_sum: float = 0.0
    difficulty_count: int = 0
    reviews: int = 0  # study answers (reviews that still count)
    reviews_right: int = 0
    overruled: int = 0  # of those, answers whose grading the hire overruled

    @property
    def facility(self) -> float | None:
        return _mean(self.right, self.answers)

    @property
    def coverage(self) -> float | None:
        return _mean(self.coverage_sum, self.coverage_count)

    @property
    def difficulty(self) -> float | None:
        return _mean(self.difficulty_sum, self.difficulty_count)

    @property
    def study_facility(self) -> float | None:
        return _mean(self.reviews_right, self.reviews)

    @property
    def overrule_share(self) -> float | None:
        return _mean(self.overruled, self.reviews)

    @property
    def flags(self) -> tuple[str, ...]:
        return flags_for(self.answers, self.facility, self.discrimination)

    @property
    def has_data(self) -> bool:
        return bool(self.answers or self.learners or self.reviews or self.coverage_count)


def memory_counts(lapses: Sequence[int], difficulties: Iterable[float | None] = ()) -> dict:
    """The memory-state counts of ItemSummary from one lapse count per hire who studied
    the item and their FSRS difficulties (None skipped)."""
    hard = [float(value) for value in difficulties if value is not None]
    return {
        "learners": len(lapses),
        "lapses": int(sum(lapses)),
        "forgetting": sum(1 for lapse in lapses if lapse >= LEECH_LAPSES),
        "difficulty_sum": float(sum(hard)),
        "difficulty_count": len(hard),
    }


def summarise(
    item_id: int,
    *,
    correct: Sequence[int | bool] = (),
    totals: Sequence[float | None] = (),
    coverages: Iterable[float | None] = (),
    **counts: float,
) -> ItemSummary:
    """One item's summary from its exam answers and counts.

    Args:
        correct: one 0/1 per graded exam answer of a submitted attempt.
        totals: the attempt's score beside each (None: left out of the discrimination).
        coverages: key-point coverage of each answer graded on key points (None skipped).
        counts: the other counts of ItemSummary (learners, lapses, forgetting,
            difficulty_sum, difficulty_count, reviews, reviews_right, overruled), e.g.
            from `memory_counts`.
    """
    if len(totals) != len(correct):
        raise ValueError("one total per answer")
    pairs = [(c, t) for c, t in zip(correct, totals, strict=True) if t is not None]
    covered = [value for value in coverages if value is not None]
    return ItemSummary(
        item_id=item_id,
        answers=len(correct),
        right=sum(1 for c in correct if c),
        discrimination=point_biserial([c for c, _ in pairs], [t for _, t in pairs]),
        coverage_sum=float(sum(covered)),
        coverage_count=len(covered),
        **counts,
    )


@dataclass(frozen=True)
class GroupSummary:
    """Pooled figures of several items (a section), or of one job role's answers.

    Facility, coverage, difficulty and study share pool the answers; discrimination is
    the mean of the items' own discriminations (None when none has one)."""

    key: int | None
    label: str | None
    items: int
    flagged: int
    totals: ItemSummary
    discrimination: float | None

    @property
    def facility(self) -> float | None:
        return self.totals.facility

    @property
    def coverage(self) -> float | None:
        return self.totals.coverage

    @property
    def difficulty(self) -> float | None:
        return self.totals.difficulty

    @property
    def study_facility(self) -> float | None:
        return self.totals.study_facility


def pool(key: int | None, label: str | None, summaries: Sequence[ItemSummary]) -> GroupSummary:
    """The group of these item summaries, counts added up."""
    fields = (
        "answers",
        "right",
        "coverage_sum",
        "coverage_count",
        "learners",
        "lapses",
        "forgetting",
        "difficulty_sum",
        "difficulty_count",
        "reviews",
        "reviews_right",
        "overruled",
    )
    added = {name: sum(getattr(s, name) for s in summaries) for name in fields}
    discriminations = [s.discrimination for s in summaries if s.discrimination is not None]
    return GroupSummary(
        key=key,
        label=label,
        items=sum(1 for s in summaries if s.has_data),
        flagged=sum(1 for s in summaries if s.flags),
        totals=ItemSummary(item_id=0, **added),
        discrimination=(float(np.mean(discriminations)) if discriminations else None),
    )
