"""Logging in under attack, called directly with an injected `now`: nobody can keep the
owner out for long, an office behind one address is not locked by one person's typos, a
deactivated account looks like a wrong password."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from quizapp.auth import service
from quizapp.extensions import db
from quizapp.models import LoginThrottle
from quizapp.people import service as people
from quizapp.people import throttle
from tests.factories import PASSWORD, T0, make_person

ATTACKER = "203.0.113.7"
OWNER = "198.51.100.20"
OFFICE = "192.0.2.50"
DAY = 24 * 60  # minutes


@pytest.fixture(autouse=True)
def _request(app):
    # The outcome's message is translated for the request's language.
    with app.test_request_context():
        yield


def refused(employee_no: str, address: str, now) -> bool:
    """Whether a login from `address` would be refused now, before its password is looked at.

    Read only: a real login by the owner would clear the counters and hide the attack; this
    is the owner coming back at any minute of the day, to find the account as the attacker
    left it.
    """
    keys = service.login_keys(employee_no, address)
    return throttle.locked_until(db.session, keys, now) is not None


def quick_person(employee_no: str, **kwargs):
    """A person whose password hash is quick to check: these tests make hundreds of attempts,
    and scrypt takes a quarter of a second each."""
    person = make_person(employee_no, **kwargs)
    person.password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1")
    db.session.commit()
    return person


def rows() -> set[tuple[str, str]]:
    return {(row.scope, row.key) for row in db.session.scalars(select(LoginThrottle))}


def test_an_attacker_failing_all_day_keeps_the_owner_out_for_minutes_at_most(app):
    quick_person("ADMIN", roles=("admin",))
    refused_minutes = 0
    for minute in range(DAY):
        # One wrong password a minute: the first minute after every lock ends, at the latest.
        now = T0 + timedelta(minutes=minute)
        outcome = service.attempt_login(db.session, "ADMIN", f"guess-{minute}", ATTACKER, now)
        assert outcome.person is None
        refused_minutes += refused("ADMIN", OWNER, now + timedelta(seconds=1))
    assert refused_minutes <= 5
    owner = service.attempt_login(db.session, "ADMIN", PASSWORD, OWNER, T0 + timedelta(days=1))
    assert owner.person is not None
    # The attacker's own address stays locked out of this account.
    assert refused("ADMIN", ATTACKER, T0 + timedelta(days=1))


def test_an_attacker_on_many_addresses_gets_only_short_locks_that_never_grow(app):
    quick_person("ADMIN", roles=("admin",))
    now, locks = T0, []
    for attempt in range(60):
        address = f"10.{attempt // 250}.{attempt % 250}.1"  # a fresh address every time
        outcome = service.attempt_login(db.session, "ADMIN", "guess", address, now)
        assert outcome.person is None
        until = throttle.locked_until(db.session, service.login_keys("ADMIN", OWNER), now)
        if until is not None:
            locks.append(until - now)
            now = until  # the next failure arrives the moment the lock ends
        now += timedelta(seconds=1)
    assert len(locks) >= 5
    assert max(locks) <= throttle.ACCOUNT.max_delay <= timedelta(minutes=2)
    assert service.attempt_login(db.session, "ADMIN", PASSWORD, OWNER, now).person is not None


def test_failures_while_locked_are_refused_without_being_counted(app):
    quick_person("E1")
    now = T0
    while not refused("E1", ATTACKER, now):
        service.attempt_login(db.session, "E1", "wrong-pass", ATTACKER, now)
        now += timedelta(seconds=1)
    before = {(r.scope, r.key): r.failures for r in db.session.scalars(select(LoginThrottle))}
    for _ in range(50):
        outcome = service.attempt_login(db.session, "E1", "wrong-pass", ATTACKER, now)
        assert "登录失败次数过多" in outcome.message
    after = {(r.scope, r.key): r.failures for r in db.session.scalars(select(LoginThrottle))}
    assert after == before


def test_one_persons_typos_do_not_lock_their_office(app):
    quick_person("E1")
    quick_person("E2")
    for minute in range(DAY):
        now = T0 + timedelta(minutes=minute)
        service.attempt_login(db.session, "E1", f"typo-{minute}", OFFICE, now)
        assert not refused("E2", OFFICE, now + timedelta(seconds=1)), minute
    later = T0 + timedelta(days=1)
    assert service.attempt_login(db.session, "E2", PASSWORD, OFFICE, later).person is not None


def test_a_successful_login_clears_its_address_account_and_pair(app):
    make_person("E1")
    make_person("E2")
    for second in range(3):
        service.attempt_login(
            db.session, "E1", "wrong-pass", OFFICE, T0 + timedelta(seconds=second)
        )
    service.attempt_login(db.session, "E2", "wrong-pass", OFFICE, T0 + timedelta(seconds=5))
    e1 = set(service.login_keys("E1", OFFICE).items())
    e2 = set(service.login_keys("E2", OFFICE).items())
    assert ("address", OFFICE) in e1 and e1 | e2 <= rows()
    assert service.attempt_login(db.session, "E1", PASSWORD, OFFICE, T0 + timedelta(seconds=9))
    # The address and everything of E1 are forgotten; E2's own counters stay.
    assert rows() == e2 - {("address", OFFICE)}


def test_addresses_in_one_ipv6_network_share_their_counters(app):
    one = service.login_keys("E1", "2001:db8:1:2::10")
    other = service.login_keys("E1", "2001:db8:1:2:ffff::1")
    assert one == other
    assert one["address"] != service.login_keys("E1", "2001:db8:1:3::10")["address"]
    # An IPv4 client seen through an IPv6 socket is its IPv4 address.
    assert service.login_keys("E1", "::ffff:192.0.2.5")["address"] == "192.0.2.5"
    assert service.login_keys("E1", "")["address"] == "unknown"


def test_a_deactivated_account_answers_like_a_wrong_password(app):
    person = make_person("E1")
    hr = make_person("H1", roles=("hr",))
    people.deactivate(db.session, person, hr, T0)
    db.session.commit()
    right = service.attempt_login(db.session, "E1", PASSWORD, OWNER, T0)
    wrong = service.attempt_login(db.session, "E1", "wrong-pass", OWNER, T0)
    unknown = service.attempt_login(db.session, "NOBODY", "wrong-pass", OWNER, T0)
    assert right.person is None
    assert right.message == wrong.message == unknown.message == "工号或密码不正确"
    account = db.session.scalar(
        select(LoginThrottle).where(LoginThrottle.scope == "account", LoginThrottle.key == "E1")
    )
    assert account.failures == 2
