"""Who an assignment or an exam reaches (models.assignment.Audience), as SQL conditions:
resolved at the time of asking, so a job role's standing assignment reaches hires created
or imported later, and a person who moves to another role or site leaves it."""

from __future__ import annotations

from sqlalchemy import and_, exists, false, or_, select, true
from sqlalchemy.sql.elements import ColumnElement

from ..models import Assignment, AssignmentPerson, Employee, Exam, ExamPerson
from ..models.people import ACTIVE

_PEOPLE = {Assignment: (AssignmentPerson, AssignmentPerson.assignment_id),
           Exam: (ExamPerson, ExamPerson.exam_id)}  # fmt: skip


def members(owner: Assignment | Exam) -> ColumnElement[bool]:
    """A condition on Employee: the active people one assignment or exam reaches."""
    table, owner_column = _PEOPLE[type(owner)]
    if owner.audience == "role":
        who = and_(
            Employee.job_role_id == owner.job_role_id,
            Employee.site_id == owner.site_id if owner.site_id is not None else true(),
        )
    elif owner.audience == "site":
        who = Employee.site_id == owner.site_id
    elif owner.audience == "people":
        who = Employee.id.in_(select(table.employee_id).where(owner_column == owner.id))
    else:
        who = false()
    scope = Employee.trainer_id == owner.trainer_id if owner.trainer_id is not None else true()
    return and_(Employee.status == ACTIVE, who, scope)


def reaching(model: type[Assignment] | type[Exam], person: Employee) -> ColumnElement[bool]:
    """A condition on Assignment or Exam: the live ones that reach this person."""
    table, owner_column = _PEOPLE[model]
    named = exists().where(owner_column == model.id, table.employee_id == person.id)
    return and_(
        model.archived_at.is_(None),
        or_(model.trainer_id.is_(None), model.trainer_id == person.trainer_id),
        or_(
            and_(
                model.audience == "role",
                model.job_role_id == person.job_role_id,
                or_(model.site_id.is_(None), model.site_id == person.site_id),
            ),
            and_(model.audience == "site", model.site_id == person.site_id),
            and_(model.audience == "people", named),
        ),
    )
