"""How ready a hire is: predicted recall over arrays of memory states (pure, NumPy).

Time is counted in study days (``date.toordinal()`` of the study day, see
``quizapp.srs.days``), exactly as the scheduler counts it, so the recall computed here
agrees with ``srs.predict_recall`` (tested to 1e-9). Nothing here knows Flask or the
database; ``now`` is always injected as the reference study day.

Definitions (docs/readiness.md):

* **Evaluation day.** Readiness is evaluated no earlier than the start of the study day
  after the reference day: an item failed today counts as not known, since fsrs predicts
  full recall for the rest of the study day of any answer.
* **Expected known** is the sum of predicted recalls of the required items (never a
  count of items above a threshold, which overstates readiness). An item whose last
  answer was wrong counts 0 until it is answered right: fsrs still predicts about 0.77
  for the next day after a first wrong answer, and HR must not read that as known. **Readiness** is
  expected known / required; **coverage** is seen / required.
* **Projected at go-live** is readiness on go-live day if the hire studied no more: what
  the company can count on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from .. import srs

# Every red-line item must be recalled with at least this probability to be ready.
RED_LINE_TARGET = 0.95
# A red-line item below RED_LINE_TARGET this close to go-live (study days) is a risk.
RED_LINE_WINDOW_DAYS = 3
# No answer for this many study days, with items left to learn, is a risk.
INACTIVE_DAYS = 3
# A hire who has not started is at risk once go-live is nearer than the days needed to
# meet every item at the role's daily cap plus this reserve (srs.INTRO_RESERVE_DAYS).
NOT_STARTED_RESERVE_DAYS = 3

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
AT_RISK = "at_risk"
READY = "ready"
CERTIFIED = "certified"
# In the order the pages list them: the ones to act on first.
STATUSES = (AT_RISK, NOT_STARTED, IN_PROGRESS, READY, CERTIFIED)

UNSEEN = -1  # last_day of an item never reviewed


@dataclass(frozen=True)
class ItemMemory:
    """One person's memory of their required items, as parallel arrays (one entry per
    required item, in teaching order).

    Attributes:
        stability: fsrs stability in days (NaN for an item never reviewed).
        last_day: study-day ordinal of the last review (UNSEEN for none).
        red_line: the item is a red-line item of the role.
        difficulty: fsrs difficulty (NaN for an item never reviewed).
        state: the scheduler's state (srs.LEARNING for an item never reviewed).
        due_day: study-day ordinal the item is due on.
        failed: the last answer was wrong (Again): not known until answered right, though
            fsrs still predicts some recall (about 0.77 the next day for a new item).
    """

    stability: np.ndarray
    last_day: np.ndarray
    red_line: np.ndarray
    difficulty: np.ndarray
    state: np.ndarray
    due_day: np.ndarray
    failed: np.ndarray | None = None

    @classmethod
    def build(
        cls,
        stability: Sequence[float | None],
        last_day: Sequence[int | None],
        red_line: Sequence[bool] | None = None,
        *,
        difficulty: Sequence[float | None] | None = None,
        state: Sequence[int] | None = None,
        due_day: Sequence[int | None] | None = None,
        failed: Sequence[bool] | None = None,
    ) -> ItemMemory:
        """From plain sequences (None for an item never reviewed). Without ``due_day`` an
        item is due on the day after its last review; without ``state`` a reviewed item
        is in REVIEW."""
        size = len(stability)
        stabilities = np.array([np.nan if s is None else s for s in stability], dtype=float)
        last = np.array([UNSEEN if d is None else d for d in last_day], dtype=np.int64)
        seen = last != UNSEEN
        return cls(
            stabilities,
            last,
            np.zeros(size, bool) if red_line is None else np.array(red_line, dtype=bool),
            (
                np.where(seen, 5.0, np.nan)
                if difficulty is None
                else np.array([np.nan if d is None else d for d in difficulty], dtype=float)
            ),
            (
                np.where(seen, srs.REVIEW, srs.LEARNING).astype(np.int64)
                if state is None
                else np.array(state, dtype=np.int64)
            ),
            (
                np.where(seen, last + 1, UNSEEN)
                if due_day is None
                else np.array([UNSEEN if d is None else d for d in due_day], dtype=np.int64)
            ),
            np.zeros(size, bool) if failed is None else np.array(failed, dtype=bool),
        )

    @property
    def required(self) -> int:
        return len(self.stability)

    @property
    def seen(self) -> np.ndarray:
        return self.last_day != UNSEEN


def recall_on(stability: np.ndarray, last_day: np.ndarray, day: int | np.ndarray) -> np.ndarray:
    """fsrs's predicted recall at the start of study day ``day`` (an ordinal, or one per
    item): ``(1 + FACTOR * t / S) ** DECAY`` with t the study days since the last review.
    Items never reviewed have recall 0."""
    seen = last_day != UNSEEN
    elapsed = np.maximum(0, np.asarray(day) - last_day).astype(np.float64)
    # Unseen items have NaN stability: NaN arithmetic raises no warning, and np.where
    # replaces it. Stability is never 0 (fsrs keeps it at 0.001 or more).
    recall = (1.0 + srs.RECALL_FACTOR * elapsed / stability) ** srs.RECALL_DECAY
    return np.where(seen, recall, 0.0)


def evaluation_day(today: date, at: date | None = None) -> int:
    """The study day (ordinal) readiness is evaluated on: ``at``, but never earlier than
    the day after ``today``."""
    tomorrow = today.toordinal() + 1
    return tomorrow if at is None else max(tomorrow, at.toordinal())


@dataclass(frozen=True)
class Snapshot:
    """A person's readiness on one evaluation day.

    Attributes:
        day: the evaluation day.
        required: required items.
        seen: required items reviewed at least once.
        expected_known: sum of predicted recalls on ``day``.
        recall: predicted recall per required item on ``day``.
        red_lines: required red-line items.
        red_lines_at_risk: red-line items below RED_LINE_TARGET on ``day``.
    """

    day: date
    required: int
    seen: int
    expected_known: float
    recall: np.ndarray
    red_lines: int
    red_lines_at_risk: int

    @property
    def readiness(self) -> float:
        return self.expected_known / self.required if self.required else 0.0

    @property
    def coverage(self) -> float:
        return self.seen / self.required if self.required else 0.0


def known_recall(memory: ItemMemory, day: int) -> np.ndarray:
    """Predicted recall on study day ``day`` of each item as readiness counts it: fsrs's
    prediction, but 0 for an item whose last answer was wrong."""
    recall = recall_on(memory.stability, memory.last_day, day)
    if memory.failed is not None:
        recall = np.where(memory.failed, 0.0, recall)
    return recall


def snapshot(memory: ItemMemory, day: int) -> Snapshot:
    """Readiness on study day ``day`` (an ordinal) with no further study."""
    recall = known_recall(memory, day)
    red = recall[memory.red_line]
    return Snapshot(
        day=date.fromordinal(day),
        required=memory.required,
        seen=int(np.count_nonzero(memory.seen)),
        expected_known=float(recall.sum()),
        recall=recall,
        red_lines=int(red.size),
        red_lines_at_risk=int(np.count_nonzero(red < RED_LINE_TARGET)),
    )


def is_ready(figures: Snapshot, target: float) -> bool:
    """Readiness at least the role's target and every red-line item at RED_LINE_TARGET."""
    return (
        figures.required > 0
        and figures.readiness >= target - 1e-12
        and figures.red_lines_at_risk == 0
    )


