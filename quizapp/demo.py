"""A demo organisation for trying quizapp: one admin, trainer and HR person, and new hires
in property and telecom job roles. Created once; running it again changes nothing."""

from __future__ import annotations

import hmac
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from .facts.service import record as record_fact_change
from .models import (
    Assignment,
    Bank,
    CompanyFact,
    Employee,
    Exam,
    ExamQuota,
    ExamSource,
    JobRole,
    Section,
    SectionRole,
)
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
    created = _create_demo_exam(session, now) or created
    created = _set_demo_facts(session, now) or created
    created = _give_demo_banks(session) or created
    logins = [
        {"employee_no": number, "password": password, "roles": list(roles), "job_role": job_role}
        for number, _name, roles, job_role, _site, _trainer, password in DEMO_PEOPLE
    ]
    return logins, created


DEMO_EXAM = "客服前台模拟考试"
DEMO_EXAM_ROLE = "客服前台"


def _create_demo_exam(session: Session, now: datetime) -> bool:
    """One open mock exam for the 客服前台 role (10 items drawn per attempt from the role's
    sections, 20 minutes, pass mark 80 %, two attempts, open for 30 days) and an
    assignment of it to the role, due in 10 days: what a new user sees on E001's home
    page and T001's pages. Skipped until the role has sections (banks imported)."""
    if session.scalar(select(Exam.id).where(Exam.title == DEMO_EXAM)) is not None:
        return False
    role = session.scalar(select(JobRole).where(JobRole.name == DEMO_EXAM_ROLE))
    trainer = session.scalar(select(Employee).where(Employee.employee_no == "T001"))
    if role is None:
        return False
    section_ids = session.scalars(
        select(Section.id)
        .join(SectionRole, SectionRole.section_id == Section.id)
        .where(SectionRole.job_role_id == role.id, Section.retired_at.is_(None))
        .order_by(Section.bank_id, Section.position)
    ).all()
    if not section_ids:
        return False
    author = trainer.id if trainer is not None else None
    exam = Exam(
        title=DEMO_EXAM,
        kind="mock",
        draw="random",
        layout="single",
        shuffle_options=True,
        time_limit_s=20 * 60,
        pass_mark=0.8,
        attempts_allowed=2,
        opens_at=now,
        closes_at=now + timedelta(days=30),
        reveal="at_once",
        audience="role",
        job_role_id=role.id,
        created_by_id=author,
        created_at=now,
        updated_at=now,
        sources=[ExamSource(section_id=section_id) for section_id in section_ids],
        quotas=[ExamQuota(section_id=None, type=None, count=10)],
    )
    session.add(exam)
    session.flush()
    session.add(
        Assignment(
            title="上岗前通过模拟考试",
            audience="role",
            job_role_id=role.id,
            exam_id=exam.id,
            starts_on=now.date(),
            due_on=now.date() + timedelta(days=10),
            note="80 分及格，可考两次。",
            created_by_id=author,
            created_at=now,
            updated_at=now,
        )
    )
    session.flush()
    return True


# Banks the demo trainer is in charge of (edits in the browser): their job role's.
DEMO_TRAINER_BANKS = ("property", "service-basics")


def _give_demo_banks(session: Session) -> bool:
    """Put the demo trainer in charge of DEMO_TRAINER_BANKS where nobody is yet."""
    trainer = session.scalar(select(Employee).where(Employee.employee_no == "T001"))
    if trainer is None:
        return False
    banks = session.scalars(
        select(Bank).where(Bank.slug.in_(DEMO_TRAINER_BANKS), Bank.owner_id.is_(None))
    ).all()
    for bank in banks:
        bank.owner_id = trainer.id
    session.flush()
    return bool(banks)


# The demo organisation's company facts: a clearly fictional company. Any other variable a
# bank declares without a default gets "示例" + its name, so every item is complete.
DEMO_FACTS = {
    "公司名称": "示例物业服务有限公司",
    "公司简称": "示例物业",
    "公司地址": "示例市示范路 1 号",
    "服务热线": "400-000-0000",
    "客服电话": "400-000-0000",
    "投诉电话": "400-000-0001",
    "维修电话": "400-000-0002",
    "项目名称": "阳光花园项目",
    "营业厅名称": "人民路营业厅",
}


def _set_demo_facts(session: Session, now: datetime) -> bool:
    """Give every variable an imported bank declares an organisation value (those with a
    bank default only when the demo names one), leaving values already set alone."""
    declared: dict[str, str | None] = {}
    for variables in session.scalars(select(Bank.variables)):
        for variable in variables or ():
            if declared.get(variable["name"]) is None:
                declared[variable["name"]] = variable.get("default")
    have = set(session.scalars(select(CompanyFact.name).where(CompanyFact.site_id.is_(None))))
    admin = session.scalar(select(Employee).where(Employee.employee_no == "ADMIN"))
    created = False
    for name, default in sorted(declared.items()):
        value = DEMO_FACTS.get(name) or (None if default is not None else f"示例{name}")
        if name in have or value is None:
            continue
        session.add(
            CompanyFact(
                name=name,
                site_id=None,
                value=value,
                updated_at=now,
                updated_by_id=admin.id if admin else None,
            )
        )
        record_fact_change(session, admin, name, None, None, value, now)
        created = True
    session.flush()
    return created
