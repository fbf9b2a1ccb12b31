"""Read models of the trainer pages: plain functions over a session and an injected now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Bank, Employee, JobRole, Section
from ..study.answers import OVERRULE_WINDOW, overrules_to_right
from ..study.standing import Standing, standings


def trainees(session: Session, trainer: Employee, now: datetime) -> list[Standing]:
    """The trainer's active trainees (带教 is this trainer), nearest go-live first, each
    with their readiness, status and forecast."""
    found = standings(session, now, [Employee.trainer_id == trainer.id])
    return sorted(found, key=lambda s: (s.go_live is None, s.go_live, s.employee_no))


def overrule_counts(session: Session, people: list[Standing], now: datetime) -> dict[int, int]:
    """How often each of these people overruled the grader to "我答对了" in the last 30 days
    (OVERRULE_WINDOW), by person id; people with none are missing. One query. The caller
    passes only people it may see (the trainer's own trainees)."""
    return overrules_to_right(session, [p.person_id for p in people], now - OVERRULE_WINDOW)


@dataclass(frozen=True)
class AnalysisChoices:
    """The options of the item-analysis filters: (id, label) pairs."""

    banks: list[tuple[int, str]]
    sections: list[tuple[int, str]]
    job_roles: list[tuple[int, str]]


def analysis_choices(session: Session, bank_id: int | None = None) -> AnalysisChoices:
    """Every bank, the sections (of one bank when given; each labelled with its bank
    otherwise) and every job role, for the item-analysis filters. Three queries."""
    banks = session.execute(select(Bank.id, Bank.title).order_by(Bank.title, Bank.id)).all()
    query = (
        select(Section.id, Section.title, Bank.title)
        .join(Bank, Bank.id == Section.bank_id)
        .order_by(Bank.title, Bank.id, Section.position)
    )
    if bank_id is not None:
        query = query.where(Section.bank_id == bank_id)
    sections = [
        (section_id, title if bank_id is not None else f"{bank} · {title}")
        for section_id, title, bank in session.execute(query)
    ]
    roles = session.execute(select(JobRole.id, JobRole.name).order_by(JobRole.name)).all()
    return AnalysisChoices(
        banks=[tuple(row) for row in banks],
        sections=sections,
        job_roles=[tuple(row) for row in roles],
    )
