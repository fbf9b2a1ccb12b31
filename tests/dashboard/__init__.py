"""A cohort whose statuses are known, built relative to a given now.

Statuses follow from each hire's answers and dates (quizapp.readiness.assess):

======  ===========  ===========  ========================  ===========================
hire    trainer      site         history                   status (digest lists)
======  ===========  ===========  ========================  ===========================
E1      T1           一号项目     all right, 30…1 days ago  ready (newly ready)
E2      T1           一号项目     one answer today          in_progress
E3      T2           二号项目     one answer 10 days ago    at_risk (inactive)
E4      T2           二号项目     none, hired today          not_started (营业厅营业员)
E5      T1           二号项目     none, go-live in 2 days   at_risk (inactive: hired 5
                                                            days ago, never active)
E6      T2           (none)       one answer yesterday,     at_risk (overdue)
                                  go-live 3 days ago
======  ===========  ===========  ========================  ===========================
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache

from sqlalchemy import select

from quizapp import srs
from quizapp.extensions import db
from quizapp.models import AccessRole, Employee, JobRole, Site
from quizapp.models.people import hash_password
from tests.factories import PASSWORD, load_bank
from tests.study.util import answer

RIGHT = {
    "three": {"self_rating": "easy"},
    "paid": {"choices": [1]},
    "weekly": {"choices": [0, 1]},
    "ring": {"verdict": True},
    "ring-cloze": {"blanks": ["三"]},
    "fire": {"verdict": True},
}


@cache
def _password_hash() -> str:
    # scrypt takes a quarter of a second: hashed once, shared by everyone built here.
    return hash_password(PASSWORD)


def person(
    number: str,
    *,
    roles: tuple[str, ...] = ("employee",),
    name: str | None = None,
    job_role: str | None = None,
    site: str | None = None,
    trainer: Employee | None = None,
    hired: date | None = None,
    go_live: date | None = None,
) -> Employee:
    """Someone who logs in with tests.factories.PASSWORD (as make_person makes them, with
    a hire date and a go-live date, and without hashing a password each time)."""
    role = db.session.scalar(select(JobRole).where(JobRole.name == job_role)) if job_role else None
    if job_role and role is None:
        role = JobRole(name=job_role)
    where = db.session.scalar(select(Site).where(Site.name == site)) if site else None
    if site and where is None:
        where = Site(name=site)
    found = Employee(
        employee_no=number,
        name=name or f"测试{number}",
        job_role=role,
        site=where,
        trainer=trainer,
        hire_date=hired,
        go_live_date=go_live,
        password_hash=_password_hash(),
        must_change_password=False,
    )
    found.set_roles(set(roles))
    db.session.add(found)
    db.session.commit()
    return found


def hire(number: str, *, job_role: str = "客服前台", **details) -> Employee:
    return person(number, job_role=job_role, **details)


def cohort(now: datetime) -> dict[str, Employee]:
    """The staff (H1 HR, T1 and T2 trainers) and the hires above."""
    today = srs.study_day(now, srs.DEFAULT_SETTINGS)
    load_bank(now=now - timedelta(days=60))
    people = {
        "H1": person("H1", roles=("hr",)),
        "T1": person("T1", roles=("trainer",), name="培训师一"),
        "T2": person("T2", roles=("trainer",), name="培训师二"),
    }
    t1, t2 = people["T1"], people["T2"]
    people["E1"] = hire("E1", trainer=t1, site="一号项目", hired=today - timedelta(days=32))
    people["E2"] = hire("E2", trainer=t1, site="一号项目", hired=today - timedelta(days=13))
    people["E3"] = hire(
        "E3",
        trainer=t2,
        site="二号项目",
        hired=today - timedelta(days=28),
        go_live=today + timedelta(days=29),
    )
    people["E4"] = hire("E4", trainer=t2, site="二号项目", job_role="营业厅营业员", hired=today)
    people["E5"] = hire(
        "E5",
        trainer=t1,
        site="二号项目",
        hired=today - timedelta(days=5),
        go_live=today + timedelta(days=2),
    )
    people["E6"] = hire(
        "E6", trainer=t2, hired=today - timedelta(days=20), go_live=today - timedelta(days=3)
    )
    for days in (30, 20, 10, 1):
        for key, given in RIGHT.items():
            answer(people["E1"], key, given, now=now - timedelta(days=days))
    answer(people["E2"], "ring", RIGHT["ring"], now=now - timedelta(seconds=30))
    answer(people["E3"], "ring", RIGHT["ring"], now=now - timedelta(days=10))
    answer(people["E6"], "ring", RIGHT["ring"], now=now - timedelta(days=1))
    return people


def many_hires(count: int, trainer: Employee | None = None) -> None:
    """``count`` hires without history (rows written directly: no password hashing)."""
    for n in range(count):
        person = Employee(
            employee_no=f"P{n:03d}",
            name=f"批量{n:03d}",
            trainer_id=trainer.id if trainer else None,
            must_change_password=False,
        )
        person.access_roles.append(AccessRole(role="employee"))
        db.session.add(person)
    db.session.commit()
