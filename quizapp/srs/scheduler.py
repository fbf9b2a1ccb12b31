"""The fsrs adapter: the only module of quizapp that imports ``fsrs``.

Memory-state arithmetic is py-fsrs's own (``Scheduler.review_card`` and
``Scheduler.get_card_retrievability``); this module only decides *what fsrs is told*:

* **Study days, not 24-hour periods.** fsrs 6 computes elapsed time as
  ``(review_datetime - card.last_review).days``, i.e. whole 24-hour periods, and treats
  anything under one as a same-day review (short-term stability: almost no growth). An
  employee who studies at 09:00 and at 08:50 the next morning would get "0 days". We count
  the study days between the two reviews (``days.study_days_between``) and hand fsrs a
  ``last_review`` exactly that many days before now, so ``.days`` is the study-day count
  even across DST changes. The real ``last_review`` is kept in the state.
* **Due dates on study-day starts.** fsrs returns ``review time + n days``; we move the due
  date to the start of study day ``today + n`` so "due today" is a whole-day question.
* **No same-day steps.** ``learning_steps=()`` and ``relearning_steps=()``: every answer
  goes straight to a whole-day interval. The at-most-one immediate retry after a wrong
  answer is policy (``policy.should_retry``) and does not change the state.
* **Deterministic.** ``enable_fuzzing=False``; time is always injected.

One fsrs ``Scheduler`` is cached per (desired retention, variant) for the process.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from fsrs import Card, Rating, Scheduler, State
from fsrs.scheduler import DEFAULT_PARAMETERS

from quizapp.srs.days import day_start, study_day, study_days_between
from quizapp.srs.model import (
    AGAIN,
    DEFAULT_SETTINGS,
    MemoryState,
    Reset,
    Review,
    RoleSettings,
    to_utc,
)

# The fsrs forgetting curve R(t) = (1 + RECALL_FACTOR * t / S) ** RECALL_DECAY, t in study
# days, for vectorised read models (readiness) that must agree with predict_recall.
RECALL_DECAY: float = -DEFAULT_PARAMETERS[20]
RECALL_FACTOR: float = 0.9 ** (1 / RECALL_DECAY) - 1


@dataclass(frozen=True)
class Variant:
    """How the adapter talks to fsrs. The app always uses :data:`OURS`.

    The other variants exist so ``bench/srs_simulation.py`` can measure the two traps
    with exactly the same code path.

    Attributes:
        count_study_days: count elapsed time in study days (True) or hand fsrs the raw
            timestamps, i.e. whole 24-hour periods (False, the naive trap).
        learning_steps: fsrs same-day learning steps in seconds (fsrs default: 60, 600).
        relearning_steps: fsrs same-day relearning steps in seconds (fsrs default: 600).
    """

    count_study_days: bool = True
    learning_steps: tuple[int, ...] = ()
    relearning_steps: tuple[int, ...] = ()


OURS = Variant()
NAIVE_ELAPSED = Variant(count_study_days=False)
FSRS_DEFAULT_STEPS = Variant(learning_steps=(60, 600), relearning_steps=(600,))


@lru_cache(maxsize=64)
def _scheduler(desired_retention: float, variant: Variant) -> Scheduler:
    return Scheduler(
        desired_retention=desired_retention,
        learning_steps=tuple(timedelta(seconds=s) for s in variant.learning_steps),
        relearning_steps=tuple(timedelta(seconds=s) for s in variant.relearning_steps),
        enable_fuzzing=False,
    )


def scheduler_for(settings: RoleSettings, variant: Variant = OURS) -> Scheduler:
    """The process-wide fsrs Scheduler for a role's settings (created once, then cached)."""
    return _scheduler(float(settings.desired_retention), variant)


def _fsrs_last_review(
    state: MemoryState, now: datetime, settings: RoleSettings, variant: Variant
) -> datetime | None:
    """The ``last_review`` fsrs must see so that its ``.days`` is our elapsed count."""
    if state.last_review is None:
        return None
    if not variant.count_study_days:
        return state.last_review
    return now - timedelta(days=study_days_between(state.last_review, now, settings))


def _to_card(state: MemoryState, last_review: datetime | None) -> Card:
    return Card(
        card_id=state.item_id,
        state=State(state.state),
        step=state.step,
        stability=state.stability,
        difficulty=state.difficulty,
        due=state.due,
        last_review=last_review,
    )


