"""How far one person has got: learned items, predicted recall per section, streak."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import srs
from ..models import Employee, Item, ReviewLog, Section
from .service import _day_bounds, role_items, role_settings


@dataclass(frozen=True)
class SectionProgress:
    title: str
    total: int
    learned: int
    recall: float


@dataclass(frozen=True)
class Progress:
    total: int
    learned: int
    sections: list[SectionProgress]
    streak: int
    per_day: list[tuple[date, int]]
    go_live: date | None


def progress(session: Session, employee: Employee, now: datetime, days: int = 14) -> Progress:
    settings = role_settings(employee.job_role)
    items = role_items(session, employee)
    required, states = items.required, items.states
    sections: dict[int, tuple[str, list[int]]] = {}
    if required:
        rows = session.execute(
            select(Item.id, Section.id, Section.title)
            .join(Section, Section.id == Item.section_id)
            .where(Item.id.in_(list(required)))
        )
        for item_id, section_id, title in rows:
            sections.setdefault(section_id, (title, []))[1].append(item_id)
    by_section = []
    for title, ids in sections.values():
        recalls = [
            srs.predict_recall(states[i], now, settings) if i in states else 0.0 for i in ids
        ]
        learned = sum(1 for i in ids if i in states and states[i].state == srs.REVIEW)
        by_section.append(SectionProgress(title, len(ids), learned, sum(recalls) / len(recalls)))
    today, _start = _day_bounds(now, settings)
    # The streak may reach further back than the chart: read up to 90 days.
    since = srs.day_start(today - timedelta(days=max(days, 90) - 1), settings)
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
        total=len(required),
        learned=sum(s.learned for s in by_section),
        sections=by_section,
        streak=streak,
        per_day=per_day,
        go_live=employee.go_live_date,
    )
