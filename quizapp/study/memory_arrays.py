"""Memory states as arrays: one SQL read of many people's state columns, and one
person's required items as a readiness.ItemMemory (for quizapp.study.standing and
quizapp.study.progress)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import BigInteger, ColumnElement, Integer, cast, func, select
from sqlalchemy.orm import Session

from .. import readiness, srs
from ..models import MemoryState
from ..readiness.days import study_day_ordinals
from .curriculum import RequiredItem

CHUNK = 5_000  # ids per IN list: well under every engine's parameter limit


def epoch_seconds(session: Session, column) -> ColumnElement[int]:
    """A timestamp column as whole seconds since the Unix epoch, in SQL."""
    if session.get_bind().dialect.name == "sqlite":
        return cast(func.strftime("%s", column), Integer)
    return cast(func.floor(func.extract("epoch", column)), BigInteger)


@dataclass(frozen=True)
class Curriculum:
    """A job role's required items as arrays, and a lookup from item id to position."""

    item_ids: np.ndarray
    red_line: np.ndarray
    sorted_ids: np.ndarray
    order: np.ndarray

    @classmethod
    def of(cls, items: Sequence[RequiredItem]) -> Curriculum:
        ids = np.array([item.item_id for item in items], dtype=np.int64)
        order = np.argsort(ids, kind="stable")
        return cls(ids, np.array([item.red_line for item in items], bool), ids[order], order)

    def positions(self, item_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(positions, mask): where each given item sits, and which are required."""
        if self.sorted_ids.size == 0:
            return np.zeros(0, np.int64), np.zeros(item_ids.size, bool)
        at = np.searchsorted(self.sorted_ids, item_ids).clip(0, self.sorted_ids.size - 1)
        mask = self.sorted_ids[at] == item_ids
        return self.order[at[mask]], mask


def memory_rows(session: Session, person_ids: list[int]) -> np.ndarray:
    """Every memory state of these people, as an int/float array of columns: employee,
    item, state, step (-1 for none), stability, difficulty, last review, due (epoch s),
    reps, last rating (0 for none)."""
    last = epoch_seconds(session, MemoryState.last_review)
    due = epoch_seconds(session, MemoryState.due)
    query = select(
        MemoryState.employee_id,
        MemoryState.item_id,
        MemoryState.state,
        func.coalesce(MemoryState.step, -1),
        MemoryState.stability,
        MemoryState.difficulty,
        last,
        due,
        MemoryState.reps,
        func.coalesce(MemoryState.last_rating, 0),
    ).where(MemoryState.last_review.is_not(None))
    parts = []
    for start in range(0, len(person_ids), CHUNK):
        chunk = person_ids[start : start + CHUNK]
        result = session.execute(query.where(MemoryState.employee_id.in_(chunk))).all()
        if result:
            # Plain tuples: given Row objects NumPy probes each for the array protocol.
            parts.append(np.array([tuple(row) for row in result], dtype=np.float64))
    if not parts:
        return np.zeros((0, 10))
    return np.concatenate(parts)


def item_memory(
    curriculum_ids: np.ndarray,
    red_line: np.ndarray,
    rows: np.ndarray,
    positions: np.ndarray,
    mask: np.ndarray,
    settings: srs.RoleSettings,
) -> readiness.ItemMemory:
    """The arrays of one person's required items from their memory rows (see
    memory_rows); ``positions``/``mask`` place the rows among the required items."""
    size = curriculum_ids.size
    mine = rows[mask]
    stability = np.full(size, np.nan)
    difficulty = np.full(size, np.nan)
    state = np.full(size, srs.LEARNING, dtype=np.int64)
    last_day = np.full(size, readiness.model.UNSEEN, dtype=np.int64)
    due_day = np.full(size, readiness.model.UNSEEN, dtype=np.int64)
    stability[positions] = mine[:, 4]
    difficulty[positions] = mine[:, 5]
    state[positions] = mine[:, 2].astype(np.int64)
    last_day[positions] = study_day_ordinals(mine[:, 6].astype(np.int64), settings)
    due_day[positions] = study_day_ordinals(mine[:, 7].astype(np.int64), settings)
    failed = np.zeros(size, bool)
    failed[positions] = mine[:, 9] == srs.AGAIN
    return readiness.ItemMemory(stability, last_day, red_line, difficulty, state, due_day, failed)
