"""Who an assignment or an exam reaches (models.assignment.Audience), as SQL conditions:
resolved at the time of asking, so a job role's standing assignment reaches hires created
or imported later, and a person who moves to another role or site leaves it."""

from __future__ import annotations

from functools import lru_cache
from types import SimpleNamespace

from sqlalchemy import and_, bindparam, exists, false, or_, select, true
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


# What `reaching` reads of a person. A statement built with `parameterised_person` is
# built once for every person with the same attributes missing (None); building one costs
# more than running it, and every study page and exam page asks.
PERSON_FIELDS = ("id", "trainer_id", "job_role_id", "site_id")


def person_parameters(person: Employee) -> tuple[frozenset[str], dict[str, int]]:
    """Which of the person's PERSON_FIELDS are None, and the others' values."""
    values = {name: getattr(person, name) for name in PERSON_FIELDS}
    missing = frozenset(name for name, value in values.items() if value is None)
    return missing, {name: value for name, value in values.items() if value is not None}


def parameterised_person(missing: frozenset[str]) -> SimpleNamespace:
    """A stand-in for `reaching`: the ``missing`` fields None (a None stays a literal, so it
    compares as before: IS NULL), the others bound parameters of the same names."""
    return SimpleNamespace(
        **{name: None if name in missing else bindparam(name) for name in PERSON_FIELDS}
    )


def exam_reaching(person) -> ColumnElement[bool]:
    """A condition on Exam: live exams that reach the person, by their own audience or
    through a live assignment that asks for them."""
    assigned = select(Assignment.exam_id).where(
        Assignment.exam_id.is_not(None), reaching(Assignment, person)
    )
    return (Exam.archived_at.is_(None)) & or_(reaching(Exam, person), Exam.id.in_(assigned))


@lru_cache(maxsize=32)
def exams_reaching(missing: frozenset[str], one: bool):
    """The exams reaching a person (one: the one with id :exam_id), built once for every
    person with the same attributes missing (parameterised_person)."""
    query = select(Exam).where(exam_reaching(parameterised_person(missing)))
    return query.where(Exam.id == bindparam("exam_id")) if one else query.order_by(Exam.id)
