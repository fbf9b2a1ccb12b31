"""When will a hire be ready? A day-by-day simulation of their study at their own pace
(pure: no Flask, no database, the reference day injected).

The simulated hire answers ``pace`` cards a study day (their answers per study day over
the last PACE_DAYS days), chosen as the scheduler chooses them (``quizapp.srs``): due
reviews and red-line items below their threshold first, lowest predicted recall first,
then new items, red-line ones first, up to the day's new-item cap (``srs.new_cap_today``,
raised to meet go-live). New items are answered wrong (Again) as often as the hire's
recent answers were, reviews as often as fsrs expects, right (Good) otherwise: the forecast
says when the hire is ready if they keep going as they have. Memory follows fsrs itself (``srs.review_step``), never a formula of ours.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date

import numpy as np

from .. import srs
from .model import RED_LINE_TARGET, UNSEEN, ItemMemory, is_ready, recall_on, snapshot

PACE_DAYS = 7  # the recent pace: answers per study day over this many days, today included
HORIZON_DAYS = 120  # no forecast beyond four months: "not foreseeable", and at risk


def pace_days(today: date, first_answer: date | None) -> int:
    """The study days a recent pace is averaged over: PACE_DAYS ending with ``today``, or
    fewer for a hire whose first answer is more recent (three days of study are a pace of
    three days, not of seven)."""
    if first_answer is None:
        return PACE_DAYS
    return max(1, min(PACE_DAYS, (today - first_answer).days + 1))


def pace(answers_per_day: dict[date, int], today: date) -> float:
    """Answers per study day over the PACE_DAYS study days ending with ``today`` (fewer if
    the first answer is more recent)."""
    total = sum(
        count for day, count in answers_per_day.items() if 0 <= (today - day).days < PACE_DAYS
    )
    first = min((day for day, count in answers_per_day.items() if count), default=None)
    return total / pace_days(today, first)


def forecast_ready(
    memory: ItemMemory,
    today: date,
    target: float,
    settings: srs.RoleSettings,
    answers_per_day: float,
    *,
    go_live: date | None = None,
    answered_today: int = 0,
    introduced_today: int = 0,
    right_share: float = 1.0,
    horizon_days: int = HORIZON_DAYS,
) -> date | None:
    """The first study day on which the hire is ready (``model.is_ready``), studying
    ``answers_per_day`` cards a day from ``today`` on.

    None when they have not started (no review) or do not study (pace 0), or when the day
    is beyond ``horizon_days``. ``answered_today`` and ``introduced_today`` are what they
    have already done today: today's budget and cap are what is left of them.
    ``right_share`` is the share of their recent answers that were right: the simulated
    hire gets a new item wrong (Again) at that rate and a review wrong as often as fsrs
    expects (1 − its predicted recall), right (Good) otherwise, spread evenly.
    """
    if not memory.seen.any() or answers_per_day <= 0:
        return None
    # Ready needs at least target × required items seen, and no day meets more new items
    # than the pace allows (nor the cap, unless go-live raises it): when even that takes
    # longer than the horizon, the simulation cannot find a day.
    to_meet = target * memory.required - int(memory.seen.sum())
    per_day = answers_per_day if go_live else min(answers_per_day, settings.daily_new_cap)
    if to_meet > 0 and (per_day <= 0 or to_meet / per_day > horizon_days):
        return None
    memory = replace(
        memory,
        stability=memory.stability.copy(),
        difficulty=memory.difficulty.copy(),
        state=memory.state.copy(),
        last_day=memory.last_day.copy(),
        due_day=memory.due_day.copy(),
        failed=np.zeros(memory.required, bool) if memory.failed is None else memory.failed.copy(),
    )
    retention = float(settings.desired_retention)
    first = today.toordinal()
    # New items in the order the planner introduces them: red-line first, then teaching.
    unseen_order = np.concatenate(
        [
            np.flatnonzero(~memory.seen & memory.red_line),
            np.flatnonzero(~memory.seen & ~memory.red_line),
        ]
    )
    next_new = 0
    carried = 0.0
    misses = _Misses(1.0 - min(1.0, max(0.0, right_share)))
    red = np.flatnonzero(memory.red_line)
    # Readiness is a sum of recalls of at most 1: below this many items seen it cannot be
    # reached, and the (costlier) snapshot is not taken.
    enough_seen = target * memory.required - 1e-9
    for day in range(first, first + horizon_days):
        carried += answers_per_day
        budget = math.floor(carried)
        carried -= budget
        if day == first:
            budget = max(0, budget - answered_today)
        answered = (memory.last_day != UNSEEN) & (memory.last_day < day)
        due = answered & (memory.due_day <= day)
        if red.size:  # red-line items below their threshold are due too
            watched = red[answered[red]]
            recall = recall_on(memory.stability[watched], memory.last_day[watched], day)
            due[watched[recall < RED_LINE_TARGET]] = True
        chosen = np.flatnonzero(due)
        if chosen.size > budget:  # lowest predicted recall first
            recall = recall_on(memory.stability[chosen], memory.last_day[chosen], day)
            chosen = chosen[np.argsort(recall, kind="stable")[:budget]]
        _answer(memory, chosen, day, retention, misses)
        budget -= chosen.size
        unseen_left = len(unseen_order) - next_new
        if unseen_left and budget > 0:
            cap = srs.new_cap_today(unseen_left, date.fromordinal(day), settings, go_live)
            if day == first:
                cap = max(0, cap - introduced_today)
            count = min(budget, cap, unseen_left)
            _answer(memory, unseen_order[next_new : next_new + count], day, retention, misses)
            next_new += count
        if memory.required - (len(unseen_order) - next_new) < enough_seen:
            continue
        if is_ready(snapshot(memory, day + 1), target):
            return date.fromordinal(day + 1)
    return None


class _Misses:
    """Which simulated answers are wrong, spread evenly (error diffusion), so the forecast
    is the same every time it is made from the same figures: a review is wrong with
    fsrs's own odds (1 − predicted recall), a new item at the hire's recent share of wrong
    answers."""

    def __init__(self, new_item_share: float) -> None:
        self.new_item_share = new_item_share
        self.owed = 0.0

    def ratings(self, miss_odds: list[float]) -> list[int]:
        found = []
        for odds in miss_odds:
            self.owed += odds
            if self.owed >= 1.0:
                self.owed -= 1.0
                found.append(srs.AGAIN)
            else:
                found.append(srs.GOOD)
        return found


def _answer(
    memory: ItemMemory, indices: np.ndarray, day: int, retention: float, misses: _Misses
) -> None:
    """An answer to each of these items on study day ``day``, through fsrs."""
    if not indices.size:
        return
    last_days = memory.last_day[indices]
    recall = recall_on(memory.stability[indices], last_days, day)
    ratings = misses.ratings(
        np.where(last_days == UNSEEN, misses.new_item_share, 1.0 - recall).tolist()
    )
    steps = [
        srs.review_step(srs.LEARNING, 0, None, None, 0, rating, retention)
        if last == UNSEEN
        # Rounded inputs (stability to 2 significant figures, difficulty to 0.1): items
        # in nearly the same state share one memoised fsrs step (a tenth of the fsrs calls
        # at 10,000 hires). It moves a simulated interval by at most 5 %: a day or two at
        # the intervals that decide readiness, within the forecast's error (scheduling.md).
        else srs.review_step(
            state,
            None if state == srs.REVIEW else 0,
            float(f"{stability:.2g}"),
            round(difficulty, 1),
            day - last,
            rating,
            retention,
        )
        for state, stability, difficulty, last, rating in zip(
            memory.state[indices].tolist(),
            memory.stability[indices].tolist(),
            memory.difficulty[indices].tolist(),
            memory.last_day[indices].tolist(),
            ratings,
            strict=True,
        )
    ]
    memory.state[indices] = [step.state for step in steps]
    memory.stability[indices] = [step.stability for step in steps]
    memory.difficulty[indices] = [step.difficulty for step in steps]
    memory.last_day[indices] = day
    memory.due_day[indices] = [day + step.interval_days for step in steps]
    if memory.failed is not None:
        memory.failed[indices] = [rating == srs.AGAIN for rating in ratings]
