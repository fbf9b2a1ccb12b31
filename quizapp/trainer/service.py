"""Read models of the trainer pages: plain functions over a session and an injected now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ..models import Employee
from ..models.people import ACTIVE
from ..readiness import Readiness
from ..study.progress import cohort_readiness


@dataclass(frozen=True)
class Trainee:
    person: Employee
    readiness: Readiness | None  # None without a job role: nothing to learn yet


def trainees(session: Session, trainer: Employee, now: datetime) -> list[Trainee]:
    """The trainer's active trainees (带教 is this trainer), nearest go-live first, each
    with their readiness now."""
    people = list(
        session.scalars(
            select(Employee)
            .where(Employee.trainer_id == trainer.id, Employee.status == ACTIVE)
            .options(joinedload(Employee.job_role), joinedload(Employee.site))
            .order_by(Employee.go_live_date.is_(None), Employee.go_live_date, Employee.employee_no)
        )
    )
    figures = cohort_readiness(session, people, now)
    return [Trainee(person, figures.get(person.id)) for person in people]
