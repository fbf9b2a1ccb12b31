"""Each hire's recent study, read for many at once: the pace and the share of right
answers the readiness forecast runs at (quizapp.study.standing)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from .. import readiness, srs
from ..models import Employee, ReviewLog
from .memory_arrays import CHUNK


class Hire(Protocol):
    person_id: int
    settings: srs.RoleSettings
    today: date


@dataclass(frozen=True)
class Recent:
    """A hire's recent study, for the forecast."""

    answers: int  # over the last PACE_DAYS study days
    today: int  # answers today
    wrong: int  # of `answers`, rated Again
    first_answer: datetime | None  # their first answer ever

    def answers_per_day(self, today: date, settings: srs.RoleSettings) -> float:
        first = None if self.first_answer is None else srs.study_day(self.first_answer, settings)
        return self.answers / readiness.pace_days(today, first)

    @property
    def right_share(self) -> float:
        return 1.0 - self.wrong / self.answers if self.answers else 1.0


def recent_answers(session: Session, hires: Sequence[Hire]) -> dict[int, Recent]:
    """Per person with answers over the last PACE_DAYS study days: their recent study."""
    found: dict[int, tuple[int, int, int]] = {}
    groups: dict[tuple[srs.RoleSettings, date], list[int]] = {}
    for hire in hires:
        groups.setdefault((hire.settings, hire.today), []).append(hire.person_id)
    for (settings, today), ids in groups.items():
        since = srs.day_start(today - timedelta(days=readiness.PACE_DAYS - 1), settings)
        today_start = srs.day_start(today, settings)
        until = srs.day_start(today + timedelta(days=1), settings)
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            for person_id, recent, answered_today, wrong in session.execute(
                select(
                    ReviewLog.employee_id,
                    func.count(),
                    func.sum(case((ReviewLog.server_time >= today_start, 1), else_=0)),
                    func.sum(case((ReviewLog.rating == srs.AGAIN, 1), else_=0)),
                )
                .where(
                    ReviewLog.employee_id.in_(chunk),
                    ReviewLog.server_time >= since,
                    ReviewLog.server_time < until,
                    ReviewLog.kind == "review",
                    ReviewLog.undone_at.is_(None),
                )
                .group_by(ReviewLog.employee_id)
            ):
                found[person_id] = (int(recent), int(answered_today or 0), int(wrong or 0))
    # The first answer of those who studied lately: one index lookup each (the review
    # log's (employee, time) index answers min() directly).
    first_answers: dict[int, datetime] = {}
    studied = sorted(found)
    first = (
        select(func.min(ReviewLog.server_time))
        .where(ReviewLog.employee_id == Employee.id)
        .correlate(Employee)
        .scalar_subquery()
    )
    for start in range(0, len(studied), CHUNK):
        chunk = studied[start : start + CHUNK]
        first_answers.update(
            session.execute(select(Employee.id, first).where(Employee.id.in_(chunk))).all()
        )
    return {
        person_id: Recent(*counts, first_answers.get(person_id))
        for person_id, counts in found.items()
    }
