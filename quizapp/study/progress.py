"""One hire's readiness report: the figures of the cohort table (quizapp.study.standing,
so the pages and the CLI never disagree) and the detail behind them: mastery per section,
red-line items, the weakest items, answers per day and the streak."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import readiness, srs
from ..bank import variables as vx
from ..facts.service import bank_defaults, site_values
from ..models import Bank, Employee, Item, ReviewLog, Section
from ..readiness.days import study_day_ordinals
from .curriculum import LIVE, required_of_person, role_settings
from .memory_arrays import Curriculum, epoch_seconds, item_memory, memory_rows
from .standing import Standing, standings

CALENDAR_DAYS = 84  # twelve weeks of answers per day
STREAK_DAYS = 365  # the streak may reach further back than the calendar
WEAKEST = 10


@dataclass(frozen=True)
class SectionMastery:
    """One section: its items, those mastered and mean predicted recall (next study day)."""

    title: str
    total: int
    mastered: int
    recall: float


@dataclass(frozen=True)
class ItemRecall:
    """One required item as the report shows it."""

    item_id: int
    question: str
    section: str
    recall: float
    seen: bool
    last_correct: bool | None
    red_line: bool
    last_review: date | None


@dataclass(frozen=True)
class Report:
    standing: Standing
    mastered: int
    sections: tuple[SectionMastery, ...]
    red_lines: tuple[ItemRecall, ...]
    weakest: tuple[ItemRecall, ...]
    per_day: tuple[tuple[date, int], ...]
    streak: int
    today: date

    @property
    def days_to_go_live(self) -> int | None:
        go_live = self.standing.go_live
        return None if go_live is None else (go_live - self.today).days

    @property
    def answers_total(self) -> int:
        return sum(count for _day, count in self.per_day)


def _questions(session: Session, person: Employee, section_ids: set[int]) -> dict[int, str]:
    """Item id → question, with the company facts of the person's site filled in."""
    rows = session.execute(
        select(Item.id, Item.question, Item.variables, Bank.variables)
        .join(Section, Section.id == Item.section_id)
        .join(Bank, Bank.id == Section.bank_id)
        .where(Section.id.in_(section_ids), *LIVE)
    ).all()
    values = site_values(session, person.site_id) if any(row[2] for row in rows) else {}
    return {
        item_id: vx.fill(question, vx.resolve(names, bank_defaults(declared), values))
        if names
        else question
        for item_id, question, names, declared in rows
    }


def report(session: Session, person: Employee, now: datetime) -> Report | None:
    """The report of one person with something to learn: a job role or an assignment
    (None without either)."""
    items = required_of_person(session, person, now)
    if person.job_role_id is None and not items:
        return None
    [standing] = standings(session, now, [Employee.id == person.id], only_hires=False)
    settings = role_settings(person.job_role)
    today = srs.study_day(now, settings)
    curriculum = Curriculum.of(items)
    rows = memory_rows(session, [person.id])
    positions, mask = curriculum.positions(rows[:, 1].astype(np.int64))
    memory = item_memory(curriculum.item_ids, curriculum.red_line, rows, positions, mask, settings)
    figures = readiness.snapshot(memory, readiness.evaluation_day(today))
    last_correct = _last_correct(session, person.id)
    questions = _questions(session, person, {item.section_id for item in items})
    entries = [
        ItemRecall(
            item_id=item.item_id,
            question=questions.get(item.item_id, ""),
            section=item.section_title,
            recall=float(figures.recall[index]),
            seen=bool(memory.seen[index]),
            last_correct=last_correct.get(item.item_id),
            red_line=item.red_line,
            last_review=(
                date.fromordinal(int(memory.last_day[index])) if memory.seen[index] else None
            ),
        )
        for index, item in enumerate(items)
    ]
    target = standing.target

    def mastered(entry: ItemRecall) -> bool:
        # Known tomorrow as the role requires, and the last answer was right.
        return entry.recall >= target and entry.last_correct is True

    sections: dict[int, list[ItemRecall]] = {}
    for item, entry in zip(items, entries, strict=True):
        sections.setdefault(item.section_id, []).append(entry)
    per_day, streak = _activity(session, person.id, today, settings)
    seen = [entry for entry in entries if entry.seen]
    return Report(
        standing=standing,
        mastered=sum(1 for entry in entries if mastered(entry)),
        sections=tuple(
            SectionMastery(
                group[0].section,
                len(group),
                sum(1 for entry in group if mastered(entry)),
                sum(entry.recall for entry in group) / len(group),
            )
            for group in sections.values()
        ),
        red_lines=tuple(sorted((e for e in entries if e.red_line), key=lambda e: e.recall)),
        weakest=tuple(sorted(seen, key=lambda e: (e.recall, e.item_id))[:WEAKEST]),
        per_day=per_day,
        streak=streak,
        today=today,
    )


def _last_correct(session: Session, employee_id: int) -> dict[int, bool | None]:
    """Whether each item's last answer (not undone, not a retry) was right."""
    latest = (
        select(func.max(ReviewLog.id))
        .where(
            ReviewLog.employee_id == employee_id,
            ReviewLog.kind == "review",
            ReviewLog.undone_at.is_(None),
        )
        .group_by(ReviewLog.item_id)
    )
    return dict(
        session.execute(
            select(ReviewLog.item_id, ReviewLog.correct).where(ReviewLog.id.in_(latest))
        ).all()
    )


def _activity(
    session: Session, employee_id: int, today: date, settings: srs.RoleSettings
) -> tuple[tuple[tuple[date, int], ...], int]:
    """Answers per study day over CALENDAR_DAYS, and the streak of study days."""
    since = srs.day_start(today - timedelta(days=STREAK_DAYS - 1), settings)
    seconds = session.scalars(
        select(epoch_seconds(session, ReviewLog.server_time)).where(
            ReviewLog.employee_id == employee_id,
            ReviewLog.server_time >= since,
            ReviewLog.undone_at.is_(None),
            ReviewLog.kind == "review",
        )
    ).all()
    days, day_counts = np.unique(
        study_day_ordinals(np.array(seconds, dtype=np.int64), settings), return_counts=True
    )
    counts = {date.fromordinal(int(day)): int(n) for day, n in zip(days, day_counts, strict=True)}
    per_day = tuple(
        (today - timedelta(days=n), counts.get(today - timedelta(days=n), 0))
        for n in reversed(range(CALENDAR_DAYS))
    )
    streak = 0
    day = today if counts.get(today) else today - timedelta(days=1)
    while counts.get(day):
        streak += 1
        day -= timedelta(days=1)
    return per_day, streak
