"""How far each person is with an assignment: their due date, status and the share of
assigned items at target.

Target: with an exam, a passed attempt; otherwise an assigned item counts when its
predicted recall on the due date (if still ahead; else on the evaluation day, the next
study day) is at least the person's job-role readiness target (0.9 without a role), and
its last answer was not wrong (readiness.known_recall). Read in bulk: the items of every
assignment in one query, the memory states of every person in one (chunked), exam
attempts in one; the people of each assignment in one query per assignment.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import readiness, srs
from ..facts.service import hidden_by_site
from ..i18n import N_
from ..models import Assignment, Employee, ExamAttempt, JobRole, Site
from ..study.curriculum import assigned_to, content_items, merge_assigned, role_settings
from ..study.memory_arrays import CHUNK, Curriculum, item_memory, memory_rows
from ..study.standing import hires
from .audience import members
from .reach import Assigned
from .service import assignment_for, assignments_for, is_all_seeing

DONE = "done"
IN_PROGRESS = "in_progress"
OVERDUE = "overdue"
NOT_STARTED = "not_started"
# In the order the pages list people: the ones to act on first.
STATUSES = (OVERDUE, NOT_STARTED, IN_PROGRESS, DONE)
STATUS_LABELS = {
    OVERDUE: N_("已逾期"),
    NOT_STARTED: N_("未开始"),
    IN_PROGRESS: N_("进行中"),
    DONE: N_("已完成"),
}
DEFAULT_TARGET = 0.9  # without a job role


@dataclass(frozen=True)
class Person:
    id: int
    employee_no: str
    name: str
    hire_date: date | None
    job_role_id: int | None
    job_role: str | None = None
    site: str | None = None
    site_id: int | None = None


@dataclass(frozen=True)
class Progress:
    """One person's progress on one assignment."""

    person: Person
    due: date
    days_left: int  # due date − the person's study day (negative: overdue)
    status: str
    share: float  # of assigned items at target (an exam: 1 when passed)
    items: int  # assigned items (0 for an exam)

    @property
    def overdue_days(self) -> int:
        return max(0, -self.days_left) if self.status == OVERDUE else 0


@dataclass(frozen=True)
class Summary:
    """An assignment on the list page: the people it reaches (in the viewer's scope) and
    how many are done."""

    assignment: Assignment
    people: int
    done: int
    overdue: int

    @property
    def completion(self) -> float:
        return self.done / self.people if self.people else 0.0


def progress_of(
    session: Session,
    assigned: Sequence[Assigned],
    people_of: Mapping[int, Sequence[Person]],
    now: datetime,
) -> dict[int, list[Progress]]:
    """Assignment id → the progress of each of its people (``people_of``), in a fixed
    number of queries."""
    roles = {role.id: role for role in session.scalars(select(JobRole))}
    by_content = content_items(session, {c for a in assigned for c in a.contents})
    curricula = {a.id: Curriculum.of(merge_assigned([a], by_content, None)[0]) for a in assigned}
    ids = sorted({p.id for people in people_of.values() for p in people})
    rows = memory_rows(session, ids) if any(a.contents for a in assigned) else np.zeros((0, 10))
    rows = rows[np.argsort(rows[:, 0], kind="stable")]
    owners = rows[:, 0].astype(np.int64)
    attempted, passed = _attempts(session, {a.exam_id for a in assigned if a.exam_id}, ids)
    # Items a person's site has no company facts for are not shown to them: not counted.
    hidden = hidden_by_site(session, {p.site_id for people in people_of.values() for p in people})
    found: dict[int, list[Progress]] = {}
    for assignment in assigned:
        found[assignment.id] = []
        for person in people_of.get(assignment.id, ()):
            role = roles.get(person.job_role_id) if person.job_role_id else None
            settings = role_settings(role)
            today = srs.study_day(now, settings)
            target = role.readiness_target if role is not None else DEFAULT_TARGET
            due = assignment.due_for(person.hire_date)
            if assignment.exam_id is not None:
                key = (assignment.exam_id, person.id)
                done, started = key in passed, key in attempted
                share, count = (1.0 if done else 0.0), 0
            else:
                curriculum = curricula[assignment.id]
                start, end = np.searchsorted(owners, [person.id, person.id + 1])
                mine = rows[start:end]
                positions, mask = curriculum.positions(mine[:, 1].astype(np.int64))
                memory = item_memory(
                    curriculum.item_ids, curriculum.red_line, mine, positions, mask, settings
                )
                day = readiness.evaluation_day(today, due if due > today else None)
                recall = readiness.model.known_recall(memory, day)
                shown = ~np.isin(curriculum.item_ids, list(hidden[person.site_id]))
                count = int(np.count_nonzero(shown))
                at_target = int(np.count_nonzero((recall >= target - 1e-12) & shown))
                share = at_target / count if count else 1.0
                done, started = at_target == count, bool(mask.any())
            if done:
                status = DONE
            elif today > due:
                status = OVERDUE
            elif not started:
                status = NOT_STARTED
            else:
                status = IN_PROGRESS
            found[assignment.id].append(
                Progress(person, due, (due - today).days, status, share, count)
            )
    return found


