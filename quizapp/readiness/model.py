"""The readiness figures of one person, from their memory states (pure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from .. import srs


@dataclass(frozen=True)
class SectionReadiness:
    """One section of what the person must learn.

    Attributes:
        title: the section's title.
        total: its required items.
        learned: items in the scheduler's review state (answered right at least once
            since they were last forgotten).
        recall: mean predicted recall over its items at the reference time (a never
            reviewed item counts 0).
    """

    title: str
    total: int
    learned: int
    recall: float


@dataclass(frozen=True)
class Readiness:
    """All of what the person must learn: totals, and per section in teaching order."""

    total: int
    learned: int
    recall: float
    sections: tuple[SectionReadiness, ...]


def readiness(
    states: Mapping[int, srs.MemoryState],
    sections: Sequence[tuple[str, Sequence[int]]],
    at: datetime,
    settings: srs.RoleSettings,
) -> Readiness:
    """Figures of one person at ``at``.

    Args:
        states: the person's memory states by item id (items never reviewed are absent).
        sections: (title, required item ids) per section, in teaching order.
        at: the reference time (an injected "now").
        settings: the person's job-role settings (study-day boundaries, retention).
    """
    by_section = []
    recall_sum = 0.0
    for title, item_ids in sections:
        recalls = [
            srs.predict_recall(states[i], at, settings) if i in states else 0.0 for i in item_ids
        ]
        learned = sum(1 for i in item_ids if i in states and states[i].state == srs.REVIEW)
        recall_sum += sum(recalls)
        by_section.append(
            SectionReadiness(
                title, len(item_ids), learned, sum(recalls) / len(recalls) if recalls else 0.0
            )
        )
    total = sum(section.total for section in by_section)
    return Readiness(
        total=total,
        learned=sum(section.learned for section in by_section),
        recall=recall_sum / total if total else 0.0,
        sections=tuple(by_section),
    )
