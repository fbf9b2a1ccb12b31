"""What to show today: the session planner, the retry rule and the red-line watch.

Pure functions over memory states and an injected ``now``; no Flask, no database. The
numbers behind each rule come from ``bench/srs_simulation.py`` (see docs/scheduling.md).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from quizapp.srs.days import day_start, study_day
from quizapp.srs.model import REVIEW, MemoryState, RoleSettings, to_utc
from quizapp.srs.scheduler import predict_recall

# Estimated time on one card: a due review (recall, answer, feedback) and a new item
# (first reading of question and answer). Used only to size a session.
SECONDS_PER_REVIEW = 20
SECONDS_PER_NEW = 45
# Red-line items are pulled forward once their predicted recall drops below this.
RED_LINE_THRESHOLD = 0.95
# On the last GO_LIVE_WINDOW study days before go-live, items that would fall due on or
# before go-live day, or whose predicted recall at go-live is under GO_LIVE_TARGET (or the
# role's desired retention if higher), are due: a cheap last refresh (docs/scheduling.md).
GO_LIVE_WINDOW = 2
GO_LIVE_TARGET = 0.95
# All required items are introduced at least this many study days before go-live, raising
# the daily new-item cap when needed.
INTRO_RESERVE_DAYS = 3


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
    any rating but Again, for 问答 Good or better (quizapp.questions)."""
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


def new_cap_today(
    unseen: int, today: date, settings: RoleSettings, go_live: date | None = None
) -> int:
    """Today's new-item cap: the role's cap, raised so every item is met before go-live.

    The unseen items are spread over the study days left until ``INTRO_RESERVE_DAYS``
    before go-live (all of them once that point is reached), so each gets a few reviews.
    """
    cap = settings.daily_new_cap
    if go_live is None or unseen == 0:
        return cap
    days_left = (go_live - today).days - INTRO_RESERVE_DAYS
    if days_left <= 0:
        return max(cap, unseen)
    return max(cap, math.ceil(unseen / days_left))


def deadline_cap(
    unseen_deadlines: Iterable[date | None], today: date, settings: RoleSettings
) -> int:
    """Today's new-item cap with a deadline per unseen item (None: none): the role's cap,
    raised so every deadline is met. For each distinct deadline d, the unseen items due by
    d are spread over the study days left until ``INTRO_RESERVE_DAYS`` before d (all of
    them once that point is reached); the cap is the largest such need.

    With one deadline for every item (go-live), this is ``new_cap_today``.
    """
    cap = settings.daily_new_cap
    counts: dict[date, int] = {}
    for deadline in unseen_deadlines:
        if deadline is not None:
            counts[deadline] = counts.get(deadline, 0) + 1
    due_by = 0
    for deadline in sorted(counts):
        due_by += counts[deadline]
        days_left = (deadline - today).days - INTRO_RESERVE_DAYS
        cap = max(cap, due_by if days_left <= 0 else math.ceil(due_by / days_left))
    return cap


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
    go_live_window: int = GO_LIVE_WINDOW,
    red_line_threshold: float = RED_LINE_THRESHOLD,
    seconds_per_review: int = SECONDS_PER_REVIEW,
    seconds_per_new: int = SECONDS_PER_NEW,
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
            deadline (``deadline_cap``), and the go-live refresh also runs in the
            ``go_live_window`` study days before an item's own deadline. None: as
            without assignments.
        study_more: the employee asked for more: ignore the daily new-item cap and, when
            nothing new is left, review ahead the items with the lowest predicted recall.
        go_live_target: recall wanted at go-live (default: GO_LIVE_TARGET or the role's
            desired retention, whichever is higher).
        go_live_window: study days before go-live with the go-live refresh (0: none).
        red_line_threshold: recall under which a red-line item is due.
        seconds_per_review: estimated seconds per review card.
        seconds_per_new: estimated seconds per new card.

    Selection: due reviews first (fsrs due today, red-line items below the threshold, the
    go-live refresh), lowest predicted recall first; then new items up to the cap,
    red-line items first, then in teaching order; then, in "study more" mode, reviews
    ahead. Cards are added while the session's time budget lasts (at least one card).
    """
    now = to_utc(now)
    today = study_day(now, settings)
    start_of_today = day_start(today, settings)
    end_of_today = day_start(today + timedelta(days=1), settings)
    index = _index(states)
    required = list(dict.fromkeys(item_ids_required))
    red = set(red_line_ids)
    target = go_live_target
    if target is None:
        target = max(settings.desired_retention, GO_LIVE_TARGET)
    go_live_refresh = go_live is not None and 0 < (go_live - today).days <= go_live_window
    go_live_start = day_start(go_live, settings) if go_live is not None else None
    go_live_end = day_start(go_live + timedelta(days=1), settings) if go_live else None
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
    for item_id in required:
        state = index.get(item_id)
        if state is None or state.is_new:
            unseen.append(item_id)
            continue
        is_red = item_id in red
        # Review: due on a study day. Learning/relearning (only with fsrs's same-day steps,
        # i.e. the simulation's trap variant): due at the exact minute.
        due = state.due < end_of_today if state.state == REVIEW else state.due <= now
        assert state.last_review is not None
        reviewed_today = state.last_review >= start_of_today
        reason = "due" if due else ""
        own = near.get(item_id)
        if not (due or is_red or go_live_refresh or own or study_more):
            continue  # not needed in this session; skip the recall prediction
        recall = predict_recall(state, now, settings)
        if not reason and not reviewed_today:
            if is_red and recall < red_line_threshold:
                reason = "red_line"
            elif go_live_refresh and (
                state.due < go_live_end or predict_recall(state, go_live_start, settings) < target
            ):
                reason = "go_live"
            elif own and (state.due < own[1] or predict_recall(state, own[0], settings) < target):
                reason = "deadline"
        card = PlannedCard(item_id, False, reason or "ahead", recall, is_red)
        if reason:
            reviews.append(card)
        elif not reviewed_today:
            ahead.append(card)

    budget = settings.session_minutes * 60
    spent = 0

    def fits(cost: int, chosen: int) -> bool:
        return chosen == 0 or spent + cost <= budget

    reviews.sort(key=lambda c: (c.predicted_recall, index[c.item_id].due, c.item_id))
    chosen_reviews: list[PlannedCard] = []
    for card in reviews:
        if not fits(seconds_per_review, len(chosen_reviews)):
            break
        chosen_reviews.append(card)
        spent += seconds_per_review

    if deadlines is None:
        cap = new_cap_today(len(unseen), today, settings, go_live)
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
    chosen_new: list[PlannedCard] = []
    for item_id in unseen_ordered[:allowed]:
        if not fits(seconds_per_new, len(chosen_reviews) + len(chosen_new)):
            break
        chosen_new.append(PlannedCard(item_id, True, "new", 0.0, item_id in red))
        spent += seconds_per_new

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
        due_left=len(reviews) - sum(1 for c in chosen_reviews if c.reason != "ahead"),
        new_left_today=max(0, cap - already_introduced_today - len(chosen_new)),
        unseen=len(unseen),
        new_cap_today=cap,
        estimated_seconds=spent,
    )
