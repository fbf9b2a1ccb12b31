"""Accounts: create, find, reset, deactivate, and who may see whom.

Functions take a session, the acting person and an injected `now`; the caller commits
(the pages' use cases in manage.py do, one transaction each).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from ..i18n import N_, fill
from ..models import ACCESS_ROLES, Employee, JobRole, Site
from ..models.people import ACTIVE, LEFT, hash_password
from ..roster import one_time_password
from ..roster.text import normalise_employee_no
from . import audit


class PersonError(ValueError):
    """A person cannot be created or changed as asked; `field` names the form field.

    `template` is a translatable message with %(name)s placeholders filled from `params`;
    `message` is it filled in, in the source language (for the CLI and logs).
    """

    def __init__(self, field: str, template: str, **params: object) -> None:
        self.field = field
        self.template = template
        self.params = params
        self.message = fill(template, params)
        super().__init__(self.message)


# How pages and exports name an access role and an account's status (never the codes);
# the same words as the admin's role form and the people list's status filter.
ACCESS_ROLE_LABELS = {
    "employee": N_("员工（学习）"),
    "trainer": N_("培训师"),
    "hr": N_("人事（HR）"),
    "admin": N_("管理员"),
}
ACCOUNT_STATUS_LABELS = {ACTIVE: N_("在职"), LEFT: N_("已离职")}


def find_by_employee_no(session: Session, raw: str) -> Employee | None:
    try:
        number = normalise_employee_no(raw)
    except ValueError:
        return None
    return session.scalar(select(Employee).where(Employee.employee_no == number))


@dataclass(frozen=True)
class NewPerson:
    employee_no: str
    name: str
    roles: frozenset[str] = frozenset({"employee"})
    job_role: str | None = None
    site: str | None = None
    phone: str = ""
    email: str = ""
    hire_date: date | None = None
    go_live_date: date | None = None
    trainer_no: str | None = None


def job_role_named(session: Session, name: str | None) -> JobRole | None:
    if not name:
        return None
    role = session.scalar(select(JobRole).where(JobRole.name == name))
    if role is None:
        raise PersonError("job_role", N_("没有这个岗位：%(name)s"), name=name)
    return role


def site_named(session: Session, name: str | None, create: bool = False) -> Site | None:
    if not name:
        return None
    site = session.scalar(select(Site).where(Site.name == name))
    if site is None:
        if not create:
            raise PersonError("site", N_("没有这个项目：%(name)s"), name=name)
        site = Site(name=name)
        session.add(site)
    return site


def create_person(
    session: Session,
    new: NewPerson,
    actor: Employee | None,
    now: datetime,
    password: str | None = None,
    new_password: NewPassword | None = None,
    create_site: bool = False,
    audit_action: str | None = "person_create",
) -> tuple[Employee, str]:
    """Create an account. Without `password`, a one-time password is generated and returned
    (or `new_password`'s, prepared before the caller's write transaction)."""
    try:
        number = normalise_employee_no(new.employee_no)
    except ValueError as exc:
        raise PersonError("employee_no", "%(problem)s", problem=str(exc)) from exc
    if session.scalar(select(Employee.id).where(Employee.employee_no == number)) is not None:
        raise PersonError("employee_no", N_("工号 %(number)s 已存在"), number=number)
    if not new.name.strip():
        raise PersonError("name", N_("姓名不能为空"))
    if not new.roles or not set(new.roles) <= set(ACCESS_ROLES):
        raise PersonError("roles", N_("权限不正确"))
    refuse_ungrantable(actor, set(new.roles))
    trainer = None
    if new.trainer_no:
        trainer = find_by_employee_no(session, new.trainer_no)
        if trainer is None:
            raise PersonError(
                "trainer", N_("没有工号为 %(number)s 的培训师"), number=new.trainer_no
            )
    person = Employee(
        employee_no=number,
        name=new.name.strip(),
        phone=new.phone,
        email=new.email,
        job_role=job_role_named(session, new.job_role),
        site=site_named(session, new.site, create=create_site),
        hire_date=new.hire_date,
        go_live_date=new.go_live_date,
        trainer=trainer,
        status=ACTIVE,
        created_at=now,
        updated_at=now,
    )
    person.set_roles(set(new.roles))
    if new_password is None:
        new_password = NewPassword.one_time() if password is None else NewPassword.chosen(password)
    person.set_password_hash(new_password.hash, one_time=password is None)
    session.add(person)
    if audit_action:
        session.flush()
        audit.record(
            session,
            audit_action,
            actor,
            target=number,
            detail={"roles": sorted(new.roles)},
            now=now,
        )
    return person, new_password.secret


@dataclass(frozen=True)
class NewPassword:
    """A password and its hash, made before a write transaction begins: scrypt takes tens
    of milliseconds, and nobody else can write while one is held."""

    secret: str
    hash: str

    @classmethod
    def one_time(cls) -> NewPassword:
        """A generated one-time password (the person must replace it at first login)."""
        secret = one_time_password()
        return cls(secret, hash_password(secret, one_time=True))

    @classmethod
    def chosen(cls, password: str) -> NewPassword:
        return cls(password, hash_password(password))


def one_time_passwords(count: int) -> list[NewPassword]:
    """`count` one-time passwords for a roster, hashed on every core (PBKDF2 releases the
    GIL), before any write transaction begins."""
    if count < 64:
        return [NewPassword.one_time() for _ in range(count)]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        return list(pool.map(lambda _: NewPassword.one_time(), range(count)))


def reset_password(
    session: Session,
    person: Employee,
    actor: Employee,
    now: datetime,
    new: NewPassword | None = None,
) -> str:
    """Give the person a new one-time password (ending their sessions) and return it."""
    new = new or NewPassword.one_time()
    person.set_password_hash(new.hash, one_time=True)
    person.updated_at = now
    audit.record(session, "password_reset", actor, target=person.employee_no, now=now)
    return new.secret


def deactivate(session: Session, person: Employee, actor: Employee, now: datetime) -> None:
    """Mark the person as having left: they can no longer log in; their history stays."""
    if person.status == LEFT:
        return
    person.status = LEFT
    person.left_at = now
    person.updated_at = now
    person.session_version += 1  # any session they still hold ends on its next request
    audit.record(session, "deactivate", actor, target=person.employee_no, now=now)


def reactivate(session: Session, person: Employee, actor: Employee, now: datetime) -> None:
    if person.status == ACTIVE:
        return
    person.status = ACTIVE
    person.left_at = None
    person.updated_at = now
    audit.record(session, "reactivate", actor, target=person.employee_no, now=now)


# -- who may grant what ----------------------------------------------------------------

# A role can grant only what it holds, and HR not even all of that: HR adds employees and
# trainers; HR and admin access come from an admin. None (the command line, run by whoever
# operates the server) may grant anything.
_GRANTABLE = {
    "admin": frozenset(ACCESS_ROLES),
    "hr": frozenset({"employee", "trainer"}),
}


def grantable_roles(actor: Employee | None) -> frozenset[str]:
    """The access roles the actor may give to (or take from) someone."""
    if actor is None:
        return frozenset(ACCESS_ROLES)
    found: frozenset[str] = frozenset()
    for role in actor.roles:
        found |= _GRANTABLE.get(role, frozenset())
    return found


def refuse_ungrantable(actor: Employee | None, roles: set[str]) -> None:
    """PersonError on `roles` when the actor may not grant one of them."""
    beyond = sorted(roles - grantable_roles(actor))
    if beyond:
        raise PersonError("roles", N_("你不能授予这些权限：%(roles)s"), roles="、".join(beyond))


def change_roles(
    session: Session, person: Employee, roles: set[str], actor: Employee, now: datetime
) -> None:
    before = sorted(person.roles)
    if set(before) == roles:
        return
    if person.id == actor.id and "admin" in before and "admin" not in roles:
        raise PersonError("roles", N_("不能取消自己的管理员权限"))
    refuse_ungrantable(actor, roles ^ set(before))
    person.set_roles(roles)
    person.updated_at = now
    audit.record(
        session,
        "role_change",
        actor,
        target=person.employee_no,
        detail={"before": before, "after": sorted(roles)},
        now=now,
    )


# -- who may see whom --------------------------------------------------------------


def people_in_scope(viewer: Employee) -> Select:
    """The people a viewer may see: everyone for HR and admins; a trainer's own trainees
    and the people of their site or job role; otherwise only themselves."""
    query = select(Employee)
    if viewer.has_role("hr", "admin"):
        return query
    if viewer.has_role("trainer"):
        scope = [Employee.trainer_id == viewer.id, Employee.id == viewer.id]
        if viewer.site_id is not None:
            scope.append(Employee.site_id == viewer.site_id)
        if viewer.job_role_id is not None:
            scope.append(Employee.job_role_id == viewer.job_role_id)
        return query.where(or_(*scope))
    return query.where(Employee.id == viewer.id)


def person_for(session: Session, viewer: Employee, person_id: int) -> Employee | None:
    """The person, if the viewer may see them; None otherwise (the view answers 404)."""
    return session.scalar(people_in_scope(viewer).where(Employee.id == person_id))


def search_people(
    session: Session,
    viewer: Employee,
    text: str = "",
    job_role_id: int | None = None,
    site_id: int | None = None,
    status: str | None = None,
    limit: int = 200,
) -> list[Employee]:
    query = people_in_scope(viewer)
    if text:
        escaped = text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like = f"%{escaped}%"
        query = query.where(
            or_(
                Employee.employee_no.ilike(like, escape="\\"),
                Employee.name.ilike(like, escape="\\"),
                Employee.phone.ilike(like, escape="\\"),
            )
        )
    if job_role_id:
        query = query.where(Employee.job_role_id == job_role_id)
    if site_id:
        query = query.where(Employee.site_id == site_id)
    if status:
        query = query.where(Employee.status == status)
    return list(session.scalars(query.order_by(Employee.employee_no).limit(limit)))


def can_see_readiness(viewer: Employee, person: Employee) -> bool:
    """Whether the viewer may read this (visible) person's readiness report: HR and admins
    for everyone, a trainer only for their own trainees (seeing the people of their site
    or job role does not make a trainer responsible for them)."""
    return viewer.has_role("hr", "admin") or person.trainer_id == viewer.id


def can_manage(viewer: Employee, person: Employee) -> bool:
    """Whether the viewer may reset, edit or deactivate this (visible) person.

    Nobody may manage someone with more access than they have: admins manage everyone,
    HR everyone but admins, and a trainer only their own trainees (带教 is the trainer)
    who are plain employees: seeing the people of their site or job role does not make a
    trainer responsible for them (a reset shows the new one-time password).
    """
    if viewer.has_role("admin"):
        return True
    if viewer.has_role("hr"):
        return not person.has_role("admin")
    if viewer.has_role("trainer"):
        return (
            person.trainer_id == viewer.id
            and person.roles <= {"employee"}
            and person.id != viewer.id
        )
    return False


def update_person(
    session: Session,
    person: Employee,
    *,
    name: str,
    phone: str,
    email: str,
    job_role_id: int | None,
    site_id: int | None,
    hire_date: date | None,
    trainer_id: int | None,
    actor: Employee,
    go_live_date: date | None = None,
    now: datetime,
) -> None:
    if not name.strip():
        raise PersonError("name", N_("姓名不能为空"))
    if trainer_id is not None and trainer_id == person.id:
        raise PersonError("trainer", N_("不能把自己设为自己的培训师"))
    changes = {}
    values = {
        "name": name.strip(),
        "phone": phone,
        "email": email,
        "job_role_id": job_role_id,
        "site_id": site_id,
        "hire_date": hire_date,
        "go_live_date": go_live_date,
        "trainer_id": trainer_id,
    }
    for field, value in values.items():
        if getattr(person, field) != value:
            changes[field] = [str(getattr(person, field)), str(value)]
            setattr(person, field, value)
    if changes:
        person.updated_at = now
        audit.record(
            session, "person_update", actor, target=person.employee_no, detail=changes, now=now
        )
