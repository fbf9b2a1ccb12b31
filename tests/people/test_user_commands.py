"""`quizapp user password` and `quizapp user deactivate`: what the demo accounts' refusal
message tells an operator to run."""

from __future__ import annotations

from sqlalchemy import select

from quizapp.demo import create_demo
from quizapp.extensions import db
from quizapp.models import AuditEntry, Employee
from tests.conftest import database_snapshot
from tests.factories import PASSWORD, T0, make_person


def person_named(number: str) -> Employee:
    db.session.expire_all()
    return db.session.scalar(select(Employee).where(Employee.employee_no == number))


def test_user_password_sets_a_chosen_password_and_ends_sessions(app, runner):
    create_demo(db.session, T0)
    db.session.commit()
    version = person_named("ADMIN").session_version
    result = runner.invoke(args=["user", "password", "admin"], input="a-private-pass-7\n" * 2)
    assert result.exit_code == 0, result.output
    admin = person_named("ADMIN")
    assert admin.check_password("a-private-pass-7") and not admin.must_change_password
    assert admin.session_version == version + 1
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "password_reset"))
    assert entry.target == "ADMIN" and entry.actor_id is None


def test_user_password_refuses_a_weak_password_or_an_unknown_person(app, runner):
    make_person("E1")
    before = database_snapshot()
    weak = runner.invoke(args=["user", "password", "E1", "--password", "quizapp123"])
    assert weak.exit_code != 0 and "这个密码太常见" in weak.output
    unknown = runner.invoke(args=["user", "password", "NOBODY", "--password", "a-private-pass-7"])
    assert unknown.exit_code == 1 and "NOBODY" in unknown.output
    assert database_snapshot() == before
    assert person_named("E1").check_password(PASSWORD)


def test_user_deactivate_turns_the_demo_accounts_off(app, runner):
    create_demo(db.session, T0)
    db.session.commit()
    result = runner.invoke(args=["user", "deactivate", "ADMIN", "e001"])
    assert result.exit_code == 0, result.output
    assert not person_named("ADMIN").is_active and not person_named("E001").is_active
    assert person_named("T001").is_active
    again = runner.invoke(args=["user", "deactivate", "ADMIN", "NOBODY"])
    assert again.exit_code == 1 and "NOBODY" in again.output
