"""Learning progress: one memory state per (employee, item), the append-only review log,
and idempotency records that make a repeated answer a no-op."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class MemoryState(db.Model):
    """What FSRS knows of one employee's memory of one item (see quizapp.srs.MemoryState).

    `revision` counts every change: a card shown at revision n can only be answered while
    the state is still at n, so a second tab or a stale page cannot record a second review.
    """

    __tablename__ = "memory_state"
    __table_args__ = (
        UniqueConstraint("employee_id", "item_id"),
        Index("ix_memory_state_employee_due", "employee_id", "due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    state: Mapped[int] = mapped_column(Integer)
    step: Mapped[int | None] = mapped_column(Integer)
    stability: Mapped[float | None] = mapped_column(Float)
    difficulty: Mapped[float | None] = mapped_column(Float)
    due: Mapped[datetime] = mapped_column(UTCDateTime)
    last_review: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reps: Mapped[int] = mapped_column(Integer, default=0)
    lapses: Mapped[int] = mapped_column(Integer, default=0)
    # The lapses fsrs expected (srs.MemoryState.expected_lapses): what the planner
    # compares ``lapses`` with to tell a hire who forgets faster than fsrs says.
    expected_lapses: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    revision: Mapped[int] = mapped_column(Integer, default=0)
    # The rating of the last answer that scheduled the item (retries aside): readiness
    # counts an item last answered wrong as not known (quizapp.readiness).
    last_rating: Mapped[int | None] = mapped_column(Integer)
    # Set when the item's answer changed after the employee learnt it: shown once with a note.
    changed_from_version: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReviewLog(db.Model):
    """Every answer, as given. Never updated except to mark it undone; replaying the
    entries that are not undone rebuilds every memory state."""

    __tablename__ = "review_log"
    __table_args__ = (
        UniqueConstraint("employee_id", "idempotency_key"),
        Index("ix_review_log_employee_time", "employee_id", "server_time"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    item_version: Mapped[int] = mapped_column(Integer)
    # "review" (an answer), "retry" (the one immediate retry after a wrong answer: graded,
    # not scheduled), "practice" (练错题 on an item not due: graded, not scheduled) or
    # "reset" (the item's answer changed: back to relearning).
    kind: Mapped[str] = mapped_column(String(10), default="review")
    rating: Mapped[int | None] = mapped_column(Integer)
    proposed_rating: Mapped[int | None] = mapped_column(Integer)
    overruled: Mapped[bool] = mapped_column(Boolean, default=False)
    answer: Mapped[dict] = mapped_column(JSON, default=dict)
    key_points_hit: Mapped[list | None] = mapped_column(JSON)
    correct: Mapped[bool | None] = mapped_column(Boolean)
    response_ms: Mapped[int | None] = mapped_column(Integer)
    server_time: Mapped[datetime] = mapped_column(UTCDateTime)
    client_time: Mapped[datetime | None] = mapped_column(UTCDateTime)
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    state_before: Mapped[dict | None] = mapped_column(JSON)
    state_after: Mapped[dict | None] = mapped_column(JSON)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # An overrule replaces an answer's rating: the replaced entry points at its successor.
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("review_log.id"))


class IdempotencyRecord(db.Model):
    """One answer request per (employee, key), as in the IETF Idempotency-Key draft:
    `running` while it is processed, then `done` with the response to repeat."""

    __tablename__ = "idempotency_record"
    __table_args__ = (UniqueConstraint("employee_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(100))
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10), default="running")
    review_id: Mapped[int | None] = mapped_column(ForeignKey("review_log.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReadinessCache(db.Model):
    """One hire's readiness figures as computed on one study day (quizapp.study.standing).

    Valid while `study_day` is the hire's current study day and `basis` (their job role's
    settings, go-live date and the banks' import times) is unchanged; every answer, undo
    or overrule of the hire deletes the row. Only a cache: deleting rows loses nothing.
    """

    __tablename__ = "readiness_cache"

    employee_id: Mapped[int] = mapped_column(
        ForeignKey("employee.id", ondelete="CASCADE"), primary_key=True
    )
    study_day: Mapped[date] = mapped_column(Date)
    basis: Mapped[str] = mapped_column(String(64))
    figures: Mapped[dict] = mapped_column(JSON)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
