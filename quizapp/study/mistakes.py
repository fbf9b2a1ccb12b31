"""错题本: the items an employee got wrong lately, and a practice round over them.

Practice (练错题) is extra: an answer to an item that is not due is logged as
``kind="practice"`` and leaves its memory state alone (as the retry does), so the
scheduler's picture of what the employee remembers stays honest; an item that is due
anyway is answered as a normal review (quizapp.study.answers).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Employee, ReviewLog
from .curriculum import role_items
from .items import ItemView, load_item

#: How far back the 错题本 looks.
MISTAKE_DAYS = 30
#: Items in one practice round (the worst first).
PRACTICE_ROUND = 20
#: The answers that say what the employee knows: scheduled reviews (exam answers among
#: them), retries and practice.
ANSWER_KINDS = ("review", "retry", "practice")


@dataclass(frozen=True)
class Mistake:
    """One item of the 错题本.

    Attributes:
        item: the item as it reads now (with its right answer).
        wrong: wrong answers to it in the window.
        last_wrong_at: the latest of them.
        latest: the latest answer to the item (right or wrong), for "your answer".
    """

    item: ItemView
    wrong: int
    last_wrong_at: datetime
    latest: ReviewLog

    @property
    def fixed(self) -> bool:
        """Answered right since the last mistake."""
        return bool(self.latest.correct)


def mistakes(
    session: Session, employee: Employee, now: datetime, days: int = MISTAKE_DAYS
) -> list[Mistake]:
    """Items still in the employee's study set answered wrong in the last ``days``
    days, those not yet put right first, then the most recent mistake first."""
    since = now - timedelta(days=days)
    logs = session.scalars(
        select(ReviewLog)
        .where(
            ReviewLog.employee_id == employee.id,
            ReviewLog.server_time >= since,
            ReviewLog.undone_at.is_(None),
            ReviewLog.kind.in_(ANSWER_KINDS),
        )
        .order_by(ReviewLog.server_time, ReviewLog.id)
    ).all()
    wrong: dict[int, list[ReviewLog]] = {}
    latest: dict[int, ReviewLog] = {}
    for log in logs:
        latest[log.item_id] = log
        if log.correct is False:
            wrong.setdefault(log.item_id, []).append(log)
    if not wrong:
        return []
    required = role_items(session, employee, now).required
    found = []
    for item_id, misses in wrong.items():
        if item_id not in required:
            continue  # no longer asked of them (bank retired, role changed)
        item = load_item(session, item_id, employee.site_id)
        if item is None:
            continue
        found.append(Mistake(item, len(misses), misses[-1].server_time, latest[item_id]))
    found.sort(key=lambda m: (m.fixed, -m.last_wrong_at.timestamp(), m.item.id))
    return found


def practice_round(found: list[Mistake], size: int = PRACTICE_ROUND) -> list[int]:
    """The items of a practice round: those not yet put right, or all when every one is."""
    open_ = [m.item.id for m in found if not m.fixed]
    return (open_ or [m.item.id for m in found])[:size]
