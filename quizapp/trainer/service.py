"""Read models of the trainer pages: plain functions over a session and an injected now."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ..models import Employee
from ..study.standing import Standing, standings


def trainees(session: Session, trainer: Employee, now: datetime) -> list[Standing]:
    """The trainer's active trainees (带教 is this trainer), nearest go-live first, each
    with their readiness, status and forecast."""
    found = standings(session, now, [Employee.trainer_id == trainer.id])
    return sorted(found, key=lambda s: (s.go_live is None, s.go_live, s.employee_no))
