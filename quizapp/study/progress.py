"""How far people have got: one person's progress page, and a cohort's figures for the
staff pages. Both read the rows here and leave the figures to quizapp.readiness."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import srs
from ..models import Employee, Item, MemoryState, ReviewLog, Section
from ..readiness import Readiness, SectionReadiness, readiness
from .curriculum import required_of_roles, role_items, role_settings
from .memory import to_srs
from .session import day_bounds

STREAK_DAYS = 90  # the streak may reach further back than the chart: read this many days


@dataclass(frozen=True)
class Progress:
    total: int
    learned: int
    sections: tuple[SectionReadiness, ...]
    streak: int
    per_day: list[tuple[date, int]]
    go_live: date | None


def progress(session: Session, employee: Employee, now: datetime, days: int = 14) -> Progress:
    """One person's progress: readiness per section now, answers per day, the streak."""
    settings = role_settings(employee.job_role)
    items = role_items(session, employee)
    sections: dict[int, tuple[str, list[int]]] = {}
    if items.required:
        rows = session.execute(
            select(Item.id, Section.id, Section.title)
            .join(Section, Section.id == Item.section_id)
            .where(Item.id.in_(list(items.required)))
        )
        for item_id, section_id, title in rows:
            sections.setdefault(section_id, (title, []))[1].append(item_id)
    figures = readiness(items.states, list(sections.values()), now, settings)
    today, _start = day_bounds(now, settings)
    since = srs.day_start(today - timedelta(days=max(days, STREAK_DAYS) - 1), settings)
    times = session.scalars(
        select(ReviewLog.server_time).where(
            ReviewLog.employee_id == employee.id,
            ReviewLog.server_time >= since,
            ReviewLog.undone_at.is_(None),
            ReviewLog.kind == "review",
        )
    ).all()
    counts = Counter(srs.study_day(t, settings) for t in times)
    per_day = [
        (today - timedelta(days=n), counts.get(today - timedelta(days=n), 0))
        for n in reversed(range(days))
    ]
    streak = 0
    day = today if counts.get(today) else today - timedelta(days=1)
    while counts.get(day):
        streak += 1
        day -= timedelta(days=1)
    return Progress(
        total=figures.total,
        learned=figures.learned,
        sections=figures.sections,
        streak=streak,
        per_day=per_day,
        go_live=employee.go_live_date,
    )


def cohort_readiness(
    session: Session, people: Sequence[Employee], now: datetime
) -> dict[int, Readiness]:
    """Readiness of each person (by id) who has a job role, in two queries for the whole
    cohort: the roles' required items, and the people's memory states of them."""
    with_role = [person for person in people if person.job_role_id is not None]
    required = required_of_roles(session, {person.job_role_id for person in with_role})
    wanted = {item.item_id for items in required.values() for item in items}
    states: dict[int, dict[int, srs.MemoryState]] = {person.id: {} for person in with_role}
    if with_role and wanted:
        rows = session.scalars(
            select(MemoryState).where(
                MemoryState.employee_id.in_(list(states)), MemoryState.item_id.in_(wanted)
            )
        )
        for row in rows:
            states[row.employee_id][row.item_id] = to_srs(row)
    figures = {}
    for person in with_role:
        sections: dict[int, tuple[str, list[int]]] = {}
        for item in required[person.job_role_id]:
            sections.setdefault(item.section_id, (item.section_title, []))[1].append(item.item_id)
        figures[person.id] = readiness(
            states[person.id], list(sections.values()), now, role_settings(person.job_role)
        )
    return figures
