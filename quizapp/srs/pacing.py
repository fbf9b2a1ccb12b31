"""How fast new items come: the role's daily cap, raised to meet go-live and deadlines,
and the even pace before go-live. Pure functions; no Flask, no database."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date

from quizapp.srs.model import RoleSettings

# All required items are introduced at least this many study days before go-live,
# raising the daily new-item cap when needed.
INTRO_RESERVE_DAYS = 3
# With a go-live date, new items come at an even pace over the study days until
# PACE_RESERVE_DAYS before go-live (never above the role's daily cap).
PACE_RESERVE_DAYS = 14


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


def new_pace_today(
    unseen: int, today: date, settings: RoleSettings, go_live: date | None = None
) -> int:
    """New items to introduce today with a go-live date: the unseen items spread evenly
    over the study days left until ``PACE_RESERVE_DAYS`` before go-live, never above the
    role's cap; from then on (or if the cap cannot meet go-live) ``new_cap_today``.
    Without a go-live date: the role's cap."""
    cap = new_cap_today(unseen, today, settings, go_live)
    days_left = (go_live - today).days - PACE_RESERVE_DAYS if go_live is not None else 0
    if days_left <= 0 or unseen == 0:
        return cap
    return min(cap, math.ceil(unseen / days_left))


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
