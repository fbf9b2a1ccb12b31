"""A demo organisation for trying quizapp: one admin, trainer and HR person, and new hires
in property and telecom job roles. Created once; running it again changes nothing."""

from __future__ import annotations

import hmac
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Employee, JobRole
from .people.service import NewPerson, create_person

# (employee number, name, access roles, job role, site, trainer, password)
DEMO_PEOPLE = [
    ("ADMIN", "系统管理员", ("admin",), None, None, None, "quizapp-admin"),
    ("T001", "王培训", ("trainer",), "客服前台", "阳光花园项目", None, "quizapp-trainer"),
    ("H001", "李人事", ("hr",), None, None, None, "quizapp-hr"),
    ("E001", "张小敏", ("employee",), "客服前台", "阳光花园项目", "T001", "quizapp-e001"),
    ("E002", "刘晓东", ("employee",), "贴心管家", "阳光花园项目", "T001", "quizapp-e002"),
    ("E003", "陈静", ("employee",), "营业厅营业员", "人民路营业厅", "T001", "quizapp-e003"),
    ("E004", "赵磊", ("employee",), "10010客服代表", "人民路营业厅", "T001", "quizapp-e004"),
]

_PUBLISHED = {number: password for number, *_rest, password in DEMO_PEOPLE}


def has_published_password(employee_no: str, password: str) -> bool:
    """Whether `password` is the demo account's published one (in this file, the README and
    the output of `quizapp demo`). Cheap: no hash; meant for a password already checked."""
    published = _PUBLISHED.get(employee_no)
    return published is not None and hmac.compare_digest(
        published.encode("utf-8"), password.encode("utf-8")
    )


def create_demo(session: Session, now: datetime) -> tuple[list[dict], bool]:
    """Create whatever of the demo organisation is missing. Returns the logins and whether
    anything was created. Demo passwords are ready to use (no forced change) on the
    development machine; anywhere else, login refuses a published one (see
    auth.service.attempt_login and docs/security.md)."""
    created = False
    for name in {p[3] for p in DEMO_PEOPLE if p[3]}:
        if session.scalar(select(JobRole.id).where(JobRole.name == name)) is None:
            session.add(JobRole(name=name, created_at=now))
            created = True
    session.flush()
    for number, name, roles, job_role, site, trainer, password in DEMO_PEOPLE:
        if session.scalar(select(Employee.id).where(Employee.employee_no == number)) is not None:
            continue
        person, _ = create_person(
            session,
            NewPerson(
                employee_no=number,
                name=name,
                roles=frozenset(roles),
                job_role=job_role,
                site=site,
                hire_date=date(2026, 11, 2) if "employee" in roles else None,
                trainer_no=trainer,
            ),
            None,
            now,
            password=password,
            create_site=True,
        )
        person.must_change_password = False
        if "employee" in roles:
            person.go_live_date = now.date() + timedelta(days=14)
        session.flush()
        created = True
    logins = [
        {"employee_no": number, "password": password, "roles": list(roles), "job_role": job_role}
        for number, _name, roles, job_role, _site, _trainer, password in DEMO_PEOPLE
    ]
    return logins, created
