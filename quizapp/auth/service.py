"""Logging in and out, password changes, language choice: the writes of the auth pages.

Login attempts are throttled, timing-safe and counted in the database. Every function
commits its own writes; slow password checks run before the write lock is taken.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ..database import write_transaction
from ..i18n import N_
from ..models import Employee
from ..people import throttle
from ..people.passwords import password_problem
from ..people.service import NewPassword, PersonError, find_by_employee_no
from ..roster.text import normalise_employee_no

# Checked against when the employee number is unknown, so a wrong number takes as long
# as a wrong password and does not reveal which numbers exist.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


@dataclass(frozen=True)
class LoginOutcome:
    person: Employee | None
    message: str = ""


def _keys(employee_no: str, address: str) -> dict[str, str]:
    try:
        account = normalise_employee_no(employee_no)
    except ValueError:
        account = employee_no.strip()[:100]
    return {"account": account, "address": (address or "unknown")[:100]}


def _locked_message(until: datetime, now: datetime) -> str:
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))
    return _(
        "登录失败次数过多，已暂时锁定。请在 %(minutes)s 分钟后再试，或联系管理员解锁。",
        minutes=minutes,
    )


def attempt_login(
    session: Session, employee_no: str, password: str, address: str, now: datetime
) -> LoginOutcome:
    """Check a login; count a failure or clear the counter. Commits its own writes."""
    keys = _keys(employee_no, address)
    until = throttle.locked_until(session, keys, now)
    if until is not None:
        return LoginOutcome(None, _locked_message(until, now))
    person = find_by_employee_no(session, employee_no)
    # The slow part (scrypt) runs before the write lock is taken, so logins do not queue.
    if person is None:
        check_password_hash(_DUMMY_HASH, password)
        ok = False
    else:
        ok = person.check_password(password)
    if not ok:
        with write_transaction(session):
            until = throttle.record_failure(session, keys, now)
        if until is not None:
            return LoginOutcome(None, _locked_message(until, now))
        return LoginOutcome(None, _("工号或密码不正确"))
    if not person.is_active:
        return LoginOutcome(None, _("此账号已停用，如有疑问请联系人事（HR）"))
    with write_transaction(session):
        throttle.clear(session, "account", keys["account"])
        person.last_login_at = now
    return LoginOutcome(person)


def log_out(session: Session, person: Employee) -> None:
    """End every session of the person: a new session version makes every copy of the old
    cookies useless."""
    with write_transaction(session):
        _locked(session, person).session_version += 1


def change_password(
    session: Session, person: Employee, current_password: str, new_password: str, now: datetime
) -> Employee:
    """Replace the person's password with one they chose (their other sessions end).

    Raises PersonError on `current_password` or `new_password`, nothing changed, for a
    wrong current password or an unacceptable new one.
    """
    problem = password_problem(new_password, person.employee_no, person.phone)
    if not person.check_password(current_password):
        raise PersonError("current_password", N_("当前密码不正确"))
    if problem:
        raise PersonError("new_password", problem)
    if new_password == current_password:
        raise PersonError("new_password", N_("新密码不能与当前密码相同"))
    hashed = NewPassword.chosen(new_password).hash  # before the write lock is taken
    with write_transaction(session):
        person = _locked(session, person)
        person.set_password_hash(hashed, one_time=False)
        person.updated_at = now
    return person


def set_language(session: Session, person: Employee, language: str) -> None:
    """Keep the person's choice of language for every page and device."""
    with write_transaction(session):
        _locked(session, person).locale = language


def _locked(session: Session, person: Employee) -> Employee:
    # Read afresh inside the write transaction (see quizapp.database.write_transaction).
    return session.get(Employee, person.id, populate_existing=True, with_for_update=True)
