"""The session planner, the retry rule and the red-line watch."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from quizapp.srs import (
    AGAIN,
    GOOD,
    HARD,
    MemoryState,
    RoleSettings,
    apply_answer,
    new_cap_today,
    plan_session,
    predict_recall,
    red_line_at_risk,
    should_retry,
)

SETTINGS = RoleSettings()
T0 = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)  # 09:00 Shanghai, study day 2025-03-03
DAY5 = T0 + timedelta(days=5)  # 09:00 on 2025-03-08


def reviewed(item_id: int, *ratings: int, at: datetime = T0) -> MemoryState:
    """A state after answering on consecutive days from ``at``."""
    state = MemoryState.new(item_id, at)
    for n, rating in enumerate(ratings):
        state, _ = apply_answer(state, rating, at + timedelta(days=n), SETTINGS)
    return state


def plan(states, required, red=(), now=DAY5, settings=SETTINGS, **kwargs):
    return plan_session(states, required, red, now, settings, **kwargs)


def test_due_reviews_come_before_new_items():
    states = [reviewed(i, AGAIN) for i in range(1, 4)]  # all due on day 1
    result = plan(states, [1, 2, 3, 10, 11, 12])
    assert result.cards[0].is_new is False
    assert {c.item_id for c in result.cards if not c.is_new} == {1, 2, 3}
    # A session that fits only three cards takes the due reviews.
    short = plan(states, [1, 2, 3, 10, 11, 12], seconds_per_review=200)
    assert short.item_ids == [1, 2, 3] and short.due_left == 0 and short.unseen == 3


def test_lowest_predicted_recall_first():
    states = [
        reviewed(1, GOOD),  # stability 2.3, due day 2
        reviewed(2, AGAIN),  # stability 0.2, due day 1
        reviewed(3, HARD),  # stability 1.3, due day 1
    ]
    result = plan(states, [1, 2, 3])
    recalls = [c.predicted_recall for c in result.cards]
    assert recalls == sorted(recalls)
    assert result.item_ids == [2, 3, 1]
    assert recalls[0] == predict_recall(states[1], DAY5)


def test_daily_new_cap_counts_items_already_introduced_today():
    settings = RoleSettings(daily_new_cap=5)
    required = list(range(1, 31))
    result = plan({}, required, settings=settings, already_introduced_today=2)
    assert [c.item_id for c in result.cards] == [1, 2, 3]
    assert all(c.is_new for c in result.cards)
    assert result.new_left_today == 0 and result.new_cap_today == 5
    assert plan({}, required, settings=settings, already_introduced_today=5).is_empty


def test_study_more_goes_beyond_the_cap_then_reviews_ahead():
    settings = RoleSettings(daily_new_cap=2)
    more = plan({}, [1, 2, 3, 4], settings=settings, study_more=True)
    assert more.item_ids == [1, 2, 3, 4]
    fresh = [reviewed(i, GOOD, GOOD, at=DAY5 - timedelta(days=2)) for i in (1, 2)]
    assert plan(fresh, [1, 2], settings=settings).is_empty  # nothing due today
    ahead = plan(fresh, [1, 2], settings=settings, study_more=True)
    assert [c.reason for c in ahead.cards] == ["ahead", "ahead"]


def test_red_line_items_are_introduced_first():
    result = plan({}, [1, 2, 3, 4, 5], red=[4, 2], settings=RoleSettings(daily_new_cap=3))
    assert result.item_ids == [2, 4, 1]
    assert [c.red_line for c in result.cards] == [True, True, False]


def test_only_required_items_are_planned():
    states = [reviewed(i, AGAIN) for i in (1, 2, 3)]
    result = plan(states, [2, 7], red=[3, 7])
    assert set(result.item_ids) == {2, 7}
    assert result.unseen == 1


def test_session_fits_the_time_budget():
    states = [reviewed(i, AGAIN) for i in range(100)]
    result = plan(states, list(range(100)) + [500])
    assert len(result.cards) == 600 // 20  # ten minutes of 20-second reviews
    assert result.estimated_seconds == 600
    assert result.due_left == 70 and not any(c.is_new for c in result.cards)
    one_minute = RoleSettings(session_minutes=1)
    tiny = plan(states, list(range(100)), settings=one_minute, seconds_per_review=3600)
    assert len(tiny.cards) == 1  # always at least one card


def test_new_items_are_interleaved_with_reviews():
    states = [reviewed(i, AGAIN) for i in range(1, 7)]
    result = plan(states, [1, 2, 3, 4, 5, 6, 20, 21])
    kinds = ["N" if c.is_new else "R" for c in result.cards]
    assert kinds == ["R", "R", "N", "R", "R", "N", "R", "R"]


def test_one_retry_at_most():
    assert should_retry(False, is_retry=False)
    assert not should_retry(False, is_retry=True)
    assert not should_retry(True, is_retry=False)


def test_red_line_items_below_threshold_are_listed_and_scheduled():
    state = reviewed(1, GOOD, GOOD)  # due some days after day 1
    other = reviewed(2, GOOD, GOOD)
    now = T0 + timedelta(days=5)
    assert state.due > now + timedelta(days=1)  # not due by fsrs
    recall = predict_recall(state, now)
    assert recall < 0.95
    assert red_line_at_risk([state, other], [1, 3], now, SETTINGS) == [(3, 0.0), (1, recall)]
    assert red_line_at_risk([state], [1], now, SETTINGS, threshold=recall) == []
    result = plan([state, other], [1, 2], red=[1], now=now)
    assert [(c.item_id, c.reason) for c in result.cards] == [(1, "red_line")]
    # not again on the study day of its last review
    again, _ = apply_answer(state, GOOD, now, SETTINGS)
    assert plan([again, other], [1, 2], red=[1], now=now + timedelta(hours=1)).is_empty


def test_go_live_refresh_on_the_last_study_days():
    state = reviewed(1, GOOD, GOOD)
    go_live = date(2025, 3, 9)
    day_before = datetime(2025, 3, 8, 1, 0, tzinfo=UTC)
    assert state.due > day_before + timedelta(days=1)
    assert predict_recall(state, datetime(2025, 3, 9, 1, tzinfo=UTC)) < 0.95
    refreshed = plan([state], [1], now=day_before, go_live=go_live)
    assert [(c.item_id, c.reason) for c in refreshed.cards] == [(1, "go_live")]
    assert plan([state], [1], now=day_before, go_live=go_live, go_live_window=0).is_empty
    # Targets already met by the forecast: nothing to refresh.
    met = {"go_live_target": 0.5, "later_target": 0.5}
    assert plan([state], [1], now=day_before, go_live=go_live, **met).is_empty
    # Earlier in the window one review fits any later day: it waits (as late as possible).
    assert plan([state], [1], now=day_before - timedelta(days=3), go_live=go_live).is_empty


def test_new_cap_rises_to_meet_go_live():
    today = date(2025, 3, 3)
    assert new_cap_today(100, today, SETTINGS) == 20
    assert new_cap_today(100, today, SETTINGS, go_live=date(2025, 3, 30)) == 20
    assert new_cap_today(100, today, SETTINGS, go_live=date(2025, 3, 8)) == 50  # 2 days left
    assert new_cap_today(100, today, SETTINGS, go_live=date(2025, 3, 5)) == 100
    result = plan({}, list(range(60)), now=T0, go_live=date(2025, 3, 8), study_more=False)
    assert result.new_cap_today == 30
