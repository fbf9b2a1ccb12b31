"""Slow down, then lock, repeated failed logins — per account and per address.

Counters live in the database so every gunicorn worker and app server sees the same ones.
Locks always expire; admins can lift them early.
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
    free_attempts: int  # failures allowed before the first lock
    first_delay: timedelta  # lock after the first failure past the free ones; doubles after
    max_delay: timedelta
    forget_after: timedelta  # a quiet period after which the count starts again


ACCOUNT = ThrottleRule(3, timedelta(seconds=15), timedelta(minutes=15), timedelta(hours=1))
# Many people share one address (a site's Wi-Fi, a carrier's NAT): more room before a lock.
ADDRESS = ThrottleRule(20, timedelta(seconds=15), timedelta(minutes=15), timedelta(hours=1))
RULES = {"account": ACCOUNT, "address": ADDRESS}


def lock_duration(rule: ThrottleRule, failures: int) -> timedelta | None:
    """How long to lock after `failures` consecutive failures (None: not at all)."""
    over = failures - rule.free_attempts - 1
    if over < 0:
        return None
    return min(rule.first_delay * (2**over), rule.max_delay)


def locked_until(session: Session, keys: dict[str, str], now: datetime) -> datetime | None:
    """The latest lock in force on any of the {scope: key} counters, if any."""
    matches = [
        and_(LoginThrottle.scope == scope, LoginThrottle.key == key) for scope, key in keys.items()
    ]
    return session.scalar(
        select(func.max(LoginThrottle.locked_until)).where(
            LoginThrottle.locked_until > now, or_(*matches)
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


def clear(session: Session, scope: str, key: str) -> None:
    session.execute(
        delete(LoginThrottle).where(LoginThrottle.scope == scope, LoginThrottle.key == key)
    )


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
