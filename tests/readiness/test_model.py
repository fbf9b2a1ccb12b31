"""The readiness read model: figures per section and overall from memory states alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from quizapp.readiness import readiness
from quizapp.srs import AGAIN, GOOD, MemoryState, RoleSettings, apply_answer, predict_recall

SETTINGS = RoleSettings()
T0 = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)  # 09:00 Shanghai


def reviewed(item_id: int, *ratings: int) -> MemoryState:
    state = MemoryState.new(item_id, T0)
    for n, rating in enumerate(ratings):
        state, _ = apply_answer(state, rating, T0 + timedelta(days=n), SETTINGS)
    return state


def test_sections_and_totals_from_states():
    states = {1: reviewed(1, GOOD, GOOD), 2: reviewed(2, AGAIN), 4: reviewed(4, GOOD)}
    at = T0 + timedelta(days=9)
    figures = readiness(states, [("接待", [1, 2, 3]), ("消防", [4])], at, SETTINGS)
    first, second = figures.sections
    assert (first.title, first.total, second.title, second.total) == ("接待", 3, "消防", 1)
    # Learned: in the scheduler's review state, which with no same-day steps is any item
    # answered at all, even wrongly; a never-reviewed item counts 0 recall.
    assert (first.learned, second.learned, figures.learned) == (2, 1, 3)
    expected = [predict_recall(states[i], at, SETTINGS) for i in (1, 2)] + [0.0]
    assert first.recall == pytest.approx(sum(expected) / 3, abs=1e-12)
    assert second.recall == pytest.approx(predict_recall(states[4], at, SETTINGS), abs=1e-12)
    overall = (sum(expected) + predict_recall(states[4], at, SETTINGS)) / 4
    assert figures.total == 4 and figures.recall == pytest.approx(overall, abs=1e-12)


def test_nothing_to_learn_and_nothing_learnt():
    empty = readiness({}, [], T0, SETTINGS)
    assert (empty.total, empty.learned, empty.recall, empty.sections) == (0, 0, 0.0, ())
    fresh = readiness({}, [("接待", [1, 2])], T0, SETTINGS)
    assert fresh.recall == 0.0 and fresh.sections[0].learned == 0


def test_states_of_items_not_required_are_ignored():
    states = {1: reviewed(1, GOOD), 9: reviewed(9, GOOD)}
    figures = readiness(states, [("接待", [1])], T0 + timedelta(days=3), SETTINGS)
    assert figures.total == 1 and figures.learned == 1
