"""A study batch: the cards announced when a session starts, counted to the end.

The scheduler re-plans on every card (an answer changes what is due), so the plan's own
length cannot serve as the session's total: it refills from the reviews that did not fit
and the bar's total grows with every answer. A batch fixes the total when it starts and
ends when that many answers have been given; "再学一会" (study more) is a batch of its own.

Plain data kept in the signed session cookie; no Flask here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date


@dataclass(frozen=True)
class Batch:
    """One batch of today's study.

    Attributes:
        day: the study day (ISO date) the batch belongs to.
        more: a "study more" batch (past today's plan).
        start: the day's answer count when the batch started.
        size: the cards announced at the start.
        due: of those, reviews (the rest are new items).
    """

    day: str
    more: bool
    start: int
    size: int
    due: int = 0

    @property
    def new(self) -> int:
        return self.size - self.due

    def done(self, answered: int) -> int:
        """Answers given in this batch (an undo can take one back)."""
        return min(self.size, max(0, answered - self.start))

    def finished(self, answered: int) -> bool:
        return self.done(answered) >= self.size

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: object) -> Batch | None:
        """The stored batch, or None when missing or not one of ours."""
        if not isinstance(data, dict):
            return None
        try:
            batch = cls(
                day=str(data["day"]),
                more=bool(data["more"]),
                start=int(data["start"]),
                size=int(data["size"]),
                due=int(data.get("due", 0)),
            )
        except (KeyError, TypeError, ValueError):
            return None
        return batch if batch.size >= 0 and batch.start >= 0 else None


def current_batch(
    stored: Batch | None,
    today: date,
    more: bool,
    answered: int,
    planned: tuple[int, int],
    fresh: bool = False,
) -> tuple[Batch, bool]:
    """The batch the employee is in, and whether it starts now.

    ``planned`` is (cards, of which reviews) of the plan just made; it sizes a new batch.
    A stored batch continues when it is today's, of the same kind, and the day's answers
    have not gone below its start (an undo across the start). ``fresh`` (the "继续" and
    "再学一会" buttons) starts a new batch once the stored one is finished; a reload of
    such a link mid-batch keeps the batch.
    """
    if (
        stored is not None
        and stored.day == today.isoformat()
        and stored.more == more
        and answered >= stored.start
        and not (fresh and stored.finished(answered))
    ):
        return stored, False
    size, due = planned
    return Batch(day=today.isoformat(), more=more, start=answered, size=size, due=due), True
