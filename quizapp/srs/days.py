"""Study days: the unit in which the scheduler counts time.

A study day starts at ``day_boundary_hour`` local time (default 04:00, as Anki), so a
session at 01:30 still belongs to the evening before. Elapsed time between two reviews is
the number of study-day starts between them, not the number of whole 24-hour periods.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from quizapp.srs.model import RoleSettings, to_utc


def study_day(now: datetime, settings: RoleSettings) -> date:
    """The study day that ``now`` (aware, or naive UTC) belongs to."""
    local = to_utc(now).astimezone(settings.zone).replace(tzinfo=None)
    return (local - timedelta(hours=settings.day_boundary_hour)).date()


def day_start(day: date, settings: RoleSettings) -> datetime:
    """The aware UTC instant at which study day ``day`` begins."""
    local = datetime.combine(day, time(settings.day_boundary_hour), tzinfo=settings.zone)
    return to_utc(local)


def study_days_between(earlier: datetime, later: datetime, settings: RoleSettings) -> int:
    """Study-day starts passed from ``earlier`` to ``later`` (0 on the same study day).

    09:00 on one day and 08:50 the next are one study day apart; 03:59 still belongs to
    the previous study day. Never negative.
    """
    return max(0, (study_day(later, settings) - study_day(earlier, settings)).days)
