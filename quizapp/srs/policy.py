"""What to show today: the session planner, the retry rule and the red-line watch.

Pure functions over memory states and an injected ``now``; no Flask, no database. The
numbers behind each rule come from ``bench/srs_simulation.py`` (see docs/scheduling.md).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from quizapp.srs.allocation import (
    LATER_DAYS,
    Candidate,
    allocate,
    curve,
    lapse_excess,
    later_lift,
    raised_threshold,
    refresh_window,
    stability_scale,
)
from quizapp.srs.days import day_start, study_day, study_days_between
from quizapp.srs.model import REVIEW, MemoryState, RoleSettings, to_utc
from quizapp.srs.pacing import (
    INTRO_RESERVE_DAYS,
    PACE_RESERVE_DAYS,
    deadline_cap,
    new_cap_today,
    new_pace_today,
)
from quizapp.srs.scheduler import predict_recall

# Estimated time on one card: a due review (recall, answer, feedback) and a new item
# (first reading of question and answer). Used only to size a session.
SECONDS_PER_REVIEW = 20
SECONDS_PER_NEW = 45
# Red-line items are pulled forward once their predicted recall drops below this; with a
# go-live date, only on the last RED_LINE_DAYS study days (forecast for go-live day), and
# at the role's desired retention before.
RED_LINE_THRESHOLD = 0.95
RED_LINE_DAYS = 2
# With a go-live date, a review falls due once fsrs's predicted recall drops under the
# desired retention minus this (raised for hires who lapse more: raised_threshold).
TRAINING_MARGIN = 0.15
# On the last 5-21 study days before go-live (allocation.refresh_window) the refresh is
# allocated: each day the reviews that add the most forecast recall per review, until the
# mean forecast recall reaches GO_LIVE_MARGIN above the desired retention at go-live and
# LATER_MARGIN below it LATER_DAYS after (docs/scheduling.md, quizapp.srs.allocation).
GO_LIVE_MARGIN = 0.02
LATER_MARGIN = 0.08
# Kept for callers of the old rule: the per-item refresh target before an item's own
# deadline (assignments) is max(desired retention, GO_LIVE_TARGET).
GO_LIVE_TARGET = 0.95
# A day's planned work stops at this multiple of the role's session length ("study
# more" goes on): reviews that do not fit wait for the next day.
DAY_LIMIT = 1.95
# With a go-live date, fsrs's stabilities are scaled by how much more often this employee
# forgets than fsrs expects (allocation.stability_scale): SCALE_PRIOR pseudo-answers at
# the expected rate, softened by SCALE_POWER.
SCALE_PRIOR = 50
SCALE_POWER = 2.0
SCALE_LIFT = 0.2
# Share of what a day like today leaves free that the allocated refresh counts on in each
# of the days left before go-live (it starts as late as that allows).
REFRESH_SHARE = 0.5


@dataclass(frozen=True)
class PlannedCard:
    """One card of a session plan.

    Attributes:
        item_id: database id of the item.
        is_new: first time the employee sees the item.
        reason: "new", "due", "red_line" (red-line item below its threshold), "go_live"
            (refreshed before go-live), "deadline" (refreshed before the item's own due
            date) or "ahead" (study-more review ahead of time).
        predicted_recall: fsrs's recall prediction now (0.0 for a new item).
        red_line: the item is a red-line item for the role.
    """

    item_id: int
    is_new: bool
    reason: str
    predicted_recall: float
    red_line: bool = False


@dataclass(frozen=True)
class SessionPlan:
    """The cards of one study session, in the order to show them.

    Attributes:
        study_day: the study day the session belongs to.
        cards: the cards, due reviews and new items interleaved, first card a review.
        due_left: due reviews that did not fit into this session.
        new_left_today: new items still allowed today (under the cap) after this session.
        unseen: required items never reviewed, before this session.
        new_cap_today: today's new-item cap (the role's cap, raised to meet go-live).
        estimated_seconds: estimated length of the session.
    """

    study_day: date
    cards: tuple[PlannedCard, ...]
    due_left: int
    new_left_today: int
    unseen: int
    new_cap_today: int
    estimated_seconds: int

    @property
    def item_ids(self) -> list[int]:
        """The item ids in showing order."""
        return [card.item_id for card in self.cards]

    @property
    def is_empty(self) -> bool:
        """Nothing left to study today (without "study more")."""
        return not self.cards


def should_retry(correct: bool, is_retry: bool) -> bool:
    """After an answer that was not right, offer the item once more in the same session,
    at most once. "Right" is what the employee was shown (✓): for objective items that is
    any rating but Again, for 问答 too (quizapp.questions)."""
    return not correct and not is_retry


def _index(states: Mapping[int, MemoryState] | Iterable[MemoryState]) -> dict[int, MemoryState]:
    if isinstance(states, Mapping):
        return dict(states)
    return {state.item_id: state for state in states}


def red_line_at_risk(
    states: Mapping[int, MemoryState] | Iterable[MemoryState],
    red_line_ids: Iterable[int],
    at: datetime,
    settings: RoleSettings,
    threshold: float = RED_LINE_THRESHOLD,
) -> list[tuple[int, float]]:
    """Red-line items whose predicted recall at ``at`` is below ``threshold``.

    Items never reviewed count with recall 0.0. Returns ``(item_id, recall)`` pairs,
    lowest recall first, so nothing red-line lapses silently: the planner shows them
    and the trainer's views can list them.
    """
    index = _index(states)
    found = []
    for item_id in dict.fromkeys(red_line_ids):
        state = index.get(item_id)
        recall = 0.0 if state is None else predict_recall(state, at, settings)
        if recall < threshold:
            found.append((item_id, recall))
    found.sort(key=lambda pair: (pair[1], pair[0]))
    return found


def training_retention(settings: RoleSettings, go_live: date | None) -> float:
    """The predicted recall under which a review falls due: with a go-live date, the
    role's desired retention minus TRAINING_MARGIN (the refresh before go-live lifts it
    back); without one, the desired retention (fsrs's own due date)."""
    if go_live is None:
        return settings.desired_retention
    return max(0.5, settings.desired_retention - TRAINING_MARGIN)


def _interleave(reviews: list[PlannedCard], news: list[PlannedCard]) -> list[PlannedCard]:
    """Spread new cards evenly between reviews; the first card is a review if any."""
    if not reviews or not news:
        return reviews + news
    out: list[PlannedCard] = []
    gap = len(reviews) / (len(news) + 1)
    placed = 0
    for position, review in enumerate(reviews, start=1):
        out.append(review)
        while placed < len(news) and position >= math.ceil(gap * (placed + 1)):
            out.append(news[placed])
            placed += 1
    out.extend(news[placed:])
    return out


def _red_line_due(
    stability: float,
    elapsed: int,
    recall: float,
    days_to_go_live: int,
    settings: RoleSettings,
    threshold: float,
) -> bool:
    """A red-line item is due when its predicted recall is under ``threshold``; with a
    go-live date, under the role's desired retention while training and, on the last
    RED_LINE_DAYS study days, when its forecast for go-live day is under ``threshold``
    (readiness wants every red-line item at 0.95 at go-live). ``days_to_go_live`` 0:
    no go-live ahead."""
    if days_to_go_live <= 0:
        return recall < threshold
    if days_to_go_live <= RED_LINE_DAYS:
        return curve(stability, elapsed + days_to_go_live) < threshold
    return curve(stability, elapsed) < settings.desired_retention


def plan_session(
    states: Mapping[int, MemoryState] | Iterable[MemoryState],
    item_ids_required: Sequence[int],
    red_line_ids: Collection[int],
    now: datetime,
    settings: RoleSettings,
    go_live: date | None = None,
    already_introduced_today: int = 0,
    *,
    deadlines: Mapping[int, date] | None = None,
    study_more: bool = False,
    go_live_target: float | None = None,
    later_target: float | None = None,
    go_live_window: int | None = None,
    red_line_threshold: float = RED_LINE_THRESHOLD,
    seconds_per_review: int = SECONDS_PER_REVIEW,
    seconds_per_new: int = SECONDS_PER_NEW,
    day_limit: float | None = DAY_LIMIT,
    studied_today_seconds: int | None = None,
) -> SessionPlan:
    """Plan one study session of about ``settings.session_minutes``.

    Args:
        states: the employee's memory states (by item id, or an iterable of them).
            States of items outside ``item_ids_required`` are ignored (role filter).
        item_ids_required: the items the employee's role must learn, in teaching order.
        red_line_ids: red-line items of the role (introduced first, watched closely).
        now: current time (naive is taken as UTC).
        settings: the role's settings.
        go_live: the employee's go-live date, if set.
        already_introduced_today: new items already introduced on this study day.
        deadlines: item id → the date it must be learnt by (an assignment's due date).
            New items are introduced most urgent deadline first (an item without one
            counts with go-live, or last), the daily cap is raised to meet every
            deadline (``deadline_cap``), and in the ``go_live_window`` study days before
            an item's own deadline it is refreshed if fsrs would make it due by then or
            forecasts it under max(desired retention, GO_LIVE_TARGET) that day. None: as
            without assignments.
        study_more: the employee asked for more: ignore the daily new-item cap and the
            day limit and, when nothing new is left, review ahead the items with the
            lowest predicted recall.
        go_live_target: mean recall wanted at go-live over the required items (default:
            the role's desired retention + GO_LIVE_MARGIN).
        later_target: mean recall wanted LATER_DAYS after go-live (default: desired
            retention - LATER_MARGIN).
        go_live_window: study days before go-live with the allocated refresh (0: none;
            None: by the employee's lapse ratio, ``allocation.refresh_window``).
        red_line_threshold: recall under which a red-line item is due.
        seconds_per_review: estimated seconds per review card.
        seconds_per_new: estimated seconds per new card.
        day_limit: planned work per study day, in session lengths (None: no limit).
        studied_today_seconds: time already studied today, if the caller measures it
            (e.g. with retries); default: estimated from the states answered today.

    Selection: due reviews first (predicted recall under ``training_retention``, red-line
    items below the threshold, the allocated refresh before go-live), lowest predicted
    recall first; then new items up to today's pace, red-line items first, then in
    teaching order; then, in "study more" mode, reviews ahead. Cards are added while the
    session's time budget lasts (at least one card) and the day's limit allows (strictly,
    once the employee has studied today).
    """
    now = to_utc(now)
    today = study_day(now, settings)
    start_of_today = day_start(today, settings)
    end_of_today = day_start(today + timedelta(days=1), settings)
    index = _index(states)
    required = list(dict.fromkeys(item_ids_required))
    red = set(red_line_ids)
    days_to_go_live = (go_live - today).days if go_live is not None else 0
    training = go_live is not None and days_to_go_live > 0  # before go-live
    retention = training_retention(settings, go_live if training else None)
    mine = [index[i] for i in required if i in index and not index[i].is_new]
    lapses = sum(s.lapses for s in mine)
    excess = lapse_excess(lapses, sum(s.expected_lapses for s in mine))  # vs fsrs's
    go_live_window = refresh_window(excess) if go_live_window is None else go_live_window
    window = go_live is not None and 0 < days_to_go_live <= go_live_window
    item_target = max(settings.desired_retention, GO_LIVE_TARGET)
    # Items whose own deadline is within the refresh window: (start, end) of that day.
    near: dict[int, tuple[datetime, datetime]] = {}
    for item_id, deadline in (deadlines or {}).items():
        if 0 < (deadline - today).days <= go_live_window:
            near[item_id] = (
                day_start(deadline, settings),
                day_start(deadline + timedelta(days=1), settings),
            )

    reviews: list[PlannedCard] = []
    ahead: list[PlannedCard] = []
    unseen: list[int] = []
    candidates: list[Candidate] = []
    refresh: list[PlannedCard] = []  # the allocated refresh, best gain first
    settled = [0.0, 0.0]  # forecasts of items reviewed today (for the allocation)
    reviewed_today = 0
    scale = 1.0
    if training:
        scale = stability_scale(
            lapses,
            sum(max(s.reps - 1, 0) for s in mine),
            retention,
            SCALE_PRIOR,
            SCALE_POWER,
        )
        retention = raised_threshold(retention, excess)
    for item_id in required:
        state = index.get(item_id)
        if state is None or state.is_new:
            unseen.append(item_id)
            continue
        assert state.last_review is not None and state.stability is not None
        is_red = item_id in red
        recall = predict_recall(state, now, settings)
        stability = state.stability * scale
        if state.last_review >= start_of_today:
            reviewed_today += 1
            if window:
                settled[0] += curve(stability, days_to_go_live)
                settled[1] += curve(stability, days_to_go_live + LATER_DAYS)
            continue
        elapsed = study_days_between(state.last_review, now, settings)
        if state.state != REVIEW:  # only with fsrs's same-day steps (simulation traps)
            due = state.due <= now
        else:
            due = curve(stability, elapsed) < retention if training else state.due < end_of_today
        reason = "due" if due else ""
        own = near.get(item_id)
        if not reason:
            if is_red and _red_line_due(
                stability, elapsed, recall, days_to_go_live if training else 0, settings,
                red_line_threshold,
            ):  # fmt: skip
                reason = "red_line"
            elif own and (
                state.due < own[1] or predict_recall(state, own[0], settings) < item_target
            ):
                reason = "deadline"
        card = PlannedCard(item_id, False, reason or "ahead", recall, is_red)
        if reason:
            reviews.append(card)
            if window:  # reviewed anyway: counts with its forecast (a slight underestimate)
                settled[0] += curve(stability, elapsed + days_to_go_live)
                settled[1] += curve(stability, elapsed + days_to_go_live + LATER_DAYS)
        elif window and state.state == REVIEW:
            assert state.difficulty is not None
            candidates.append(
                Candidate(
                    item_id,
                    state.state,
                    state.stability,
                    state.difficulty,
                    elapsed,
                    curve(stability, elapsed),
                    scale,
                )
            )
            ahead.append(card)
        else:
            ahead.append(card)

    if not deadlines:
        cap = new_pace_today(len(unseen), today, settings, go_live)
        unseen_ordered = [i for i in unseen if i in red] + [i for i in unseen if i not in red]
    else:
        by = {item_id: deadlines.get(item_id, go_live) for item_id in unseen}
        cap = deadline_cap(by.values(), today, settings)
        position = {item_id: n for n, item_id in enumerate(unseen)}
        unseen_ordered = sorted(
            unseen,
            key=lambda i: (by[i] or date.max, i not in red, position[i]),
        )
    allowed = len(unseen) if study_more else max(0, cap - already_introduced_today)
    new_today = min(already_introduced_today, reviewed_today)
    spent_today = new_today * seconds_per_new + (reviewed_today - new_today) * seconds_per_review
    if studied_today_seconds is not None:
        spent_today = studied_today_seconds
    day_seconds = (day_limit or 2.0) * settings.session_minutes * 60

    if window and candidates:
        # A hire who forgets faster than fsrs expects (scale < 1) also forgets faster
        # than its curve says over weeks: the later target rises with the gap.
        lift = SCALE_LIFT * (1.0 - min(scale, 1.0)) + later_lift(excess)
        targets = (
            min(
                0.99,
                (
                    go_live_target
                    if go_live_target is not None
                    else settings.desired_retention + GO_LIVE_MARGIN
                ),
            ),
            min(
                0.99,
                lift
                + (
                    later_target
                    if later_target is not None
                    else settings.desired_retention - LATER_MARGIN
                ),
            ),
        )
        chosen_ids = [
            g.item_id
            for g in allocate(
                candidates,
                (settled[0], settled[1]),
                len(required),
                days_to_go_live,
                targets,
                settings.desired_retention,
            )
        ]
        # As late as possible: today takes only what the days left cannot take.
        later_days = days_to_go_live - 1
        # What a day like today leaves for the refresh once due reviews and new items
        # are done (a share of it, for the days the employee skips).
        load = spent_today + len(reviews) * seconds_per_review + allowed * seconds_per_new
        per_day = REFRESH_SHARE * max(0.0, day_seconds - load)
        chosen_ids = chosen_ids[
            : max(0, len(chosen_ids) - int(later_days * per_day / seconds_per_review))
        ]
        order = {item_id: n for n, item_id in enumerate(chosen_ids)}
        refresh = sorted(
            (replace(c, reason="go_live") for c in ahead if c.item_id in order),
            key=lambda c: order[c.item_id],
        )
        ahead = [c for c in ahead if c.item_id not in order]

    budget = settings.session_minutes * 60
    # What is left of the day's limit; strict once something was studied today.
    day_left = float("inf")
    if day_limit is not None and not study_more and spent_today > 0:
        day_left = day_seconds - spent_today
    spent = 0

    def fits(cost: int, chosen: int) -> bool:
        if spent + cost > day_left:
            return False
        return chosen == 0 or spent + cost <= budget

    reviews.sort(key=lambda c: (c.predicted_recall, index[c.item_id].due, c.item_id))
    chosen_reviews: list[PlannedCard] = []
    for card in reviews:
        if not fits(seconds_per_review, len(chosen_reviews)):
            break
        chosen_reviews.append(card)
        spent += seconds_per_review

    chosen_new: list[PlannedCard] = []
    for item_id in unseen_ordered[:allowed]:
        if not fits(seconds_per_new, len(chosen_reviews) + len(chosen_new)):
            break
        chosen_new.append(PlannedCard(item_id, True, "new", 0.0, item_id in red))
        spent += seconds_per_new

    # The refresh before go-live fills what is left of the day, after new items.
    for card in refresh:
        if not fits(seconds_per_review, len(chosen_reviews) + len(chosen_new)):
            break
        chosen_reviews.append(card)
        spent += seconds_per_review

    if study_more and len(chosen_new) == len(unseen):
        ahead.sort(key=lambda c: (c.predicted_recall, c.item_id))
        for card in ahead:
            if not fits(seconds_per_review, len(chosen_reviews) + len(chosen_new)):
                break
            chosen_reviews.append(card)
            spent += seconds_per_review

    return SessionPlan(
        study_day=today,
        cards=tuple(_interleave(chosen_reviews, chosen_new)),
        due_left=len(reviews)
        + len(refresh)
        - sum(1 for c in chosen_reviews if c.reason != "ahead"),
        new_left_today=max(0, cap - already_introduced_today - len(chosen_new)),
        unseen=len(unseen),
        new_cap_today=cap,
        estimated_seconds=spent,
    )


__all__ = [
    "INTRO_RESERVE_DAYS",
    "PACE_RESERVE_DAYS",
    "PlannedCard",
    "SessionPlan",
    "deadline_cap",
    "new_cap_today",
    "new_pace_today",
    "plan_session",
    "red_line_at_risk",
    "should_retry",
    "training_retention",
]
