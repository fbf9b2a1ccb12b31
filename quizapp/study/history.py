"""The review log as history: relearning after a bank's answer changed, and rebuilding
any memory state from the log alone (what undo and overrule must preserve)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import srs
from ..models import Employee, Item, MemoryState, ReviewLog
from .curriculum import role_settings
from .memory import store, to_srs


def relearn_changed_items(session: Session, item_ids: list[int], now: datetime) -> int:
    """After an item's right answer changed: everyone who learnt it relearns it, with a
    "content changed" note on their next card. Returns how many memory states were reset.
    Runs in the caller's transaction."""
    if not item_ids:
        return 0
    versions = dict(
        session.execute(select(Item.id, Item.version).where(Item.id.in_(item_ids))).all()
    )
    count = 0
    for row in session.scalars(select(MemoryState).where(MemoryState.item_id.in_(item_ids))):
        before = to_srs(row)
        after = before.relearning(now)
        session.add(
            ReviewLog(
                employee_id=row.employee_id,
                item_id=row.item_id,
                item_version=versions[row.item_id],
                kind="reset",
                server_time=now,
                state_before=before.to_dict(),
                state_after=after.to_dict(),
            )
        )
        store(row, after, now)
        row.revision += 1
        row.changed_from_version = versions[row.item_id] - 1
        count += 1
    return count


def replay_state(session: Session, employee: Employee, item_id: int) -> srs.MemoryState | None:
    """Rebuild a memory state from the review log alone (srs.replay over the entries that
    still count); None when nothing counts, i.e. the item is new."""
    logs = session.scalars(
        select(ReviewLog)
        .where(
            ReviewLog.employee_id == employee.id,
            ReviewLog.item_id == item_id,
            ReviewLog.undone_at.is_(None),
        )
        .order_by(ReviewLog.server_time, ReviewLog.id)
    ).all()
    if not logs:
        return None
    return srs.replay([_entry(log) for log in logs], role_settings(employee.job_role))


def _entry(log: ReviewLog) -> srs.Review | srs.Reset:
    if log.kind == "reset":
        return srs.Reset(log.item_id, log.server_time)
    return srs.Review(
        item_id=log.item_id,
        item_version=log.item_version,
        rating=log.rating,
        answered_at=log.server_time,
        is_retry=log.kind in ("retry", "practice"),  # logged, not scheduled
        duration_ms=log.response_ms,
    )
