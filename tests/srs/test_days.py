"""Study days: the 04:00 local day boundary (Asia/Shanghai is UTC+8, no DST)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from quizapp.srs import RoleSettings, day_start, study_day, study_days_between

SETTINGS = RoleSettings()


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_0900_then_0850_next_day_is_one_study_day():
    first = utc(2025, 3, 3, 1, 0)  # 09:00 Shanghai
    second = utc(2025, 3, 4, 0, 50)  # 08:50 Shanghai the next day: under 24 hours later
    assert (second - first).days == 0
    assert study_days_between(first, second, SETTINGS) == 1


def test_0359_belongs_to_the_previous_study_day():
    assert study_day(utc(2025, 3, 3, 19, 59), SETTINGS) == date(2025, 3, 3)  # 03:59 on the 4th
    assert study_day(utc(2025, 3, 3, 20, 0), SETTINGS) == date(2025, 3, 4)  # 04:00 on the 4th
    late = utc(2025, 3, 3, 17, 30)  # 01:30 local on the 4th: still the evening of the 3rd
    assert study_days_between(utc(2025, 3, 3, 13, 0), late, SETTINGS) == 0


def test_same_study_day_and_never_negative():
    assert study_days_between(utc(2025, 3, 3, 1), utc(2025, 3, 3, 12), SETTINGS) == 0
    assert study_days_between(utc(2025, 3, 5, 1), utc(2025, 3, 3, 1), SETTINGS) == 0


def test_day_start_is_the_boundary_hour_local_in_utc():
    start = day_start(date(2025, 3, 4), SETTINGS)
    assert start == utc(2025, 3, 3, 20, 0)
    assert start.tzinfo is UTC
    assert study_day(start, SETTINGS) == date(2025, 3, 4)


def test_boundary_hour_and_zone_are_settings():
    midnight_berlin = RoleSettings(day_boundary_hour=0, timezone="Europe/Berlin")
    assert study_day(utc(2025, 3, 3, 23, 30), midnight_berlin) == date(2025, 3, 4)
    assert study_day(utc(2025, 3, 3, 22, 30), midnight_berlin) == date(2025, 3, 3)


def test_naive_datetimes_are_utc():
    naive = datetime(2025, 3, 3, 19, 59)
    assert study_day(naive, SETTINGS) == study_day(utc(2025, 3, 3, 19, 59), SETTINGS)
