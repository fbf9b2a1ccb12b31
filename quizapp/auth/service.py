"""Login attempts: throttled, timing-safe, counted in the database."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ..database import write_transaction
from ..models import Employee
from ..people import throttle
from ..people.service import find_by_employee_no
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
