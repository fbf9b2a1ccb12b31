"""Bulk onboarding: a roster file → a preview → accounts with one-time passwords.

The roster package reads and validates the file (pure); this module supplies what the
database knows (job roles, existing numbers, trainers, what the importer may grant) and
creates the accounts: in the caller's transaction (create_hires) or in one of its own
(import_hires).

A roster has up to 5,000 rows, and nobody else can write while an import holds the write
lock: the passwords are hashed before it is taken, and the rows are written in a few bulk
statements, not one person at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from ..database import write_transaction
from ..i18n import N_
from ..models import AccessRole, Employee, JobRole, Site
from ..models.people import ACTIVE
from ..roster import Credential, Hire, RosterPreview, read_roster, validate_roster
from . import audit
from .service import (
    NewPassword,
    PersonError,
    grantable_roles,
    one_time_passwords,
    refuse_ungrantable,
)


def preview_roster(
    session: Session, data: bytes, filename: str, actor: Employee | None = None
) -> RosterPreview:
    """Read and check a roster upload against the database, and against what `actor` may
    grant (None: the command line, anything). Raises RosterError for a file that cannot
    be read at all."""
    table = read_roster(data, filename)
    job_roles = set(session.scalars(select(JobRole.name)))
    existing = set(session.scalars(select(Employee.employee_no)))
    # Sites are created on import: a roster is often the first list of a new project.
    return validate_roster(
        table, job_roles, None, existing, _active_trainers(session), grantable_roles(actor)
    )


def _active_trainers(session: Session, numbers: Sequence[str] | None = None) -> dict[str, int]:
    """Employee number → id of the active trainers (of those numbers, when given)."""
    query = (
        select(Employee.employee_no, Employee.id)
        .join(AccessRole, AccessRole.employee_id == Employee.id)
        .where(AccessRole.role == "trainer", Employee.status == ACTIVE)
    )
    if numbers is not None:
        query = query.where(Employee.employee_no.in_(list(numbers)))
    return dict(session.execute(query).all())


def create_hires(
    session: Session,
    hires: list[Hire],
    actor: Employee | None,
    now: datetime,
    filename: str = "",
    passwords: Sequence[NewPassword] | None = None,
) -> list[Credential]:
    """Create every hire's account with a one-time password, in the caller's transaction.
    `passwords` (one per hire, made by import_hires before its transaction) saves hashing
    here. Raises PersonError (and the caller rolls back) if anything changed since the
    preview, or if a hire asks for a role the actor may not grant.

    A trainer may be hired in the same file: trainers are assigned once everyone exists."""
    if passwords is None:
        passwords = [NewPassword.one_time() for _ in hires]
    for hire in hires:
        refuse_ungrantable(actor, set(hire.roles))
    numbers = [hire.employee_no for hire in hires]
    if len(set(numbers)) != len(numbers):
        raise PersonError("employee_no", N_("文件中有重复的工号"))
    taken = session.scalar(select(Employee.employee_no).where(Employee.employee_no.in_(numbers)))
    if taken is not None:
        raise PersonError("employee_no", N_("工号 %(number)s 已存在"), number=taken)
    job_roles = _job_roles(session, {hire.job_role for hire in hires if hire.job_role})
    sites = _sites(session, {hire.site for hire in hires if hire.site}, now)
    ids = _insert_people(session, hires, passwords, job_roles, sites, now)
    session.execute(
        insert(AccessRole),
        [
            {"employee_id": ids[hire.employee_no], "role": role}
            for hire in hires
            for role in sorted(set(hire.roles))
        ],
    )
    _assign_trainers(session, hires, ids)
    credentials = [
        Credential(hire.employee_no, hire.name.strip(), new.secret)
        for hire, new in zip(hires, passwords, strict=True)
    ]
    audit.record(
        session,
        "bulk_import",
        actor,
        target=filename,
        detail={
            "count": len(credentials),
            "employee_nos": numbers,
            # Every access role granted, per account: what the importer gave whom.
            "roles": {hire.employee_no: sorted(set(hire.roles)) for hire in hires},
        },
        now=now,
    )
    return credentials


def _job_roles(session: Session, names: set[str]) -> dict[str, int]:
    query = select(JobRole.name, JobRole.id).where(JobRole.name.in_(names))
    found = {name: role_id for name, role_id in session.execute(query)}
    missing = sorted(names - set(found))
    if missing:
        raise PersonError("job_role", N_("没有这个岗位：%(name)s"), name=missing[0])
    return found


def _sites(session: Session, names: set[str], now: datetime) -> dict[str, int]:
    query = select(Site.name, Site.id).where(Site.name.in_(names))
    found = {name: site_id for name, site_id in session.execute(query)}
    for name in sorted(names - set(found)):
        site = Site(name=name, created_at=now)
        session.add(site)
        session.flush()
        found[name] = site.id
    return found


def _insert_people(
    session: Session,
    hires: list[Hire],
    passwords: Sequence[NewPassword],
    job_roles: dict[str, int],
    sites: dict[str, int],
    now: datetime,
) -> dict[str, int]:
    """One INSERT … RETURNING for everyone: employee number → id."""
    rows = [
        {
            "employee_no": hire.employee_no,
            "name": hire.name.strip(),
            "phone": hire.phone or "",
            "email": hire.email or "",
            "job_role_id": job_roles.get(hire.job_role) if hire.job_role else None,
            "site_id": sites.get(hire.site) if hire.site else None,
            "hire_date": hire.hire_date,
            "go_live_date": hire.go_live_date,
            "status": ACTIVE,
            "password_hash": new.hash,
            "must_change_password": True,
            "session_version": 1,
            "created_at": now,
            "updated_at": now,
        }
        for hire, new in zip(hires, passwords, strict=True)
    ]
    if any(not row["name"] for row in rows):
        raise PersonError("name", N_("姓名不能为空"))
    result = session.execute(
        insert(Employee).returning(Employee.employee_no, Employee.id),
        rows,
    )
    return {number: person_id for number, person_id in result}


def _assign_trainers(session: Session, hires: list[Hire], ids: dict[str, int]) -> None:
    wanted = {hire.trainer for hire in hires if hire.trainer}
    if not wanted:
        return
    trainers = _active_trainers(session, sorted(wanted))
    missing = sorted(wanted - set(trainers))
    if missing:
        raise PersonError("trainer", N_("没有工号为 %(number)s 的培训师"), number=missing[0])
    session.execute(
        update(Employee),
        [
            {"id": ids[hire.employee_no], "trainer_id": trainers[hire.trainer]}
            for hire in hires
            if hire.trainer
        ],
    )


def import_hires(
    session: Session, hires: list[Hire], actor: Employee | None, now: datetime, filename: str = ""
) -> list[Credential]:
    """Create every hire's account in one transaction and commit it: all of them, or (with
    PersonError, if anything changed since the preview) none. The one-time passwords are
    hashed first, before the write lock is taken."""
    passwords = one_time_passwords(len(hires))
    with write_transaction(session):
        return create_hires(session, hires, actor, now, filename, passwords)


def hires_to_json(hires: list[Hire]) -> list[dict]:
    return [
        {
            "employee_no": h.employee_no,
            "name": h.name,
            "job_role": h.job_role,
            "phone": h.phone,
            "email": h.email,
            "site": h.site,
            "hire_date": h.hire_date.isoformat() if h.hire_date else None,
            "go_live_date": h.go_live_date.isoformat() if h.go_live_date else None,
            "trainer": h.trainer,
            "roles": list(h.roles),
            "row": h.row,
        }
        for h in hires
    ]


def hires_from_json(rows: list[dict]) -> list[Hire]:
    return [
        Hire(
            employee_no=r["employee_no"],
            name=r["name"],
            job_role=r["job_role"],
            phone=r["phone"],
            email=r["email"],
            site=r["site"],
            hire_date=date.fromisoformat(r["hire_date"]) if r["hire_date"] else None,
            go_live_date=date.fromisoformat(r["go_live_date"]) if r.get("go_live_date") else None,
            trainer=r["trainer"],
            roles=tuple(r["roles"]),
            row=r["row"],
        )
        for r in rows
    ]
