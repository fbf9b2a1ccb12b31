"""Slow down, then briefly lock, repeated failed logins, without letting anyone lock the
owner out: counters per account, per address and per (account, address) pair.

Counters live in the database so every gunicorn worker and app server sees the same ones.
A request refused by a lock is not counted, so failures that arrive while locked never
make a lock longer. Only the pair's locks grow (up to an hour): they fall on one address
trying one account, the attacker's, not on the owner at another address. An account's
own lock is short and needs a fresh batch of failures each time; so is an address's, which
also leaves room for an office behind one NAT. Locks always expire; admins can lift them
early; a successful login clears its account's, address's and pair's counters. The rules
are written up in docs/security.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..models import LoginThrottle


@dataclass(frozen=True)
class ThrottleRule:
    free_attempts: int  # failures before the first lock
    every: int  # after that, a lock on every `every`-th failure (1: on each one)
    first_delay: timedelta  # the first lock; each further one doubles …
    max_delay: timedelta  # … up to this
    forget_after: timedelta  # a quiet period after which the count starts again


# One address trying one account: the lock that grows, and the one that stops a guesser.
PAIR = ThrottleRule(5, 1, timedelta(minutes=1), timedelta(hours=1), timedelta(hours=24))
# One account from anywhere (many addresses guessing together): a short lock after every
# tenth failure, never longer, so the owner waits a minute at most.
ACCOUNT = ThrottleRule(9, 10, timedelta(minutes=1), timedelta(minutes=1), timedelta(hours=1))
# One address trying many accounts. Many people share one address (a site's Wi-Fi, a
# carrier's NAT), and one person's typos lock only their pair long before they reach this.
ADDRESS = ThrottleRule(29, 30, timedelta(minutes=1), timedelta(minutes=15), timedelta(minutes=30))
# Guessing the current password on /password (someone holding the person's session).
PASSWORD = PAIR
RULES = {"account": ACCOUNT, "address": ADDRESS, "pair": PAIR, "password": PASSWORD}

# Enough doublings for any max_delay here (2**16 minutes is over a month); unbounded, a
# long run of failures would overflow timedelta.
_MAX_DOUBLINGS = 16


def lock_duration(rule: ThrottleRule, failures: int) -> timedelta | None:
    """How long to lock after `failures` counted failures (None: not at all)."""
    past = failures - rule.free_attempts - 1
    if past < 0 or past % rule.every:
        return None
    doublings = min(past // rule.every, _MAX_DOUBLINGS)
    return min(rule.first_delay * 2**doublings, rule.max_delay)


def locked_until(session: Session, keys: dict[str, str], now: datetime) -> datetime | None:
    """The latest lock in force on any of the {scope: key} counters, if any."""
    return session.scalar(
        select(func.max(LoginThrottle.locked_until)).where(
            LoginThrottle.locked_until > now, _matching(keys)
        )
    )


def _matching(keys: dict[str, str]):
    return or_(
        *(
            and_(LoginThrottle.scope == scope, LoginThrottle.key == key)
            for scope, key in keys.items()
        )
    )


def record_failure(session: Session, keys: dict[str, str], now: datetime) -> datetime | None:
    """Count a failed login on each counter; return when the resulting lock ends."""
    latest = None
    for scope, key in keys.items():
        rule = RULES[scope]
        row = session.scalar(
            select(LoginThrottle).where(LoginThrottle.scope == scope, LoginThrottle.key == key)
        )
        if row is None:
            try:
                with session.begin_nested():
                    row = LoginThrottle(scope=scope, key=key, failures=0, last_failure_at=now)
                    session.add(row)
            except IntegrityError:  # another worker created it first
                row = session.scalar(
                    select(LoginThrottle).where(
                        LoginThrottle.scope == scope, LoginThrottle.key == key
                    )
                )
        if row.last_failure_at < now - rule.forget_after:
            session.execute(
                update(LoginThrottle).where(LoginThrottle.id == row.id).values(failures=0)
            )
        # Incremented in SQL, not in Python: two workers failing at once both count.
        session.execute(
            update(LoginThrottle)
            .where(LoginThrottle.id == row.id)
            .values(failures=LoginThrottle.failures + 1, last_failure_at=now)
        )
        session.refresh(row)
        duration = lock_duration(rule, row.failures)
        if duration is not None:
            row.locked_until = now + duration
            latest = max(latest, row.locked_until) if latest else row.locked_until
    return latest


def clear_keys(session: Session, keys: dict[str, str]) -> None:
    """Forget the {scope: key} counters (after a success)."""
    session.execute(delete(LoginThrottle).where(_matching(keys)))


def active_locks(session: Session, now: datetime) -> list[LoginThrottle]:
    return list(
        session.scalars(
            select(LoginThrottle)
            .where(LoginThrottle.locked_until > now)
            .order_by(LoginThrottle.locked_until.desc())
        )
    )


def unlock(session: Session, throttle_id: int) -> LoginThrottle | None:
    row = session.get(LoginThrottle, throttle_id)
    if row is not None:
        session.delete(row)
    return row