def apply_answer(
    state: MemoryState,
    rating: int,
    now: datetime,
    settings: RoleSettings,
    *,
    item_version: int = 1,
    is_retry: bool = False,
    duration_ms: int | None = None,
    variant: Variant = OURS,
) -> tuple[MemoryState, Review]:
    """Apply one answer to a memory state.

    Args:
        state: the item's current state (``MemoryState.new`` for a new item).
        rating: AGAIN, HARD, GOOD or EASY.
        now: server time of the answer (naive is taken as UTC).
        settings: the employee's role settings.
        item_version: version of the item's text that was shown (logged).
        is_retry: the immediate retry after a wrong answer; logged, state unchanged.
        duration_ms: time spent on the card, if measured (logged).
        variant: fsrs usage variant; only the simulation passes anything but OURS.

    Returns:
        The new state and the review to append to the log.
    """
    now = to_utc(now)
    review = Review(
        item_id=state.item_id,
        item_version=item_version,
        rating=rating,
        answered_at=now,
        is_retry=is_retry,
        duration_ms=duration_ms,
    )
    if is_retry:
        return state, review
    # The lapses fsrs expected: 1 - its predicted recall at each review after the first.
    expected_lapses = state.expected_lapses
    if not state.is_new:
        expected_lapses += 1.0 - predict_recall(state, now, settings)
    card = _to_card(state, _fsrs_last_review(state, now, settings, variant))
    card, _log = scheduler_for(settings, variant).review_card(card, Rating(rating), now)
    due = card.due
    if card.state == State.Review and variant.count_study_days:
        interval_days = round((card.due - now) / timedelta(days=1))
        due = day_start(study_day(now, settings) + timedelta(days=interval_days), settings)
    new_state = MemoryState(
        item_id=state.item_id,
        state=int(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=due,
        last_review=now,
        reps=state.reps + 1,
        lapses=state.lapses + (1 if rating == AGAIN and not state.is_new else 0),
        expected_lapses=expected_lapses,
    )
    return new_state, review


def replay(
    log: Iterable[Review | Reset],
    settings: RoleSettings,
    *,
    variant: Variant = OURS,
) -> MemoryState | None:
    """Rebuild an item's memory state from its review log: answers and resets.

    Entries are applied in time order (ties keep log order); all must be for the same
    item. Replaying the log that ``apply_answer`` (and ``MemoryState.relearning``)
    produced gives exactly the state they returned. Replaying with other settings
    reschedules under those settings. A log of resets alone gives None: nothing was
    learnt, so the item is still new.

    Raises:
        ValueError: if the log is empty or holds entries for different items.
    """
    ordered = sorted(
        log, key=lambda entry: entry.at if isinstance(entry, Reset) else entry.answered_at
    )
    if not ordered:
        raise ValueError("replay needs at least one review")
    item_ids = {entry.item_id for entry in ordered}
    if len(item_ids) != 1:
        raise ValueError(f"reviews for several items: {sorted(item_ids)}")
    state: MemoryState | None = None
    for entry in ordered:
        if isinstance(entry, Reset):
            state = state.relearning(entry.at) if state is not None else None
            continue
        state, _ = apply_answer(
            state or MemoryState.new(entry.item_id, entry.answered_at),
            entry.rating,
            entry.answered_at,
            settings,
            item_version=entry.item_version,
            is_retry=entry.is_retry,
            duration_ms=entry.duration_ms,
            variant=variant,
        )
    return state


def predict_recall(
    state: MemoryState,
    at: datetime,
    settings: RoleSettings = DEFAULT_SETTINGS,
) -> float:
    """fsrs's predicted probability of recalling the item at ``at``.

    Elapsed time is counted in study days, as when scheduling, so the prediction is 1.0
    for the rest of the study day of the last review and then falls at each study-day
    start. A new item (never reviewed) has prediction 0.0.
    """
    if state.last_review is None or state.stability is None:
        return 0.0
    at = to_utc(at)
    elapsed = study_days_between(state.last_review, at, settings)
    card = _to_card(state, at - timedelta(days=elapsed))
    return float(scheduler_for(settings).get_card_retrievability(card, at))


@dataclass(frozen=True)
class Step:
    """The outcome of one answer in study-day units: what a simulation needs."""

    state: int
    stability: float
    difficulty: float
    interval_days: int


_STEP_EPOCH = to_utc(datetime(2000, 1, 1, 12))


@lru_cache(maxsize=262_144)
def review_step(
    state: int,
    step: int | None,
    stability: float | None,
    difficulty: float | None,
    elapsed_days: int,
    rating: int,
    desired_retention: float,
) -> Step:
    """fsrs's review of a card with these fields, answered ``elapsed_days`` study days after
    its last review (any value for a new card): the new state and the whole-day interval.

    The same arithmetic as :func:`apply_answer` (same fsrs Scheduler, same elapsed count),
    without dates or log entries, and memoised: forecasts simulate thousands of answers
    and items introduced together on the same schedule share every step.
    """
    now = _STEP_EPOCH
    last_review = None if stability is None else now - timedelta(days=elapsed_days)
    card = Card(
        card_id=1,
        state=State(state),
        step=step,
        stability=stability,
        difficulty=difficulty,
        due=now,
        last_review=last_review,
    )
    card, _log = _scheduler(desired_retention, OURS).review_card(card, Rating(rating), now)
    return Step(
        int(card.state),
        float(card.stability),
        float(card.difficulty),
        round((card.due - now) / timedelta(days=1)),
    )
