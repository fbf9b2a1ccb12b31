"""Value objects: round trips, validation, naive datetimes taken as UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from quizapp.srs import (
    AGAIN,
    GOOD,
    REVIEW,
    MemoryState,
    Review,
    RoleSettings,
    apply_answer,
    to_utc,
)

T0 = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)


def test_role_settings_defaults_and_round_trip():
    settings = RoleSettings()
    assert (
        settings.desired_retention,
        settings.daily_new_cap,
        settings.session_minutes,
        settings.day_boundary_hour,
        settings.timezone,
    ) == (0.9, 20, 10, 4, "Asia/Shanghai")
    custom = RoleSettings(desired_retention=0.95, daily_new_cap=5, timezone="Asia/Hong_Kong")
    assert RoleSettings.from_dict(custom.to_dict()) == custom
    assert RoleSettings.from_dict({}) == settings


@pytest.mark.parametrize(
    "kwargs",
    [
        {"desired_retention": 1.0},
        {"desired_retention": 0.0},
        {"daily_new_cap": -1},
        {"session_minutes": 0},
        {"day_boundary_hour": 24},
    ],
)
def test_role_settings_validation(kwargs):
    with pytest.raises(ValueError):
        RoleSettings(**kwargs)


def test_memory_state_round_trip_uses_ints_and_utc():
    state, _ = apply_answer(MemoryState.new(42, T0), GOOD, T0, RoleSettings())
    data = state.to_dict()
    assert data["state"] == REVIEW and isinstance(data["state"], int)
    assert data["due"].endswith("+00:00")
    assert MemoryState.from_dict(data) == state
    assert MemoryState.from_dict(MemoryState.new(7, T0).to_dict()) == MemoryState.new(7, T0)


def test_review_round_trip():
    review = Review(item_id=3, item_version=2, rating=AGAIN, answered_at=T0, is_retry=True)
    assert Review.from_dict(review.to_dict()) == review
    with pytest.raises(ValueError):
        Review(item_id=3, item_version=1, rating=5, answered_at=T0)


def test_naive_datetimes_are_treated_as_utc():
    naive = datetime(2025, 3, 3, 1, 0)
    assert to_utc(naive) == T0 and to_utc(naive).tzinfo is UTC
    shanghai = timezone(timedelta(hours=8))
    assert to_utc(datetime(2025, 3, 3, 9, 0, tzinfo=shanghai)) == T0
    state = MemoryState(item_id=1, due=naive, last_review=naive)
    assert state.due == T0 and state.due.tzinfo is UTC
    assert state.last_review is not None and state.last_review.tzinfo is UTC
    # as SQLite returns them: naive values in a dict
    row = {"item_id": 1, "state": REVIEW, "step": None, "stability": 2.0, "difficulty": 5.0}
    loaded = MemoryState.from_dict({**row, "due": naive, "last_review": naive})
    assert loaded.due == T0
    assert Review(1, 1, GOOD, naive).answered_at == T0


def test_unknown_state_rejected():
    with pytest.raises(ValueError):
        MemoryState(item_id=1, state=0)


def test_constants_match_the_fsrs_enums():
    import fsrs  # only to check the mirrored ints; the app goes through srs/scheduler.py

    from quizapp.srs import EASY, HARD, LEARNING, RELEARNING

    assert [int(r) for r in fsrs.Rating] == [AGAIN, HARD, GOOD, EASY]
    assert [int(s) for s in fsrs.State] == [LEARNING, REVIEW, RELEARNING]
