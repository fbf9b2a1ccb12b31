"""The throttling rules, counter by counter, with an injected `now`."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import LoginThrottle
from quizapp.people import throttle
from tests.factories import T0


def durations(scope: str, failures: int) -> list[timedelta | None]:
    """The lock after each of `failures` failures on one counter, each failure arriving the
    moment the previous lock ended (a second later when there was none)."""
    now, found = T0, []
    for _ in range(failures):
        until = throttle.record_failure(db.session, {scope: "K1"}, now)
        db.session.commit()
        found.append(until - now if until else None)
        now = (until or now) + timedelta(seconds=1)
    return found


def test_the_pair_is_where_locks_grow_up_to_an_hour(app):
    rule = throttle.RULES["pair"]
    found = durations("pair", rule.free_attempts + 9)
    minute = timedelta(minutes=1)
    assert found[: rule.free_attempts] == [None] * rule.free_attempts
    assert found[rule.free_attempts :] == [minute * n for n in (1, 2, 4, 8, 16, 32, 60, 60, 60)]


def test_an_account_lock_is_short_comes_after_a_batch_of_failures_and_never_grows(app):
    rule = throttle.ACCOUNT
    found = durations("account", 10 * rule.every)
    locks = [d for d in found if d is not None]
    assert len(locks) == 10  # one per batch: a failure after a lock does not lock again
    assert set(locks) == {rule.max_delay} and rule.max_delay <= timedelta(minutes=2)
    assert found[: rule.free_attempts] == [None] * rule.free_attempts


def test_an_address_allows_many_failures_and_caps_its_locks(app):
    rule = throttle.ADDRESS
    found = durations("address", 8 * rule.every)
    assert found[: rule.free_attempts] == [None] * rule.free_attempts
    assert rule.free_attempts >= 20
    assert max(d for d in found if d) == rule.max_delay <= timedelta(minutes=15)


def test_a_quiet_period_starts_the_count_again(app):
    rule = throttle.RULES["pair"]
    keys = {"pair": "K1"}
    for second in range(rule.free_attempts):
        assert throttle.record_failure(db.session, keys, T0 + timedelta(seconds=second)) is None
    later = T0 + rule.forget_after + timedelta(minutes=1)
    assert throttle.record_failure(db.session, keys, later) is None


def test_every_rule_remembers_failures_for_longer_than_its_longest_lock(app):
    # Otherwise the failure that follows the longest lock would start the count again.
    for rule in throttle.RULES.values():
        assert rule.forget_after > rule.max_delay


def test_clearing_forgets_the_counters_named_and_no_other(app):
    keys = {"account": "E1", "address": "10.0.0.1", "pair": "E1@10.0.0.1"}
    throttle.record_failure(db.session, keys, T0)
    throttle.record_failure(db.session, {"account": "E2"}, T0)
    throttle.clear_keys(db.session, keys)
    db.session.commit()
    remaining = {(row.scope, row.key) for row in db.session.scalars(select(LoginThrottle))}
    assert remaining == {("account", "E2")}