@dataclass(frozen=True)
class Assessment:
    """Everything the pages, the exports and the CLI say about one hire.

    Attributes:
        now: readiness on the evaluation day (the next study day).
        at_go_live: readiness on go-live day with no further study (``now`` when there is
            no go-live date or it is not after the evaluation day).
        status: one of STATUSES.
        forecast_ready: the study day the hire is expected to be ready at their recent
            pace (None when they have not started, or not within the forecast horizon).
        last_active: the study day of their last answer, if any.
        reasons: why the status is AT_RISK (codes: "forecast", "red_line", "inactive",
            "not_started"), empty otherwise.
    """

    now: Snapshot
    at_go_live: Snapshot
    status: str
    forecast_ready: date | None
    last_active: date | None
    reasons: tuple[str, ...] = ()


def assess(
    memory: ItemMemory,
    today: date,
    target: float,
    *,
    go_live: date | None = None,
    last_active: date | None = None,
    forecast_ready: date | None = None,
    daily_new_cap: int = 20,
    exam_passed: bool | None = None,
) -> Assessment:
    """Assess one hire on study day ``today``.

    Args:
        memory: their memory of their required items.
        today: the reference study day (the injected now, in the hire's role's days).
        target: the role's readiness target (0–1).
        go_live: their go-live date.
        last_active: the study day of their last answer.
        forecast_ready: from ``forecast.forecast_ready``.
        daily_new_cap: the role's daily new-item cap (when a hire who has not started is
            at risk).
        exam_passed: whether the required exam is passed (None: no exam required; then
            nobody is CERTIFIED).

    Status, first rule that holds: NOT_STARTED (no review; AT_RISK instead once go-live
    is too near to meet every item); CERTIFIED (ready and the exam passed); READY
    (readiness at go-live ≥ target and every red-line item ≥ RED_LINE_TARGET); AT_RISK
    (the forecast misses go-live, a red-line item below target within
    RED_LINE_WINDOW_DAYS of go-live, or INACTIVE_DAYS without study with items left);
    IN_PROGRESS.
    """
    day = evaluation_day(today)
    figures_now = snapshot(memory, day)
    if go_live is not None and go_live.toordinal() > day:
        figures_go_live = snapshot(memory, go_live.toordinal())
    else:
        figures_go_live = figures_now
    days_to_go_live = None if go_live is None else (go_live - today).days
    reasons: list[str] = []
    if figures_now.seen == 0:
        if days_to_go_live is not None and memory.required:
            needed = -(-memory.required // max(1, daily_new_cap)) + NOT_STARTED_RESERVE_DAYS
            if days_to_go_live <= needed:
                reasons.append("not_started")
        status = AT_RISK if reasons else NOT_STARTED
        return Assessment(figures_now, figures_go_live, status, None, last_active, tuple(reasons))
    if is_ready(figures_go_live, target):
        status = CERTIFIED if exam_passed else READY
        return Assessment(figures_now, figures_go_live, status, forecast_ready, last_active)
    if go_live is not None and (forecast_ready is None or forecast_ready > go_live):
        reasons.append("forecast")
    if (
        days_to_go_live is not None
        and days_to_go_live <= RED_LINE_WINDOW_DAYS
        and figures_now.red_lines_at_risk
    ):
        reasons.append("red_line")
    if last_active is not None and (today - last_active).days >= INACTIVE_DAYS:
        reasons.append("inactive")
    status = AT_RISK if reasons else IN_PROGRESS
    return Assessment(
        figures_now, figures_go_live, status, forecast_ready, last_active, tuple(reasons)
    )
