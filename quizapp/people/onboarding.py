"""Bulk onboarding: a roster file → a preview → accounts with one-time passwords.

The roster package reads and validates the file (pure); this module supplies what the
database knows (job roles, existing numbers, trainers) and creates the accounts: in the
caller's transaction (create_hires) or in one of its own (import_hires).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..database import write_transaction
from ..i18n import N_
from ..models import AccessRole, Employee, JobRole
from ..models.people import ACTIVE
from ..roster import Credential, Hire, RosterPreview, read_roster, validate_roster
from . import audit
from .service import NewPerson, PersonError, create_person, find_by_employee_no


def preview_roster(session: Session, data: bytes, filename: str) -> RosterPreview:
    """Read and check a roster upload against the database. Raises RosterError for a file
    that cannot be read at all."""
    table = read_roster(data, filename)
    job_roles = set(session.scalars(select(JobRole.name)))
    existing = set(session.scalars(select(Employee.employee_no)))
    trainers = set(
        session.scalars(
            select(Employee.employee_no)
            .join(AccessRole, AccessRole.employee_id == Employee.id)
            .where(AccessRole.role == "trainer", Employee.status == "active")
        )
    )
    # Sites are created on import: a roster is often the first list of a new project.
    return validate_roster(table, job_roles, None, existing, trainers)


def create_hires(
    session: Session, hires: list[Hire], actor: Employee | None, now: datetime, filename: str = ""
) -> list[Credential]:
    """Create every hire's account with a one-time password. Raises PersonError (and the
    caller rolls back) if anything changed since the preview.

    Trainers are assigned once everyone exists: a trainer may be hired in the same file."""
    credentials = []
    people = []
    for hire in hires:
        person, secret = create_person(
            session,
            NewPerson(
                employee_no=hire.employee_no,
                name=hire.name,
                roles=frozenset(hire.roles),
                job_role=hire.job_role,
                site=hire.site,
                phone=hire.phone or "",
                email=hire.email or "",
                hire_date=hire.hire_date,
                go_live_date=hire.go_live_date,
            ),
            actor,
            now,
            create_site=True,
            audit_action=None,
        )
        session.flush()  # the next row's duplicate check must see this one
        credentials.append(Credential(person.employee_no, person.name, secret))
        people.append(person)
    for hire, person in zip(hires, people, strict=True):
        if hire.trainer:
            person.trainer = _trainer(session, hire.trainer)
    audit.record(
        session,
        "bulk_import",
        actor,
        target=filename,
        detail={"count": len(credentials), "employee_nos": [c.employee_no for c in credentials]},
        now=now,
    )
    return credentials


def import_hires(
    session: Session, hires: list[Hire], actor: Employee | None, now: datetime, filename: str = ""
) -> list[Credential]:
    """Create every hire's account in one transaction and commit it: all of them, or (with
    PersonError, if anything changed since the preview) none."""
    with write_transaction(session):
        return create_hires(session, hires, actor, now, filename)


def _trainer(session: Session, number: str) -> Employee:
    trainer = find_by_employee_no(session, number)
    if trainer is None or trainer.status != ACTIVE or not trainer.has_role("trainer"):
        raise PersonError("trainer", N_("没有工号为 %(number)s 的培训师"), number=number)
    return trainer


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
