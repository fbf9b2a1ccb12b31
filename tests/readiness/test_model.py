"""The readiness model on constructed histories with known answers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp import readiness, srs
from quizapp.readiness import (
    AT_RISK,
    CERTIFIED,
    IN_PROGRESS,
    NOT_STARTED,
    READY,
    ItemMemory,
    assess,
    recall_on,
    snapshot,
)
from quizapp.srs import AGAIN, GOOD, MemoryState, RoleSettings, apply_answer, predict_recall

SETTINGS = RoleSettings()
T0 = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)  # 09:00 Shanghai
TODAY = srs.study_day(T0, SETTINGS)


def reviewed(item_id: int, *ratings: int, start: datetime = T0) -> MemoryState:
    """An item answered once a study day from ``start`` with these ratings."""
    state = MemoryState.new(item_id, start)
    for n, rating in enumerate(ratings):
        state, _ = apply_answer(state, rating, start + timedelta(days=n), SETTINGS)
    return state


def memory_of(
    states: list[MemoryState | None],
    red_line: list[bool] | None = None,
    failed: list[bool] | None = None,
) -> ItemMemory:
    return ItemMemory.build(
        [s.stability if s else None for s in states],
        [srs.study_day(s.last_review, SETTINGS).toordinal() if s else None for s in states],
        red_line,
        failed=failed,
    )


@settings(max_examples=200, deadline=None)
@given(
    ratings=st.lists(st.sampled_from([1, 2, 3, 4]), min_size=1, max_size=6),
    gaps=st.lists(st.integers(min_value=0, max_value=40), min_size=6, max_size=6),
    later_hours=st.integers(min_value=0, max_value=24 * 400),
)
def test_recall_agrees_with_predict_recall(ratings, gaps, later_hours):
    state = MemoryState.new(1, T0)
    at = T0
    for rating, gap in zip(ratings, gaps, strict=False):
        at = at + timedelta(days=gap, hours=3)
        state, _ = apply_answer(state, rating, at, SETTINGS)
    when = at + timedelta(hours=later_hours)
    memory = memory_of([state])
    ours = recall_on(memory.stability, memory.last_day, srs.study_day(when, SETTINGS).toordinal())
    assert abs(float(ours[0]) - predict_recall(state, when, SETTINGS)) < 1e-9


def test_no_activity_is_not_started_with_readiness_zero():
    result = assess(memory_of([None] * 5), TODAY, 0.9)
    assert result.status == NOT_STARTED
    assert result.now.readiness == 0 and result.now.coverage == 0
    assert result.forecast_ready is None


def test_a_hire_who_has_not_started_is_at_risk_when_go_live_is_near():
    five = memory_of([None] * 5)
    far = assess(five, TODAY, 0.9, go_live=TODAY + timedelta(days=30), daily_new_cap=20)
    near = assess(five, TODAY, 0.9, go_live=TODAY + timedelta(days=2), daily_new_cap=20)
    assert far.status == NOT_STARTED
    assert near.status == AT_RISK and near.reasons == ("not_started",)


def test_items_failed_today_count_as_not_known_tomorrow():
    failed = [reviewed(i, AGAIN) for i in range(5)]
    # fsrs says 1.0 for the rest of the study day of the answer, and still about 0.77
    # the next day for an item first answered wrong...
    assert predict_recall(failed[0], T0 + timedelta(hours=1), SETTINGS) == 1.0
    tomorrow = srs.day_start(TODAY + timedelta(days=1), SETTINGS)
    assert 0.7 < predict_recall(failed[0], tomorrow, SETTINGS) < 0.8
    # ...but readiness counts an item last answered wrong as not known.
    result = assess(memory_of(failed, failed=[True] * 5), TODAY, 0.9)
    assert result.now.day == TODAY + timedelta(days=1)
    assert result.now.readiness == 0 and result.now.coverage == 1
    assert result.status != READY


def test_an_item_answered_right_after_a_failure_counts_again():
    relearnt = reviewed(1, AGAIN, GOOD)
    result = assess(memory_of([relearnt], failed=[False]), TODAY + timedelta(days=1), 0.9)
    assert result.now.readiness > 0.5


def test_expected_known_is_the_sum_of_recalls_not_a_count_over_a_threshold():
    states = [reviewed(1, GOOD), reviewed(2, GOOD, GOOD, GOOD), None]
    figures = snapshot(memory_of(states), TODAY.toordinal() + 5)
    recalls = [
        predict_recall(s, srs.day_start(TODAY + timedelta(days=5), SETTINGS), SETTINGS)
        for s in states[:2]
    ]
    assert figures.expected_known == pytest.approx(sum(recalls), abs=1e-9)
    assert figures.readiness == pytest.approx(sum(recalls) / 3, abs=1e-9)
    assert figures.seen == 2 and figures.coverage == pytest.approx(2 / 3)


def _at(value: float) -> ItemMemory:
    """Ten items whose recall tomorrow is exactly ``value`` (stability solved for it)."""
    elapsed = 1.0
    stability = srs.RECALL_FACTOR * elapsed / (value ** (1 / srs.RECALL_DECAY) - 1)
    last = TODAY.toordinal()
    return ItemMemory.build([stability] * 10, [last] * 10)


def test_exactly_at_target_is_ready_and_just_below_is_not():
    at_target = assess(_at(0.9), TODAY, 0.9)
    assert at_target.now.readiness == pytest.approx(0.9, abs=1e-9)
    assert at_target.status == READY
    below = assess(_at(0.899), TODAY, 0.9, go_live=TODAY + timedelta(days=30))
    assert below.status in (IN_PROGRESS, AT_RISK)


def test_a_red_line_item_below_095_blocks_ready_whatever_the_average():
    strong = _at(0.99)
    red = np.zeros(10, bool)
    red[0] = True
    stability = strong.stability.copy()
    stability[0] = srs.RECALL_FACTOR / (0.94 ** (1 / srs.RECALL_DECAY) - 1)
    memory = ItemMemory.build(list(stability), list(strong.last_day), list(red))
    result = assess(memory, TODAY, 0.9)
    assert result.now.readiness > 0.98
    assert result.now.red_lines == 1 and result.now.red_lines_at_risk == 1
    assert result.status != READY
    # Within three study days of go-live the red-line item is a risk of its own.
    near = assess(
        memory,
        TODAY,
        0.9,
        go_live=TODAY + timedelta(days=2),
        forecast_ready=TODAY + timedelta(days=1),
    )
    assert near.status == AT_RISK and "red_line" in near.reasons


def test_forgetting_lowers_readiness_at_a_later_day_without_study():
    memory = memory_of([reviewed(i, GOOD, GOOD) for i in range(4)])
    days = [TODAY.toordinal() + n for n in (1, 10, 30, 90)]
    values = [snapshot(memory, d).readiness for d in days]
    assert values == sorted(values, reverse=True) and values[0] > values[-1]
    later = assess(memory, TODAY + timedelta(days=60), 0.9)
    assert later.now.readiness < assess(memory, TODAY, 0.9).now.readiness


def test_ready_means_ready_on_go_live_day_not_just_tomorrow():
    memory = _at(0.95)
    assert assess(memory, TODAY, 0.9).status == READY  # no go-live: tomorrow counts
    result = assess(
        memory,
        TODAY,
        0.9,
        go_live=TODAY + timedelta(days=60),
        forecast_ready=TODAY + timedelta(days=1),
    )
    assert result.at_go_live.readiness < 0.9 < result.now.readiness
    assert result.status == IN_PROGRESS


def test_the_forecast_missing_go_live_is_a_risk():
    memory = memory_of([reviewed(1, GOOD), None, None])
    go_live = TODAY + timedelta(days=10)
    on_time = assess(memory, TODAY, 0.9, go_live=go_live, forecast_ready=go_live, last_active=TODAY)
    late = assess(
        memory,
        TODAY,
        0.9,
        go_live=go_live,
        forecast_ready=go_live + timedelta(days=1),
        last_active=TODAY,
    )
    never = assess(memory, TODAY, 0.9, go_live=go_live, forecast_ready=None, last_active=TODAY)
    assert on_time.status == IN_PROGRESS
    assert late.status == AT_RISK and late.reasons == ("forecast",)
    assert never.status == AT_RISK


def test_three_days_without_study_with_items_left_is_a_risk():
    memory = memory_of([reviewed(1, GOOD), None])
    two = assess(memory, TODAY, 0.9, last_active=TODAY - timedelta(days=2))
    three = assess(memory, TODAY, 0.9, last_active=TODAY - timedelta(days=3))
    assert two.status == IN_PROGRESS
    assert three.status == AT_RISK and three.reasons == ("inactive",)


def test_certified_needs_ready_and_the_exam_passed():
    assert assess(_at(0.95), TODAY, 0.9, exam_passed=True).status == CERTIFIED
    assert assess(_at(0.95), TODAY, 0.9, exam_passed=False).status == READY
    assert assess(_at(0.5), TODAY, 0.9, exam_passed=True).status != CERTIFIED


def test_statuses_are_one_vocabulary():
    assert set(readiness.STATUSES) == {NOT_STARTED, IN_PROGRESS, AT_RISK, READY, CERTIFIED}
    assert date(2025, 3, 3) == TODAY
