"""The forecast against a learner who studies at a steady pace under the real planner."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from quizapp import srs
from quizapp.readiness import ItemMemory, forecast_ready, is_ready, pace, pace_days, snapshot
from quizapp.srs.scheduler import review_step

SETTINGS = srs.RoleSettings(daily_new_cap=20, session_minutes=600)
START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 10:00 Shanghai


def memory_of(states: dict[int, srs.MemoryState], required: list[int], red: set[int]) -> ItemMemory:
    def day(moment):
        return srs.study_day(moment, SETTINGS).toordinal()

    present = [states.get(i) for i in required]
    return ItemMemory.build(
        [s.stability if s else None for s in present],
        [day(s.last_review) if s else None for s in present],
        [i in red for i in required],
        difficulty=[s.difficulty if s else None for s in present],
        state=[s.state if s else srs.LEARNING for s in present],
        due_day=[day(s.due) if s else None for s in present],
    )


def study(days: int, per_day: int, required: list[int], red: set[int], states=None):
    """A learner who answers ``per_day`` cards each study day, as the planner orders them
    (due and red-line reviews first, then new items up to the cap), every answer Good.
    Returns the states after each day."""
    states = dict(states or {})
    history = []
    for n in range(days):
        now = START + timedelta(days=n)
        done = introduced = 0
        while done < per_day:
            plan = srs.plan_session(states, required, red, now, SETTINGS, None, introduced)
            reviews = [c for c in plan.cards if not c.is_new]
            news = [c for c in plan.cards if c.is_new]
            cards = (reviews + news)[: per_day - done]
            if not cards:
                break
            for card in cards:
                state = states.get(card.item_id) or srs.MemoryState.new(card.item_id, now)
                states[card.item_id], _ = srs.apply_answer(state, srs.GOOD, now, SETTINGS)
                introduced += card.is_new
                done += 1
            now += timedelta(minutes=1)
        history.append(dict(states))
    return history


@pytest.mark.parametrize(("items", "per_day"), [(120, 25), (200, 40), (60, 12)])
def test_a_steady_pace_forecast_lands_within_a_day_of_the_simulated_date(items, per_day):
    required = list(range(1, items + 1))
    red = set(required[:5])
    target = 0.9
    history = study(120, per_day, required, red)
    first_day = srs.study_day(START, SETTINGS)
    ready_on = None
    for n, states in enumerate(history):
        figures = snapshot(memory_of(states, required, red), first_day.toordinal() + n + 1)
        if is_ready(figures, target):
            ready_on = first_day + timedelta(days=n + 1)
            break
    assert ready_on is not None
    # Forecast after the first week, from that day's states and pace.
    seventh = first_day + timedelta(days=6)
    per_day_counts = {seventh - timedelta(days=k): per_day for k in range(7)}
    forecast = forecast_ready(
        memory_of(history[6], required, red),
        seventh + timedelta(days=1),
        target,
        SETTINGS,
        pace(per_day_counts, seventh),
    )
    assert forecast is not None
    assert abs((forecast - ready_on).days) <= 1, (forecast, ready_on)


def test_no_forecast_before_the_first_answer_or_without_study():
    unseen = ItemMemory.build([None] * 3, [None] * 3)
    assert forecast_ready(unseen, date(2026, 3, 2), 0.9, SETTINGS, 20) is None
    seen = ItemMemory.build([3.0, None], [date(2026, 3, 1).toordinal(), None])
    assert forecast_ready(seen, date(2026, 3, 2), 0.9, SETTINGS, 0) is None
    assert forecast_ready(seen, date(2026, 3, 2), 0.9, SETTINGS, 10) is not None


def test_pace_is_answers_per_study_day_over_the_last_seven_days():
    today = date(2026, 3, 10)
    counts = {today: 14, today - timedelta(days=6): 7, today - timedelta(days=7): 100}
    assert pace(counts, today) == 3.0


def test_review_step_is_apply_answer_in_study_days():
    state = srs.MemoryState.new(1, START)
    for gap, rating in [(0, srs.GOOD), (3, srs.AGAIN), (1, srs.GOOD), (9, srs.EASY)]:
        at = (state.last_review or START) + timedelta(days=gap)
        elapsed = (
            srs.study_days_between(state.last_review, at, SETTINGS) if state.last_review else 0
        )
        step = review_step(
            state.state, state.step, state.stability, state.difficulty, elapsed, rating, 0.9
        )
        state, _ = srs.apply_answer(state, rating, at, SETTINGS)
        assert (step.state, step.stability, step.difficulty) == (
            state.state,
            state.stability,
            state.difficulty,
        )
        assert srs.study_day(at, SETTINGS) + timedelta(days=step.interval_days) == srs.study_day(
            state.due, SETTINGS
        )


def test_a_hire_who_answers_wrong_more_often_is_forecast_later():
    required = list(range(1, 101))
    states = study(5, 20, required, set())[-1]
    memory = memory_of(states, required, set())
    today = srs.study_day(START, SETTINGS) + timedelta(days=5)
    always = forecast_ready(memory, today, 0.9, SETTINGS, 20)
    often_wrong = forecast_ready(memory, today, 0.9, SETTINGS, 20, right_share=0.7)
    assert always is not None and often_wrong is not None
    assert often_wrong > always
    # The same figures give the same forecast (the wrong answers are spread, not drawn).
    assert forecast_ready(memory, today, 0.9, SETTINGS, 20, right_share=0.7) == often_wrong


def test_the_pace_of_a_new_hire_is_over_the_days_they_have_studied():
    today = date(2026, 3, 10)
    assert pace({today: 30, today - timedelta(days=2): 30}, today) == 20.0
    assert pace_days(today, None) == 7 and pace_days(today, today) == 1
    assert pace_days(today, today - timedelta(days=30)) == 7
