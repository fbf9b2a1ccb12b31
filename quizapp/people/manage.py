"""What staff do to people, one transaction each: the use cases behind the people pages.

service.py holds the building blocks (create_person, update_person, reset_password …),
which leave committing to the caller so that bulk onboarding and the demo can create many
people in one transaction. The functions here commit: each takes a session, plain values,
the acting person and an injected `now`, and either commits the whole change or raises
PersonError (field + translatable template) having rolled back, the data as it was.

Who may open or manage which person is checked by the caller first
(service.person_for, service.can_manage).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..database import write_transaction
from ..i18n import N_
from ..models import Employee, JobRole, Site
from ..models.people import ACTIVE
from ..study.standing import STATUS_LABELS, Standing, standings
from . import audit, service
from .passwords import password_problem
from .service import NewPerson, PersonError

# -- the form's choices --------------------------------------------------------------


def job_role_choices(session: Session) -> list[tuple[int, str]]:
    """(id, name) of every job role, by name."""
    return _named_choices(session, JobRole)


def site_choices(session: Session) -> list[tuple[int, str]]:
    """(id, name) of every site, by name."""
    return _named_choices(session, Site)


def _named_choices(session: Session, model: type[JobRole] | type[Site]) -> list[tuple[int, str]]:
    return [(row.id, row.name) for row in session.scalars(select(model).order_by(model.name))]


def trainer_choices(session: Session) -> list[tuple[int, str]]:
    """(id, "number name") of every active trainer, by employee number."""
    people = session.scalars(
        select(Employee).where(Employee.status == ACTIVE).order_by(Employee.employee_no)
    )
    return [(p.id, f"{p.employee_no} {p.name}") for p in people if p.has_role("trainer")]


# -- one person ----------------------------------------------------------------------


@dataclass(frozen=True)
class PersonDetails:
    """What the people form sets: job role, site and trainer by id (None: none)."""

    name: str
    phone: str = ""
    email: str = ""
    job_role_id: int | None = None
    site_id: int | None = None
    hire_date: date | None = None
    go_live_date: date | None = None
    trainer_id: int | None = None


def create_account(
    session: Session, employee_no: str, details: PersonDetails, actor: Employee, now: datetime
) -> tuple[Employee, str]:
    """Create an employee's account with a one-time password; the person and the password."""
    new_password = service.NewPassword.one_time()  # hashed before the write lock is taken
    with write_transaction(session):
        job_role, site, trainer = _chosen(session, details)
        return service.create_person(
            session,
            NewPerson(
                employee_no=employee_no,
                name=details.name,
                job_role=job_role.name if job_role else None,
                site=site.name if site else None,
                phone=details.phone,
                email=details.email,
                hire_date=details.hire_date,
                go_live_date=details.go_live_date,
                trainer_no=trainer.employee_no if trainer else None,
            ),
            actor,
            now,
            new_password=new_password,
        )


def update_account(
    session: Session, person_id: int, details: PersonDetails, actor: Employee, now: datetime
) -> Employee | None:
    """Change a person's details (not their employee number, the login name), with an
    audit entry of what changed. None: no such person."""
    with write_transaction(session):
        person = _locked(session, person_id)
        if person is None:
            return None
        _chosen(session, details)
        service.update_person(
            session,
            person,
            name=details.name,
            phone=details.phone,
            email=details.email,
            job_role_id=details.job_role_id,
            site_id=details.site_id,
            hire_date=details.hire_date,
            go_live_date=details.go_live_date,
            trainer_id=details.trainer_id,
            actor=actor,
            now=now,
        )
    return person


def reset_account_password(
    session: Session, person_id: int, actor: Employee, now: datetime
) -> str | None:
    """Give the person a new one-time password (ending their sessions); the password, or
    None for no such person."""
    new_password = service.NewPassword.one_time()  # hashed before the write lock is taken
    with write_transaction(session):
        person = _locked(session, person_id)
        if person is None:
            return None
        return service.reset_password(session, person, actor, now, new_password)


def set_account_password(
    session: Session, person_id: int, password: str, actor: Employee | None, now: datetime
) -> Employee | None:
    """Give the person a password chosen for them, kept at their next login (the command
    line's `quizapp user password`, say for a demo account's published one); their
    sessions end. PersonError on `password` if the policy refuses it. None: no such person."""
    person = session.get(Employee, person_id)
    if person is None:
        return None
    problem = password_problem(password, person.employee_no, person.phone)
    if problem:
        raise PersonError("password", problem)
    new_password = service.NewPassword.chosen(password)  # hashed before the write lock
    with write_transaction(session):
        person = _locked(session, person_id)
        person.set_password_hash(new_password.hash, one_time=False)
        person.updated_at = now
        audit.record(session, "password_reset", actor, target=person.employee_no, now=now)
    return person


