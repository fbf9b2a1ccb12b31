"""Memory-state rows ↔ the scheduler's srs.MemoryState: one mapping, used by every study
service that reads or writes memory_state."""

from __future__ import annotations

from datetime import datetime

from .. import srs
from ..models import MemoryState

# The scheduler's fields of a memory state, in srs.MemoryState's order after item_id.
STATE_COLUMNS = (
    MemoryState.state,
    MemoryState.step,
    MemoryState.stability,
    MemoryState.difficulty,
    MemoryState.due,
    MemoryState.last_review,
    MemoryState.reps,
    MemoryState.lapses,
    MemoryState.expected_lapses,
)


def to_srs(row: MemoryState) -> srs.MemoryState:
    """A stored row as the scheduler's value object."""
    return srs.MemoryState(row.item_id, *(getattr(row, c.key) for c in STATE_COLUMNS))


def from_columns(item_id: int, values) -> srs.MemoryState:
    """A state from STATE_COLUMNS values read in a Core query (in that order)."""
    return srs.MemoryState(item_id, *values)


def state_columns(state: srs.MemoryState, now: datetime) -> dict:
    """A scheduler state as memory_state column values."""
    return {
        **{column.key: getattr(state, column.key) for column in STATE_COLUMNS},
        "updated_at": now,
    }


def store(row: MemoryState, state: srs.MemoryState, now: datetime) -> None:
    """Write a scheduler state into a loaded row (the caller bumps its revision)."""
    for name, value in state_columns(state, now).items():
        setattr(row, name, value)
