"""Every hire's standing in bulk: the cohort figures, their cache, and the CLI."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from quizapp import readiness
from quizapp.extensions import db
from quizapp.models import Employee, JobRole, ReadinessCache
from quizapp.study.answers import undo_last
from quizapp.study.readiness_cache import ANSWERED
from quizapp.study.standing import standings
from tests.factories import T0, make_person
from tests.study.util import answer

CLI_KEYS = {
    "employee_no",
    "name",
    "job_role",
    "site",
    "go_live",
    "required",
    "seen",
    "expected_known",
    "readiness",
    "red_lines",
    "red_lines_at_risk",
    "status",
    "forecast_ready",
}


def _cached() -> int:
    """Cached figures that can be used as they are (an answer marks them stale)."""
    return db.session.scalar(
        select(func.count())
        .select_from(ReadinessCache)
        .where(~ReadinessCache.basis.startswith(ANSWERED))
    )


def test_not_started_hires_and_staff_are_told_apart(hire):
    make_person("HR1", roles=("hr",))
    [only] = standings(db.session, T0)
    assert only.employee_no == "E1" and only.status == "not_started"
    assert (only.required, only.seen, only.readiness) == (6, 0, 0.0)


def test_each_hire_is_judged_by_their_own_roles_settings(hire):
    # Only the job roles of the people asked about are read: one person's banner reads one.
    other = make_person("E2", job_role="营业厅营业员")
    make_person("E3")  # no job role: the default settings
    targets = {"客服前台": 0.8, "营业厅营业员": 0.95}
    for role in db.session.scalars(select(JobRole)):
        role.readiness_target = targets.get(role.name, 0.7)
    db.session.commit()
    everyone = {s.employee_no: s.target for s in standings(db.session, T0)}
    assert everyone == {"E1": 0.8, "E2": 0.95, "E3": 0.9}
    for person in (hire, other):
        [one] = standings(db.session, T0, [Employee.id == person.id], use_cache=False)
        assert one.target == everyone[person.employee_no]


def test_the_cache_is_used_then_dropped_by_an_answer_and_an_undo(hire):
    answer(hire, "ring", {"verdict": True}, now=T0)
    first = standings(db.session, T0 + timedelta(hours=1))
    assert _cached() == 1 and first[0].seen == 1
    assert standings(db.session, T0 + timedelta(hours=2)) == first  # from the cache
    answer(hire, "fire", {"verdict": True}, now=T0 + timedelta(hours=3))
    assert _cached() == 0
    assert standings(db.session, T0 + timedelta(hours=4))[0].seen == 2
    undo_last(db.session, db.session.get(Employee, hire.id), T0 + timedelta(hours=5))
    db.session.commit()
    assert _cached() == 0
    assert standings(db.session, T0 + timedelta(hours=6))[0].seen == 1


def test_an_answer_reuses_a_recent_forecast_and_recomputes_the_rest(hire, monkeypatch):
    calls = []
    real = readiness.forecast_ready
    monkeypatch.setattr(
        readiness, "forecast_ready", lambda *a, **k: calls.append(1) or real(*a, **k)
    )
    answer(hire, "ring", {"verdict": True}, now=T0)
    first = standings(db.session, T0 + timedelta(minutes=1))[0]
    assert len(calls) == 1
    answer(hire, "fire", {"verdict": True}, now=T0 + timedelta(minutes=2))
    second = standings(db.session, T0 + timedelta(minutes=3))[0]
    # The figures follow the answer; the forecast made 2 minutes before is kept.
    assert second.seen == 2 and len(calls) == 1
    assert second.forecast_ready == first.forecast_ready
    answer(hire, "ring", {"verdict": False}, now=T0 + timedelta(minutes=20))
    assert (
        standings(db.session, T0 + timedelta(minutes=21))[0].expected_known < second.expected_known
    )
    assert len(calls) == 2  # the cached figures were over FORECAST_REUSE old: recomputed


def test_the_card_banner_may_show_figures_an_answer_made_stale_minutes_ago(hire):
    answer(hire, "ring", {"verdict": True}, now=T0)
    before = standings(db.session, T0 + timedelta(seconds=30))[0]
    answer(hire, "fire", {"verdict": True}, now=T0 + timedelta(minutes=1))
    within = timedelta(minutes=2)
    # Computed 60 s before: the banner takes them as they are; the cache stays stale.
    banner = standings(db.session, T0 + timedelta(seconds=90), answered_within=within)[0]
    assert banner.seen == before.seen == 1 and _cached() == 0
    # Anyone else recomputes them, and so does the banner once they are too old.
    assert standings(db.session, T0 + timedelta(seconds=100))[0].seen == 2
    answer(hire, "ring", {"verdict": True}, now=T0 + timedelta(minutes=3))
    later = standings(db.session, T0 + timedelta(minutes=5), answered_within=within)[0]
    assert later.seen == 2 and _cached() == 1


def test_a_new_study_day_recomputes(hire):
    answer(hire, "ring", {"verdict": True}, now=T0)
    today = standings(db.session, T0 + timedelta(hours=1))[0]
    later = standings(db.session, T0 + timedelta(days=30))[0]
    assert later.readiness < today.readiness
    assert later.status == "at_risk" and "inactive" in later.reasons


def test_a_wrong_last_answer_counts_as_not_known(hire):
    answer(hire, "ring", {"verdict": False}, now=T0)
    [figures] = standings(db.session, T0 + timedelta(hours=1))
    assert figures.seen == 1 and figures.expected_known == 0


def test_cli_prints_the_documented_objects(hire, runner):
    make_person("E2", job_role="客服前台")
    answer(hire, "ring", {"verdict": True}, now=T0)
    result = runner.invoke(args=["readiness", "--json", "--at", "2026-11-02"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert [entry["employee_no"] for entry in found] == ["E1", "E2"]
    assert all(set(entry) == CLI_KEYS for entry in found)
    mine = found[0]
    assert mine["seen"] == 1 and mine["required"] == 6 and mine["job_role"] == "客服前台"
    assert mine["status"] in {"in_progress", "at_risk"} and 0 < mine["readiness"] < 1
    assert found[1]["status"] == "not_started" and found[1]["forecast_ready"] is None


def test_cli_later_day_shows_forgetting_and_named_employees(hire, runner):
    answer(hire, "ring", {"verdict": True}, now=T0)
    soon = json.loads(
        runner.invoke(args=["readiness", "--employee", "E1", "--json", "--at", "2026-11-02"]).output
    )
    late = json.loads(
        runner.invoke(args=["readiness", "--employee", "e1", "--json", "--at", "2027-03-01"]).output
    )
    assert len(soon) == len(late) == 1
    assert late[0]["readiness"] < soon[0]["readiness"]


def test_cli_refuses_unknown_employees_and_bad_dates(hire, runner):
    unknown = runner.invoke(args=["readiness", "--employee", "NOPE9", "--json"])
    assert unknown.exit_code == 2 and "NOPE9" in unknown.output
    bad = runner.invoke(args=["readiness", "--at", "2026-02-30", "--json"])
    assert bad.exit_code == 2 and "--at" in bad.output
