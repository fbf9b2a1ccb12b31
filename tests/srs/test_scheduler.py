"""The fsrs adapter: study-day elapsed time, no same-day steps, replay, recall."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from quizapp.srs import (
    AGAIN,
    GOOD,
    HARD,
    REVIEW,
    MemoryState,
    RoleSettings,
    apply_answer,
    day_start,
    predict_recall,
    replay,
    scheduler_for,
    study_day,
)
from quizapp.srs import scheduler as adapter
from quizapp.srs.scheduler import NAIVE_ELAPSED, RECALL_DECAY, RECALL_FACTOR

SETTINGS = RoleSettings()
T0 = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)  # Monday 09:00 in Shanghai


def answer(state, rating, at, **kwargs):
    new_state, _ = apply_answer(state, rating, at, SETTINGS, **kwargs)
    return new_state


def test_scheduler_is_deterministic_without_steps_and_cached():
    scheduler = scheduler_for(SETTINGS)
    assert scheduler is scheduler_for(RoleSettings())
    assert scheduler is not scheduler_for(RoleSettings(desired_retention=0.95))
    assert scheduler.enable_fuzzing is False
    assert scheduler.learning_steps == () and scheduler.relearning_steps == ()
    assert scheduler.desired_retention == 0.9


def test_item_id_is_the_fsrs_card_id():
    assert adapter._to_card(MemoryState.new(1234, T0), None).card_id == 1234


def test_next_morning_slightly_earlier_counts_as_a_day():
    first = answer(MemoryState.new(1, T0), GOOD, T0)
    next_morning = T0 + timedelta(hours=23, minutes=50)  # 08:50 the next day
    ours = answer(first, GOOD, next_morning)
    naive = answer(first, GOOD, next_morning, variant=NAIVE_ELAPSED)
    # fsrs sees 0 days in the naive variant and barely moves stability.
    assert naive.stability == pytest.approx(first.stability, rel=0.1)
    assert ours.stability > 2 * first.stability
    # Ours equals a review exactly one day later as fsrs counts it.
    one_day = answer(first, GOOD, next_morning.replace(hour=1, minute=0) + timedelta(minutes=1))
    assert ours.stability == one_day.stability


def test_due_dates_land_on_study_day_starts():
    state = MemoryState.new(1, T0)
    at = T0
    for rating in (GOOD, GOOD, AGAIN, GOOD, HARD):
        state = answer(state, rating, at)
        local = state.due.astimezone(SETTINGS.zone)
        assert (local.hour, local.minute, local.second) == (4, 0, 0)
        assert state.due == day_start(study_day(state.due, SETTINGS), SETTINGS)
        at = state.due + timedelta(hours=13, minutes=17)  # study at 17:17 on the due day


def test_no_same_day_learning_steps():
    for rating in (AGAIN, HARD, GOOD):
        state = answer(MemoryState.new(1, T0), rating, T0)
        assert state.state == REVIEW and state.step is None
        assert state.due >= day_start(date(2025, 3, 4), SETTINGS)
    reviewed = answer(MemoryState.new(1, T0), GOOD, T0)
    lapsed = answer(reviewed, AGAIN, reviewed.due + timedelta(hours=5))
    assert lapsed.state == REVIEW
    assert study_day(lapsed.due, SETTINGS) > study_day(reviewed.due, SETTINGS)
    assert lapsed.lapses == 1 and lapsed.reps == 2


def test_a_retry_is_logged_but_leaves_the_state_alone():
    wrong = answer(MemoryState.new(1, T0), AGAIN, T0)
    after, review = apply_answer(wrong, GOOD, T0 + timedelta(seconds=40), SETTINGS, is_retry=True)
    assert after == wrong
    assert review.is_retry and review.rating == GOOD and review.item_id == 1


def test_replay_reproduces_the_state_exactly():
    settings = RoleSettings(desired_retention=0.85)
    state = MemoryState.new(9, T0)
    log = []
    at = T0
    for n, rating in enumerate([AGAIN, GOOD, GOOD, AGAIN, GOOD, HARD, GOOD]):
        state, review = apply_answer(state, rating, at, settings, item_version=1 + n // 4)
        log.append(review)
        if rating == AGAIN:  # the retry goes into the log too
            _, retry = apply_answer(
                state, GOOD, at + timedelta(seconds=30), settings, is_retry=True
            )
            log.append(retry)
        at = state.due + timedelta(hours=n * 3 % 17, minutes=n * 7)
    assert replay(log, settings) == state
    assert replay(reversed(log), settings) == state  # order comes from answered_at
    # as read back from a database: dicts with naive UTC datetimes
    rows = [{**r.to_dict(), "answered_at": r.answered_at.replace(tzinfo=None)} for r in log]
    assert replay([type(log[0]).from_dict(row) for row in rows], settings) == state


def test_replay_rejects_empty_or_mixed_logs():
    _, one = apply_answer(MemoryState.new(1, T0), GOOD, T0, SETTINGS)
    _, two = apply_answer(MemoryState.new(2, T0), GOOD, T0, SETTINGS)
    with pytest.raises(ValueError):
        replay([], SETTINGS)
    with pytest.raises(ValueError):
        replay([one, two], SETTINGS)


def test_same_answers_give_same_states():
    def run():
        state, at = MemoryState.new(5, T0), T0
        for rating in (GOOD,) * 6:
            state = answer(state, rating, at)
            at = state.due + timedelta(hours=6)
        return state

    state = run()
    assert state == run()
    assert (state.due - state.last_review).days > 30  # long intervals: fuzzing would show


def test_naive_answer_time_is_utc():
    aware = answer(MemoryState.new(1, T0), GOOD, T0)
    naive = answer(MemoryState.new(1, T0), GOOD, T0.replace(tzinfo=None))
    assert aware == naive


def test_predict_recall_falls_over_time():
    state = answer(MemoryState.new(1, T0), GOOD, T0)
    state = answer(state, GOOD, state.due + timedelta(hours=5))
    assert predict_recall(state, state.last_review) == 1.0
    times = [state.last_review + timedelta(hours=7 * n) for n in range(200)]
    recalls = [predict_recall(state, t) for t in times]
    assert all(a >= b for a, b in zip(recalls, recalls[1:], strict=False))
    first_day = day_start(study_day(state.last_review, SETTINGS), SETTINGS)
    days = [predict_recall(state, first_day + timedelta(days=n, hours=1)) for n in range(1, 60)]
    assert all(a > b for a, b in zip(days, days[1:], strict=False))
    assert 0.0 < days[-1] < days[0] < 1.0
    assert predict_recall(MemoryState.new(2, T0), T0) == 0.0


def test_recall_at_due_is_about_the_desired_retention():
    state = answer(MemoryState.new(1, T0), GOOD, T0)
    state = answer(state, GOOD, state.due + timedelta(hours=5))
    assert predict_recall(state, state.due) == pytest.approx(0.9, abs=0.02)
    elapsed = (study_day(state.due, SETTINGS) - study_day(state.last_review, SETTINGS)).days
    assert state.stability is not None
    curve = (1 + RECALL_FACTOR * elapsed / state.stability) ** RECALL_DECAY
    assert predict_recall(state, state.due) == pytest.approx(curve)


def test_expected_lapses_add_up_what_fsrs_did_not_expect_to_be_recalled():
    first = answer(MemoryState.new(1, T0), GOOD, T0)
    assert first.expected_lapses == 0.0  # nothing was predicted for a first sight
    at = first.due + timedelta(hours=3)
    predicted = predict_recall(first, at, SETTINGS)
    second = answer(first, AGAIN, at)
    assert second.expected_lapses == pytest.approx(1.0 - predicted)
    retried, _ = apply_answer(second, GOOD, at + timedelta(seconds=30), SETTINGS, is_retry=True)
    assert retried.expected_lapses == second.expected_lapses
    later = second.due + timedelta(days=2)
    third = answer(second, GOOD, later)
    assert third.expected_lapses == pytest.approx(
        1.0 - predicted + 1.0 - predict_recall(second, later, SETTINGS)
    )
    assert MemoryState.from_dict(third.to_dict()) == third