def _attempts(
    session: Session, exam_ids: set[int | None], person_ids: list[int]
) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
    """(exam, person) pairs with any attempt, and with a passed one."""
    attempted: set[tuple[int, int]] = set()
    passed: set[tuple[int, int]] = set()
    exams = sorted(e for e in exam_ids if e is not None)
    if not exams or not person_ids:
        return attempted, passed
    for start in range(0, len(person_ids), CHUNK):
        for exam_id, person_id, ok in session.execute(
            select(ExamAttempt.exam_id, ExamAttempt.employee_id, ExamAttempt.passed).where(
                ExamAttempt.exam_id.in_(exams),
                ExamAttempt.employee_id.in_(person_ids[start : start + CHUNK]),
            )
        ):
            attempted.add((exam_id, person_id))
            if ok:
                passed.add((exam_id, person_id))
    return attempted, passed


def people_reached(session: Session, actor: Employee, assignment: Assignment) -> list[Person]:
    """The hires an assignment reaches, within the actor's scope (a trainer: their own
    trainees), by employee number."""
    scope = () if is_all_seeing(actor) else (Employee.trainer_id == actor.id,)
    rows = session.execute(
        select(
            Employee.id,
            Employee.employee_no,
            Employee.name,
            Employee.hire_date,
            Employee.job_role_id,
            JobRole.name,
            Site.name,
            Employee.site_id,
        )
        .outerjoin(JobRole, JobRole.id == Employee.job_role_id)
        .outerjoin(Site, Site.id == Employee.site_id)
        .where(members(assignment), hires(), *scope)
        .order_by(Employee.employee_no)
    ).all()
    return [Person(*row) for row in rows]


def _sort_key(progress: Progress):
    return (STATUSES.index(progress.status), progress.due, progress.person.employee_no)


def summaries(
    session: Session, actor: Employee, now: datetime, archived: bool = False
) -> list[Summary]:
    """The list page: every assignment the actor may see, with its completion."""
    assignments = assignments_for(session, actor, archived=archived)
    people = {a.id: people_reached(session, actor, a) for a in assignments}
    figures = progress_of(session, [Assigned.of(a) for a in assignments], people, now)
    return [
        Summary(
            assignment,
            len(figures[assignment.id]),
            sum(1 for p in figures[assignment.id] if p.status == DONE),
            sum(1 for p in figures[assignment.id] if p.status == OVERDUE),
        )
        for assignment in assignments
    ]


def assignment_progress(
    session: Session, actor: Employee, assignment_id: int, now: datetime
) -> tuple[Assignment, list[Progress]]:
    """One assignment and its people (in the actor's scope), overdue first."""
    assignment = assignment_for(session, actor, assignment_id)
    people = people_reached(session, actor, assignment)
    figures = progress_of(session, [Assigned.of(assignment)], {assignment.id: people}, now)
    return assignment, sorted(figures[assignment.id], key=_sort_key)


@dataclass(frozen=True)
class Task:
    """An assignment on the employee's own page."""

    assignment: Assigned
    progress: Progress


def person_tasks(
    session: Session,
    employee: Employee,
    now: datetime,
    assigned: Sequence[Assigned] | None = None,
) -> list[Task]:
    """The started live assignments reaching the employee, overdue first, then by due
    date. A fixed number of queries. ``assigned``: what `assigned_to` returned for them
    now, when the caller has read it already."""
    if assigned is None:
        assigned = assigned_to(session, employee, now)
    if not assigned:
        return []
    person = Person(
        employee.id,
        employee.employee_no,
        employee.name,
        employee.hire_date,
        employee.job_role_id,
        site_id=employee.site_id,
    )
    figures = progress_of(session, assigned, {a.id: [person] for a in assigned}, now)
    tasks = [Task(a, figures[a.id][0]) for a in assigned]
    return sorted(tasks, key=lambda task: (_sort_key(task.progress), task.assignment.id))
