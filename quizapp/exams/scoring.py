"""Scoring an attempt (pure): item scores, the attempt's score and whether it passed, the
time taken.

An objective item (单选、多选、判断、填空) scores 1 when the question type graded it right
and 0 otherwise (a 多选 is right only with exactly the right options, as in study). A
问答 answer scores its key-point coverage (the share of key points found) until a
trainer's review sets its final score. An unanswered item scores 0. The attempt's score
is the mean item score; it passes at score ≥ pass mark, and has no verdict (None) while
any 问答 answer awaits review.

No Flask, no database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

GRACE_SECONDS = 10  # a save or submit this late after the deadline still counts
GRACE = timedelta(seconds=GRACE_SECONDS)
IN_PROGRESS = "in_progress"
EPSILON = 1e-9  # 0.8 stored as a float must still pass a pass mark of 0.8


@dataclass(frozen=True)
class ItemResult:
    """One item of an attempt as scoring sees it: its score (None: unanswered) and whether
    a reviewer still has to score it."""

    score: float | None
    pending: bool = False


@dataclass(frozen=True)
class Outcome:
    score: float  # share of points, 0–1 (provisional while pending)
    passed: bool | None  # None while any review is pending
    pending: bool


def objective_score(correct: bool) -> float:
    return 1.0 if correct else 0.0


def coverage_score(hits: Sequence[bool] | None, coverage: float | None = None) -> float:
    """A 问答 answer's provisional score: the grader's coverage, else the share of hits."""
    if coverage is not None:
        return clamp(float(coverage))
    if not hits:
        return 0.0
    return sum(1 for hit in hits if hit) / len(hits)


def clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


def outcome(items: Sequence[ItemResult], pass_mark: float) -> Outcome:
    """The attempt's score (mean of item scores, unanswered 0) and verdict."""
    total = len(items)
    score = sum(clamp(i.score) for i in items if i.score is not None) / total if total else 0.0
    pending = any(i.pending for i in items)
    passed = None if pending else score + EPSILON >= pass_mark
    return Outcome(score=score, passed=passed, pending=pending)


def seconds_taken(
    started_at: datetime, submitted_at: datetime | None, deadline_at: datetime | None
) -> int | None:
    """Whole seconds from start to submission, never past the deadline (an auto-submit
    after the deadline took exactly the time allowed). None before submission."""
    if submitted_at is None:
        return None
    end = min(submitted_at, deadline_at) if deadline_at is not None else submitted_at
    return max(0, int((end - started_at).total_seconds()))


def format_duration(seconds: int | None) -> str:
    """h:mm:ss or m:ss."""
    if seconds is None:
        return "—"
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def answered(answer: dict | None) -> bool:
    """Whether a saved answer says anything: an option picked, a verdict, a blank or a
    text filled in (an answer cleared again counts as unanswered)."""
    if not answer:
        return False
    for value in answer.values():
        if isinstance(value, str) and value.strip():
            return True
        if isinstance(value, bool):
            return True
        if isinstance(value, list | tuple) and any(
            (str(v).strip() if isinstance(v, str) else v is not None) for v in value
        ):
            return True
    return False


# -- an exam's window and an attempt's clock (on model objects, read only) ----------------

# models.Exam and models.ExamAttempt, read by attribute (this module imports no models).
Exam = Any
ExamAttempt = Any


def window_state(exam: Exam, now: datetime) -> str:
    """The window: "not_yet", "open" or "closed"."""
    if exam.opens_at is not None and now < exam.opens_at:
        return "not_yet"
    if exam.closes_at is not None and now >= exam.closes_at:
        return "closed"
    return "open"


@dataclass
class ExamListing:
    """One exam as the person sees it in their list."""

    exam: Exam
    state: str
    attempts: list[ExamAttempt]  # theirs, oldest first

    @property
    def attempts_used(self) -> int:
        return len(self.attempts)

    @property
    def attempts_allowed(self) -> int:
        return self.exam.attempts_allowed

    @property
    def attempts_left(self) -> int:
        return max(0, self.exam.attempts_allowed - len(self.attempts))

    @property
    def in_progress(self) -> ExamAttempt | None:
        return next((a for a in self.attempts if a.status == IN_PROGRESS), None)

    @property
    def finished(self) -> list[ExamAttempt]:
        return [a for a in self.attempts if a.status != IN_PROGRESS]

    @property
    def last(self) -> ExamAttempt | None:
        return self.finished[-1] if self.finished else None

    @property
    def best(self) -> ExamAttempt | None:
        scored = [a for a in self.finished if a.score is not None]
        return max(scored, key=lambda a: (a.score, -a.number)) if scored else None

    @property
    def passed(self) -> bool:
        return any(a.passed for a in self.finished)

    @property
    def can_start(self) -> bool:
        return self.state == "open" and (self.in_progress is not None or self.attempts_left > 0)


def expired(attempt: ExamAttempt, now: datetime) -> bool:
    """Past its deadline and the grace period."""
    return attempt.deadline_at is not None and now > attempt.deadline_at + GRACE


def remaining_seconds(attempt: ExamAttempt, now: datetime) -> int | None:
    if attempt.deadline_at is None:
        return None
    return max(0, int((attempt.deadline_at - now).total_seconds()))


def can_reveal(exam: Exam, attempt: ExamAttempt, now: datetime) -> bool:
    """Whether the right answers of a finished attempt may be shown: at once, or after
    the exam closes ("after_close"; never for an exam without a closing time)."""
    if attempt.status == IN_PROGRESS:
        return False
    if exam.reveal == "at_once":
        return True
    return exam.closes_at is not None and now >= exam.closes_at
