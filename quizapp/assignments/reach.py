"""Live assignments as plain values: whom each reaches, when it is due for a person, and
what it contains. Read in a fixed number of queries (the assignments, their contents and
named people), then matched to people in Python, so a cohort of any size costs the same.

quizapp.study.curriculum asks this module which assignments reach a person; audience.py
says the same thing as SQL (for one assignment's people, or one person's assignments).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..models import Assignment, Employee
from ..models.people import ACTIVE
from .audience import parameterised_person, person_parameters, reaching

# One thing to learn: (bank_id, section_id, tag); a bank is (id, None, None), a section
# (None, id, None) and a tag of a bank (id, None, tag).
Content = tuple[int | None, int | None, str | None]


@dataclass(frozen=True)
class Assigned:
    """One live assignment, as the curriculum and the completion figures need it."""

    id: int
    title: str
    audience: str
    job_role_id: int | None
    site_id: int | None
    trainer_id: int | None
    people: frozenset[int]
    exam_id: int | None
    starts_on: date
    due_on: date | None
    due_days: int | None
    contents: tuple[Content, ...]
    changed_at: datetime | None

    @classmethod
    def of(cls, row: Assignment) -> Assigned:
        return cls(
            id=row.id,
            title=row.title,
            audience=row.audience,
            job_role_id=row.job_role_id,
            site_id=row.site_id,
            trainer_id=row.trainer_id,
            people=frozenset(person.employee_id for person in row.people),
            exam_id=row.exam_id,
            starts_on=row.starts_on,
            due_on=row.due_on,
            due_days=row.due_days,
            contents=tuple((c.bank_id, c.section_id, c.tag) for c in row.contents),
            changed_at=max(filter(None, (row.created_at, row.updated_at)), default=None),
        )

    def due_for(self, hire_date: date | None) -> date:
        """The person's due date: fixed, or (standing) ``due_days`` after the later of
        their hire date and the start date."""
        return due_date(self.starts_on, self.due_on, self.due_days, hire_date)

    def reaches(
        self, person_id: int, job_role_id: int | None, site_id: int | None, trainer_id: int | None
    ) -> bool:
        """As audience.members, for an active person described by plain values."""
        if self.trainer_id is not None and trainer_id != self.trainer_id:
            return False
        if self.audience == "role":
            return (
                job_role_id is not None
                and job_role_id == self.job_role_id
                and (self.site_id is None or self.site_id == site_id)
            )
        if self.audience == "site":
            return site_id is not None and site_id == self.site_id
        if self.audience == "people":
            return person_id in self.people
        return False


def due_date(
    starts_on: date, due_on: date | None, due_days: int | None, hire_date: date | None
) -> date:
    if due_on is not None:
        return due_on
    start = max(starts_on, hire_date) if hire_date is not None else starts_on
    return start + timedelta(days=due_days or 0)


def _query():
    return (
        select(Assignment)
        .options(selectinload(Assignment.contents), selectinload(Assignment.people))
        .order_by(Assignment.id)
    )


_LIVE = _query().where(Assignment.archived_at.is_(None))  # built once: every banner reads it


def live_assignments(session: Session) -> list[Assigned]:
    """Every live (not archived) assignment: three queries, however many."""
    return [Assigned.of(row) for row in session.scalars(_LIVE).all()]


def assignments_of(session: Session, person: Employee) -> list[Assigned]:
    """The live assignments reaching one person (started or not)."""
    if person.status != ACTIVE:
        return []
    missing, params = person_parameters(person)
    return [Assigned.of(row) for row in session.scalars(_reaching_query(missing), params)]


@lru_cache(maxsize=16)
def _reaching_query(missing: frozenset[str]):
    """`audience.reaching` for a person whose ``missing`` attributes are None, built once
    (audience.parameterised_person)."""
    return _query().where(reaching(Assignment, parameterised_person(missing)))


class AssignmentIndex:
    """Live assignments by what they reach, to find a person's in a few lookups."""

    def __init__(self, assignments: Iterable[Assigned]) -> None:
        self.by_role: dict[int, list[Assigned]] = {}
        self.by_site: dict[int, list[Assigned]] = {}
        self.by_person: dict[int, list[Assigned]] = {}
        self.all: list[Assigned] = []
        for assignment in assignments:
            self.all.append(assignment)
            if assignment.audience == "role" and assignment.job_role_id is not None:
                self.by_role.setdefault(assignment.job_role_id, []).append(assignment)
            elif assignment.audience == "site" and assignment.site_id is not None:
                self.by_site.setdefault(assignment.site_id, []).append(assignment)
            elif assignment.audience == "people":
                for person_id in assignment.people:
                    self.by_person.setdefault(person_id, []).append(assignment)

    def reaching(
        self,
        person_id: int,
        job_role_id: int | None,
        site_id: int | None,
        trainer_id: int | None,
        today: date | None = None,
    ) -> list[Assigned]:
        """The assignments reaching this person, by id; with ``today``, only those
        started by then."""
        found = [
            *self.by_role.get(job_role_id, ()),
            *self.by_site.get(site_id, ()),
            *self.by_person.get(person_id, ()),
        ]
        return sorted(
            (
                a
                for a in found
                if a.reaches(person_id, job_role_id, site_id, trainer_id)
                and (today is None or a.starts_on <= today)
            ),
            key=lambda a: a.id,
        )
