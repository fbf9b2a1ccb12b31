"""Bulk onboarding does not block the site (finding 4): the one-time passwords are hashed
before the write lock is taken, and the accounts are written in a fixed number of
statements, however long the roster (timings: bench/import_bench.py)."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event, func, select

from quizapp.extensions import db
from quizapp.models import Employee
from quizapp.models.types import utcnow
from quizapp.people import onboarding
from quizapp.roster import Hire
from tests.factories import make_person


def hires(count: int, sites: str = "项目") -> list[Hire]:
    return [
        Hire(
            employee_no=f"N{n:04d}",
            name=f"新员工{n}",
            job_role="客服前台",
            site=f"{sites}{n % 3}",
            trainer="T1" if n % 2 else None,
            roles=("employee", "trainer") if n % 5 == 0 else ("employee",),
        )
        for n in range(count)
    ]


def test_passwords_are_hashed_before_the_write_lock(app, monkeypatch):
    make_person("T1", roles=("trainer",), job_role="客服前台")
    in_transaction = []
    hashed_inside = []
    real_transaction = onboarding.write_transaction

    @contextmanager
    def watched(session):
        with real_transaction(session) as inner:
            in_transaction.append(True)
            try:
                yield inner
            finally:
                in_transaction.pop()

    import quizapp.models.people as people_model

    real_hash = people_model.generate_password_hash

    def watching_hash(password, *args, **kwargs):
        hashed_inside.append(bool(in_transaction))
        return real_hash(password, *args, **kwargs)

    monkeypatch.setattr(onboarding, "write_transaction", watched)
    monkeypatch.setattr(people_model, "generate_password_hash", watching_hash)
    credentials = onboarding.import_hires(db.session, hires(100), None, utcnow(), "r.csv")
    assert len(credentials) == 100 and len(hashed_inside) == 100
    assert not any(hashed_inside), "a password was hashed while the write lock was held"


def statements_for(count: int, sites: str) -> int:
    statements = []

    def count_statement(*_args, **_kwargs):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count_statement)
    try:
        onboarding.import_hires(db.session, hires(count, sites), None, utcnow(), "r.csv")
    finally:
        event.remove(db.engine, "before_cursor_execute", count_statement)
    return len(statements)


def test_the_accounts_are_written_in_bulk(app):
    make_person("T1", roles=("trainer",), job_role="客服前台")
    few = statements_for(10, "一期")
    db.session.execute(Employee.__table__.delete().where(Employee.employee_no.like("N%")))
    db.session.commit()
    # The same statements for 10 hires as for 400: no query per person.
    assert statements_for(400, "二期") == few
    assert db.session.scalar(select(func.count()).select_from(Employee)) == 401