def deactivate_account(
    session: Session, person_id: int, actor: Employee | None, now: datetime
) -> Employee | None:
    """Mark the person as having left (their history stays). Nobody deactivates their own
    account; None as the actor is the command line. None: no such person."""
    if actor is not None and person_id == actor.id:
        raise PersonError("status", N_("不能停用自己的账号。"))
    with write_transaction(session):
        person = _locked(session, person_id)
        if person is not None:
            service.deactivate(session, person, actor, now)
    return person


def reactivate_account(
    session: Session, person_id: int, actor: Employee, now: datetime
) -> Employee | None:
    """Let a person who left log in again. None: no such person."""
    with write_transaction(session):
        person = _locked(session, person_id)
        if person is not None:
            service.reactivate(session, person, actor, now)
    return person


def _locked(session: Session, person_id: int) -> Employee | None:
    # Read afresh inside the write transaction (see quizapp.database.write_transaction).
    return session.get(Employee, person_id, populate_existing=True, with_for_update=True)


def _chosen(
    session: Session, details: PersonDetails
) -> tuple[JobRole | None, Site | None, Employee | None]:
    """The job role, site and trainer the ids name; an id the form would not offer raises
    PersonError on its field."""
    job_role = session.get(JobRole, details.job_role_id) if details.job_role_id else None
    if details.job_role_id and job_role is None:
        raise PersonError("job_role", N_("请从列表中选择"))
    site = session.get(Site, details.site_id) if details.site_id else None
    if details.site_id and site is None:
        raise PersonError("site", N_("请从列表中选择"))
    trainer = session.get(Employee, details.trainer_id) if details.trainer_id else None
    if details.trainer_id and (
        trainer is None or trainer.status != ACTIVE or not trainer.has_role("trainer")
    ):
        raise PersonError("trainer", N_("请从列表中选择"))
    return job_role, site, trainer


# -- exports -------------------------------------------------------------------------

EXPORT_HEADER = (
    N_("工号"),
    N_("姓名"),
    N_("手机"),
    N_("邮箱"),
    N_("岗位"),
    N_("项目"),
    N_("入职日期"),
    N_("上岗日期"),
    N_("培训师"),
    N_("权限"),
    N_("状态"),
    N_("掌握度（%）"),
    N_("覆盖率（%）"),
    N_("学习状态"),
    N_("预计达标日期"),
)


def export_rows(
    session: Session,
    viewer: Employee,
    now: datetime,
    status_label: Callable[[str], str] = STATUS_LABELS.__getitem__,
    translate: Callable[[str], str] = str,
) -> list[list[object]]:
    """Everyone the viewer may see, one row each in EXPORT_HEADER's order; access roles
    and the account's status by their labels (as ``translate`` gives them: the source
    language by default), never their codes.

    The readiness columns (whole percents, the status as ``status_label`` names it, the
    forecast date) come from one bulk ``standings`` call, the dashboard's day-cached
    figures; they are empty for people who are not hires (not active or not studying) and
    for hires with nothing to learn (no job role, or none assigned to theirs)."""
    scope = service.people_in_scope(viewer).whereclause
    found = {
        standing.person_id: standing
        for standing in standings(session, now, () if scope is None else (scope,))
        if standing.required  # a job role with something to learn
    }
    blank = ["", "", "", ""]
    return [
        [
            p.employee_no,
            p.name,
            p.phone,
            p.email,
            p.job_role.name if p.job_role else "",
            p.site.name if p.site else "",
            p.hire_date.isoformat() if p.hire_date else "",
            p.go_live_date.isoformat() if p.go_live_date else "",
            p.trainer.employee_no if p.trainer else "",
            "、".join(translate(label) for role, label in _ROLES if role in p.roles),
            translate(service.ACCOUNT_STATUS_LABELS[p.status]),
            *(_readiness_cells(found[p.id], status_label) if p.id in found else blank),
        ]
        for p in service.search_people(session, viewer, limit=100_000)
    ]


_ROLES = tuple(service.ACCESS_ROLE_LABELS.items())  # in ACCESS_ROLES order


def _readiness_cells(standing: Standing, status_label: Callable[[str], str]) -> list[object]:
    return [
        round(standing.readiness * 100),
        round(standing.coverage * 100),
        status_label(standing.status),
        standing.forecast_ready.isoformat() if standing.forecast_ready else "",
    ]
