"""The go-live policy of issue 13: training below the desired retention, the allocated
refresh before go-live, the day limit, the new-item pace, the stability scale."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from quizapp.srs import (
    AGAIN,
    GOOD,
    REVIEW,
    MemoryState,
    RoleSettings,
    allocation,
    apply_answer,
    new_cap_today,
    new_pace_today,
    plan_session,
    policy,
    predict_recall,
)
from quizapp.srs.allocation import Candidate, allocate, curve, forecast, gain, stability_scale
from quizapp.srs.policy import training_retention

SETTINGS = RoleSettings()
T0 = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)  # 09:00 Shanghai, study day 2025-03-03
TODAY = date(2025, 3, 3)


def learnt(
    item_id: int,
    stability: float,
    days_ago: int,
    lapses: int = 0,
    reps: int = 3,
    expected: float | None = None,
):
    """A REVIEW state last reviewed ``days_ago`` study days before T0, with as many
    lapses as fsrs expected unless ``expected`` says otherwise."""
    last = T0 - timedelta(days=days_ago)
    expected = float(lapses) if expected is None else expected
    return MemoryState(
        item_id, REVIEW, None, stability, 5.0, last + timedelta(days=1), last, reps, lapses,
        expected,
    )  # fmt: skip


def reviewed_ids(plan) -> set[int]:
    return {c.item_id for c in plan.cards if not c.is_new}


# --- training retention ------------------------------------------------------------------


def test_training_runs_below_the_desired_retention_only_before_go_live():
    assert training_retention(SETTINGS, None) == SETTINGS.desired_retention
    assert training_retention(SETTINGS, TODAY) == pytest.approx(
        SETTINGS.desired_retention - policy.TRAINING_MARGIN
    )
    strict = replace(SETTINGS, desired_retention=0.95)
    assert training_retention(strict, TODAY) > training_retention(SETTINGS, TODAY)


def test_with_go_live_far_a_review_falls_due_under_the_training_retention():
    go_live = TODAY + timedelta(days=40)  # outside the refresh window
    train = training_retention(SETTINGS, go_live)
    # One item just above the training retention (fsrs, at 0.9, has it due), one under.
    above = next(
        s for s in (learnt(1, 5.0, d) for d in range(1, 60)) if predict_recall(s, T0) < 0.9
    )
    assert predict_recall(above, T0) > train
    under = next(
        s
        for s in (learnt(2, 5.0, d) for d in range(1, 90))
        if predict_recall(s, T0) < train - 0.03  # clear of the hire's stability scale
    )
    assert above.due < T0  # fsrs's own due date has passed
    plan = plan_session([above, under], [1, 2], [], T0, SETTINGS, go_live)
    assert [(c.item_id, c.reason) for c in plan.cards] == [(2, "due")]
    # Without a go-live date (or after it) fsrs's due date rules, as before.
    for none in (None, TODAY - timedelta(days=1)):
        plain = plan_session([above, under], [1, 2], [], T0, SETTINGS, none)
        assert reviewed_ids(plain) == {1, 2}


def test_a_role_that_asks_for_more_gets_more_reviews():
    """Monotonic in RoleSettings.desired_retention: in training and before go-live."""
    states = [learnt(i, 2.0 + i % 7, 1 + i % 11, lapses=i % 2) for i in range(60)]
    required = list(range(60))
    for go_live in (
        TODAY + timedelta(days=40),
        TODAY + timedelta(days=3),
        TODAY + timedelta(days=1),
    ):
        counts = []
        for retention in (0.75, 0.8, 0.85, 0.9, 0.95):
            settings = RoleSettings(desired_retention=retention, session_minutes=120)
            plan = plan_session(states, required, [], T0, settings, go_live)
            counts.append(len(reviewed_ids(plan)))
        assert counts == sorted(counts), (go_live, counts)
        assert counts[-1] > counts[0], (go_live, counts)


# --- the allocated refresh -----------------------------------------------------------------


def candidates(n: int = 20) -> list[Candidate]:
    return [Candidate(i, REVIEW, 1.0 + i, 5.0, 3, curve(1.0 + i, 3)) for i in range(n)]


def test_allocation_covers_the_shortfall_best_gain_first():
    cands = candidates()
    targets = (0.95, 0.85)
    chosen = allocate(cands, (0.0, 0.0), len(cands), 3, targets, 0.9)
    assert chosen
    worth = [g.at_go_live + g.later for g in chosen]
    assert worth == sorted(worth, reverse=True) or len(chosen) == 1
    before = [sum(forecast(c, 3)[k] for c in cands) for k in (0, 1)]
    covered = [sum(g.at_go_live for g in chosen), sum(g.later for g in chosen)]
    met = all(before[k] + covered[k] >= targets[k] * len(cands) for k in (0, 1))
    assert met or len(chosen) == len(cands)
    # Nothing to do when the forecasts already meet the targets.
    assert allocate(cands, (0.0, 0.0), len(cands), 3, (0.1, 0.1), 0.9) == []


def test_a_review_gains_forecast_recall():
    c = Candidate(1, REVIEW, 4.0, 5.0, 6, curve(4.0, 6))
    g = gain(c, 5, 0.9)
    assert g.at_go_live > 0 and g.later > 0


def test_the_refresh_starts_as_late_as_the_days_left_allow():
    # Items last seen 4 days ago with fsrs's stability after one right answer: far under
    # the role's targets at go-live.
    states = [learnt(i, 3.0, 4) for i in range(40)]
    required = list(range(40))
    settings = RoleSettings(session_minutes=60)
    last_day = plan_session(states, required, [], T0, settings, TODAY + timedelta(days=1))
    assert {c.reason for c in last_day.cards} <= {"due", "go_live"}
    assert any(c.reason == "go_live" for c in last_day.cards)
    early = plan_session(states, required, [], T0, settings, TODAY + timedelta(days=10))
    assert len(reviewed_ids(early)) < len(reviewed_ids(last_day))
    outside = TODAY + timedelta(days=allocation.REFRESH_DAYS_MAX + 1)
    far = plan_session(states, required, [], T0, settings, outside)
    assert not any(c.reason == "go_live" for c in far.cards)
    none = plan_session(
        states, required, [], T0, settings, TODAY + timedelta(days=1), go_live_window=0
    )
    assert not any(c.reason == "go_live" for c in none.cards)


def test_higher_targets_refresh_more():
    states = [learnt(i, 3.0 + i % 5, 2) for i in range(30)]
    required = list(range(30))
    settings = RoleSettings(session_minutes=60)
    go_live = TODAY + timedelta(days=1)
    counts = [
        len(reviewed_ids(plan_session(states, required, [], T0, settings, go_live, later_target=t)))
        for t in (0.5, 0.8, 0.9, 0.97)
    ]
    assert counts == sorted(counts) and counts[0] < counts[-1]


# --- red-line items --------------------------------------------------------------------------


def test_red_line_items_reach_the_red_line_target_for_go_live():
    item = next(
        s for s in (learnt(1, 30.0, d) for d in range(1, 90)) if predict_recall(s, T0) < 0.95
    )
    assert predict_recall(item, T0) > SETTINGS.desired_retention
    far = plan_session([item], [1], [1], T0, SETTINGS, TODAY + timedelta(days=30))
    assert far.is_empty  # in training: watched at the role's desired retention
    last = plan_session(
        [item], [1], [1], T0, SETTINGS, TODAY + timedelta(days=policy.RED_LINE_DAYS)
    )
    assert [(c.item_id, c.reason) for c in last.cards] == [(1, "red_line")]


# --- the day limit and the pace ------------------------------------------------------------


def test_a_day_stops_at_the_day_limit_but_study_more_goes_on():
    settings = RoleSettings(session_minutes=10)
    states = {i: learnt(i, 0.5, 5) for i in range(200)}  # all due
    # 50 answered today already (20 s each): 1000 s of the day's limit.
    for i in range(200, 250):
        states[i] = replace(learnt(i, 0.5, 0), last_review=T0 - timedelta(minutes=5))
    required = list(range(250))
    go_live = TODAY + timedelta(days=40)
    plan = plan_session(states, required, [], T0, settings, go_live)
    limit = policy.DAY_LIMIT * settings.session_minutes * 60
    assert plan.estimated_seconds <= limit - 50 * policy.SECONDS_PER_REVIEW
    assert plan.due_left > 0
    full = {i: replace(s, last_review=T0 - timedelta(minutes=5)) for i, s in states.items()}
    assert plan_session(
        full | {999: learnt(999, 0.5, 5)}, [*required, 999], [], T0, settings, go_live
    ).is_empty
    more = plan_session(
        full | {999: learnt(999, 0.5, 5)},
        [*required, 999],
        [],
        T0,
        settings,
        go_live,
        study_more=True,
    )
    assert not more.is_empty
    unlimited = plan_session(states, required, [], T0, settings, go_live, day_limit=None)
    assert unlimited.estimated_seconds == settings.session_minutes * 60


def test_new_items_come_at_an_even_pace_never_above_the_cap():
    cap = SETTINGS.daily_new_cap
    go_live = TODAY + timedelta(days=30)
    pace = new_pace_today(200, TODAY, SETTINGS, go_live)
    days = 30 - policy.PACE_RESERVE_DAYS
    assert pace == min(cap, -(-200 // days))
    assert new_pace_today(40, TODAY, SETTINGS, go_live) < cap
    assert new_pace_today(1000, TODAY, SETTINGS, go_live) == new_cap_today(
        1000, TODAY, SETTINGS, go_live
    )
    # Close to go-live the cap rises to meet it, as before; without go-live: the cap.
    near = TODAY + timedelta(days=5)
    assert new_pace_today(100, TODAY, SETTINGS, near) == new_cap_today(100, TODAY, SETTINGS, near)
    assert new_pace_today(100, TODAY, SETTINGS) == cap


# --- the stability scale -----------------------------------------------------------------------


def test_stability_scale_follows_the_hires_lapses():
    expected = allocation.LAPSE_SHARE * (1 - 0.8)
    at_expected = stability_scale(round(expected * 1000), 1000, 0.8, 50, 1.0)
    assert at_expected == pytest.approx(1.0, abs=0.02)
    more = [stability_scale(lapses, 1000, 0.8, 50, 1.0) for lapses in (100, 200, 300, 400)]
    assert more == sorted(more, reverse=True)
    assert stability_scale(0, 1000, 0.8, 50, 1.0) <= allocation.SCALE_MAX
    assert stability_scale(0, 0, 0.8, 50, 2.0) == pytest.approx(1.0)  # no evidence yet
    assert stability_scale(300, 1000, 0.8, 50, 0.0) == 1.0  # off


def test_a_forgetful_hire_reviews_sooner():
    go_live = TODAY + timedelta(days=40)
    train = training_retention(SETTINGS, go_live)
    item = next(
        s for s in (learnt(0, 6.0, d) for d in range(1, 90)) if predict_recall(s, T0) < train + 0.03
    )
    assert predict_recall(item, T0) > train
    others = [learnt(i, 50.0, 1, reps=5) for i in range(1, 41)]  # not due
    steady = plan_session([item, *others], list(range(41)), [], T0, SETTINGS, go_live)
    forgetful = [replace(s, lapses=3) for s in others]
    shaky = plan_session([item, *forgetful], list(range(41)), [], T0, SETTINGS, go_live)
    assert 0 not in reviewed_ids(steady) and 0 in reviewed_ids(shaky)


def test_a_hire_who_lapses_more_than_fsrs_expected_reviews_at_higher_recall():
    go_live = TODAY + timedelta(days=40)
    train = training_retention(SETTINGS, go_live)
    # Predicted recall well above the training retention, below its highest rise.
    item = next(
        s for s in (learnt(0, 6.0, d) for d in range(1, 90)) if predict_recall(s, T0) < train + 0.08
    )
    assert predict_recall(item, T0) > train + 0.05

    # 40 items, 5 answers after the first each, 1 lapse each: the lapse share the
    # stability scale expects, so only the comparison with fsrs's expectation differs.
    def hire(expected: float):
        others = [learnt(i, 50.0, 1, lapses=1, reps=6, expected=expected) for i in range(1, 41)]
        return plan_session([item, *others], list(range(41)), [], T0, SETTINGS, go_live)

    assert 0 not in reviewed_ids(hire(expected=1.0))  # lapses as fsrs expected
    assert 0 not in reviewed_ids(hire(expected=1.1))  # fewer than fsrs expected
    assert 0 in reviewed_ids(hire(expected=0.6))  # 40 lapses where 24 were expected


def test_a_hire_who_lapses_more_than_fsrs_expected_gets_more_refresh_before_go_live():
    go_live = TODAY + timedelta(days=3)
    settings = RoleSettings(session_minutes=120)

    def refresh(expected: float) -> int:
        states = [
            learnt(i, 4.0 + i % 9, 1 + i % 5, lapses=1, reps=6, expected=expected)
            for i in range(80)
        ]
        plan = plan_session(states, list(range(80)), [], T0, settings, go_live)
        return sum(1 for c in plan.cards if c.reason in ("due", "go_live"))

    assert refresh(expected=0.5) > refresh(expected=1.0)


def test_the_refresh_window_widens_with_the_lapse_ratio():
    windows = [allocation.refresh_window(e) for e in (0.0, 0.05, 0.1, 0.15, 0.5)]
    assert windows == sorted(windows)
    assert windows[0] == allocation.REFRESH_DAYS_MIN
    assert windows[-1] == windows[-2] == allocation.REFRESH_DAYS_MAX


def test_a_hire_who_lapses_more_than_fsrs_expected_starts_the_refresh_earlier():
    settings = RoleSettings(session_minutes=10)

    def refreshed(expected: float, days: int) -> int:
        # 300 items, 4 days after a review at stability 10: not due, short of the
        # targets a month after go-live; too many for the days left to take later.
        states = [learnt(i, 10.0, 4, lapses=1, reps=6, expected=expected) for i in range(300)]
        go_live = TODAY + timedelta(days=days)
        plan = plan_session(states, list(range(300)), [], T0, settings, go_live)
        return sum(1 for c in plan.cards if c.reason == "go_live")

    steady, forgetful = 1.0, 0.5  # lapses as fsrs expected; twice as many
    near, middle = allocation.REFRESH_DAYS_MIN - 2, allocation.REFRESH_DAYS_MIN + 5
    assert refreshed(steady, near) > 0 and refreshed(forgetful, near) > 0
    assert refreshed(steady, middle) == 0 and refreshed(forgetful, middle) > 0
    assert refreshed(forgetful, allocation.REFRESH_DAYS_MAX + 1) == 0


def test_a_retry_changes_nothing_the_planner_sees():
    state = MemoryState.new(1, T0)
    first, _ = apply_answer(state, AGAIN, T0, SETTINGS)
    retried, review = apply_answer(first, GOOD, T0 + timedelta(seconds=30), SETTINGS, is_retry=True)
    assert retried == first and review.is_retry


def test_time_studied_today_can_be_passed_in():
    settings = RoleSettings(session_minutes=10)
    states = {i: learnt(i, 0.5, 5) for i in range(50)}
    states[99] = replace(learnt(99, 0.5, 0), last_review=T0 - timedelta(minutes=5))
    required = [*range(50), 99]
    go_live = TODAY + timedelta(days=40)
    limit = int(policy.DAY_LIMIT * settings.session_minutes * 60)
    assert plan_session(
        states, required, [], T0, settings, go_live, studied_today_seconds=limit
    ).is_empty
    left = plan_session(
        states, required, [], T0, settings, go_live, studied_today_seconds=limit - 100
    )
    assert left.estimated_seconds <= 100 and not left.is_empty
