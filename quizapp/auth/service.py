"""Logging in and out, password changes, language choice: the writes of the auth pages.

Login attempts and current-password checks are throttled (quizapp.people.throttle; the
rules are in docs/security.md), timing-safe and counted in the database. Every function
commits its own writes; slow password checks run before the write lock is taken.
"""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ..database import write_transaction
from ..demo import has_published_password
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


def login_keys(employee_no: str, address: str) -> dict[str, str]:
    """The throttle counters a login attempt counts on: {scope: key} for its account, its
    address and the (account, address) pair."""
    try:
        account = normalise_employee_no(employee_no)
    except ValueError:
        account = employee_no.strip()[:100]
    where = _address_key(address)
    return {"account": account, "address": where, "pair": f"{account[:50]}@{where[:49]}"}


def _address_key(address: str) -> str:
    """An IPv6 address counts as its /64 (one subscriber's network: they get millions of
    addresses), an IPv4 client seen through an IPv6 socket as its IPv4 address."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return ((address or "").strip() or "unknown")[:100]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((int(ip) >> 64 << 64, 64)))
    return str(ip)


def _minutes_left(until: datetime, now: datetime) -> int:
    return max(1, math.ceil((until - now).total_seconds() / 60))


def _locked_message(until: datetime, now: datetime) -> str:
    return _(
        "登录失败次数过多，已暂时锁定。请在 %(minutes)s 分钟后再试，或联系管理员解锁。",
        minutes=_minutes_left(until, now),
    )


def attempt_login(
    session: Session,
    employee_no: str,
    password: str,
    address: str,
    now: datetime,
    allow_published: bool = False,
) -> LoginOutcome:
    """Check a login; count a failure, or clear the counters of its account, address and
    pair. Commits its own writes.

    A request refused by a lock is not counted. A deactivated account answers exactly like
    a wrong password, whatever the password. A demo account that still has its published
    password (quizapp.demo) is refused unless `allow_published` (the development server on
    a loopback address, tests, debug mode); that is neither a failure nor a login.
    """
    keys = login_keys(employee_no, address)
    until = throttle.locked_until(session, keys, now)
    if until is not None:
        return LoginOutcome(None, _locked_message(until, now))
    person = find_by_employee_no(session, employee_no)
    # The slow part (scrypt) runs before the write lock is taken, so logins do not queue.
    if person is None:
        check_password_hash(_DUMMY_HASH, password)
        ok = False
    else:
        # The password is checked whatever the status: a deactivated account takes as
        # long, counts the same and answers the same as a wrong password.
        ok = person.check_password(password) and person.is_active
    if not ok:
        with write_transaction(session):
            until = throttle.record_failure(session, keys, now)
        if until is not None:
            return LoginOutcome(None, _locked_message(until, now))
        return LoginOutcome(None, _("工号或密码不正确"))
    if not allow_published and has_published_password(person.employee_no, password):
        return LoginOutcome(
            None,
            _(
                "%(number)s 是演示账号，仍在使用公开的演示密码：这样只能在开发机本机上登录"
                "（make run，地址 127.0.0.1）。请在开发机上登录后修改密码，或在服务器上运行"
                " quizapp user password %(number)s 设置新密码；不再需要这个账号就运行"
                " quizapp user deactivate %(number)s 停用它。",
                number=person.employee_no,
            ),
        )
    with write_transaction(session):
        throttle.clear_keys(session, keys)
        person.last_login_at = now
    return LoginOutcome(person)


def log_out(session: Session, person: Employee) -> None:
    """End every session of the person: a new session version makes every copy of the old
    cookies useless."""
    with write_transaction(session):
        _locked(session, person).session_version += 1


def change_password(
    session: Session,
    person: Employee,
    current_password: str | None,
    new_password: str,
    now: datetime,
) -> Employee:
    """Replace the person's password with one they chose (their other sessions end).

    `current_password` is None when the person still has a one-time password: they proved
    it by logging in, and the first-login page asks only for the new one. Otherwise it is
    checked, throttled per account like logins (throttle.PASSWORD): a wrong one is counted,
    and while locked none is tried.

    Raises PersonError on `current_password` or `new_password`, nothing changed but that
    count, for a missing, wrong or locked current password or an unacceptable new one.
    """
    if current_password is None:
        if not person.must_change_password:
            raise PersonError("current_password", N_("请输入当前密码"))
    else:
        _check_current_password(session, person, current_password, now)
    problem = password_problem(new_password, person.employee_no, person.phone)
    if problem:
        raise PersonError("new_password", problem)
    if current_password is None:
        # Not the one-time password again (one-time passwords have a fast hash).
        same = person.check_password(new_password)
    else:
        same = new_password == current_password
    if same:
        raise PersonError("new_password", N_("新密码不能与当前密码相同"))
    hashed = NewPassword.chosen(new_password).hash  # before the write lock is taken
    with write_transaction(session):
        throttle.clear_keys(session, _password_keys(person))
        person = _locked(session, person)
        person.set_password_hash(hashed, one_time=False)
        person.updated_at = now
    return person


def _password_keys(person: Employee) -> dict[str, str]:
    return {"password": person.employee_no}


def _check_current_password(
    session: Session, person: Employee, password: str, now: datetime
) -> None:
    """PersonError on `current_password` unless it is right and not locked; counts a
    wrong one (committed)."""
    keys = _password_keys(person)
    until = throttle.locked_until(session, keys, now)
    if until is None:
        if person.check_password(password):
            return
        with write_transaction(session):
            until = throttle.record_failure(session, keys, now)
        if until is None:
            raise PersonError("current_password", N_("当前密码不正确"))
    raise PersonError(
        "current_password",
        N_("当前密码输错次数过多，已暂时锁定。请在 %(minutes)s 分钟后再试。"),
        minutes=_minutes_left(until, now),
    )


def set_language(session: Session, person: Employee, language: str) -> None:
    """Keep the person's choice of language for every page and device."""
    with write_transaction(session):
        _locked(session, person).locale = language


def _locked(session: Session, person: Employee) -> Employee:
    # Read afresh inside the write transaction (see quizapp.database.write_transaction).
    return session.get(Employee, person.id, populate_existing=True, with_for_update=True)
