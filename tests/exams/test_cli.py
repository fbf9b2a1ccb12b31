"""`quizapp exam list --json` and `quizapp exam attempts EXAM_ID --json`: the shapes issue
12 spells out, and the demo's open mock exam and assignment."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Assignment, Employee, Exam, ExamAttempt
from quizapp.models.types import utcnow
from tests.factories import load_bank

LIST_FIELDS = {
    "id",
    "title",
    "start_url",
    "opens",
    "closes",
    "time_limit_s",
    "pass_mark",
    "attempts_allowed",
}
ATTEMPT_FIELDS = {"employee_no", "attempt", "status", "score", "passed"}


def test_demo_creates_one_open_mock_exam_and_an_assignment_once(app, runner):
    load_bank()
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert runner.invoke(args=["demo"]).exit_code == 0  # again: nothing new
    exams = db.session.scalars(select(Exam)).all()
    assert [(e.kind, e.attempts_allowed) for e in exams] == [("mock", 2)]
    exam = exams[0]
    now = utcnow()
    assert exam.opens_at <= now < exam.closes_at
    assignment = db.session.scalars(select(Assignment)).one()
    assert assignment.exam_id == exam.id and assignment.due_on > now.date()

    listed = json.loads(runner.invoke(args=["exam", "list", "--json"]).output)
    assert len(listed) == 1 and set(listed[0]) == LIST_FIELDS
    row = listed[0]
    assert row["id"] == exam.id and row["title"] == "客服前台模拟考试"
    assert row["start_url"] == f"http://127.0.0.1:5000/exam/{exam.id}"
    assert row["time_limit_s"] == 1200 and row["pass_mark"] == 0.8
    assert row["attempts_allowed"] == 2
    assert row["opens"] == exam.opens_at.isoformat()
    assert row["closes"] == exam.closes_at.isoformat()


def test_demo_without_banks_makes_no_exam(app, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert db.session.scalars(select(Exam)).all() == []


def test_exam_attempts_lists_every_attempt_and_submits_the_expired(app, runner):
    load_bank()
    runner.invoke(args=["demo"])
    exam = db.session.scalars(select(Exam)).one()
    people = {p.employee_no: p for p in db.session.scalars(select(Employee))}
    now = utcnow()
    db.session.add_all(
        [
            ExamAttempt(
                exam_id=exam.id,
                employee_id=people["E001"].id,
                number=1,
                status="submitted",
                open_slot=None,
                started_at=now - timedelta(minutes=30),
                deadline_at=now - timedelta(minutes=10),
                submitted_at=now - timedelta(minutes=15),
                score=0.9,
                passed=True,
            ),
            ExamAttempt(
                exam_id=exam.id,
                employee_id=people["E001"].id,
                number=2,
                status="in_progress",
                started_at=now - timedelta(minutes=5),
                deadline_at=now + timedelta(minutes=15),
            ),
            # Abandoned: its time ran out an hour ago and nobody came back.
            ExamAttempt(
                exam_id=exam.id,
                employee_id=people["E002"].id,
                number=1,
                status="in_progress",
                started_at=now - timedelta(minutes=80),
                deadline_at=now - timedelta(minutes=60),
            ),
        ]
    )
    db.session.commit()
    result = runner.invoke(args=["exam", "attempts", str(exam.id), "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert all(set(row) == ATTEMPT_FIELDS for row in rows)
    by_key = {(r["employee_no"], r["attempt"]): r for r in rows}
    assert by_key[("E001", 1)] == {
        "employee_no": "E001",
        "attempt": 1,
        "status": "submitted",
        "score": 0.9,
        "passed": True,
    }
    assert by_key[("E001", 2)]["status"] == "in_progress"
    assert by_key[("E001", 2)]["score"] is None and by_key[("E001", 2)]["passed"] is None
    abandoned = by_key[("E002", 1)]
    assert abandoned["status"] == "auto_submitted"
    assert abandoned["score"] == 0.0 and abandoned["passed"] is False


def test_exam_attempts_of_an_unknown_exam_exits_2(app, runner):
    for argument in ("999", "0", "abc", "99999999999"):
        result = runner.invoke(args=["exam", "attempts", argument, "--json"])
        assert result.exit_code == 2, argument
