"""`quizapp exam list` and `quizapp exam attempts`: exams and attempts for operations and
scripts. The JSON shapes are an interface others rely on (issue 12): keep them."""

from __future__ import annotations

import json

import click
from flask import current_app, url_for
from flask.cli import AppGroup
from sqlalchemy import select

exam_cli = AppGroup("exam", help="Quizzes and mock exams (小测/模拟考试).")


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _start_url(exam_id: int) -> str:
    # The printed link must be the one people open, whatever host runs the command.
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
        return url_for("examroom.exam", exam_id=exam_id, _external=True)


@exam_cli.command("list")
@click.option("--all", "include_archived", is_flag=True, help="Also archived exams.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list, one object per exam.")
def exam_list(include_archived: bool, as_json: bool) -> None:
    """Every exam, newest first: its link, window, time limit, pass mark and attempts."""
    from ..extensions import db
    from ..models import Exam

    query = select(Exam).order_by(Exam.id.desc())
    if not include_archived:
        query = query.where(Exam.archived_at.is_(None))
    rows = [
        {
            "id": exam.id,
            "title": exam.title,
            "start_url": _start_url(exam.id),
            "opens": _iso(exam.opens_at),
            "closes": _iso(exam.closes_at),
            "time_limit_s": exam.time_limit_s,
            "pass_mark": exam.pass_mark,
            "attempts_allowed": exam.attempts_allowed,
        }
        for exam in db.session.scalars(query)
    ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        limit = f"{row['time_limit_s'] // 60} min" if row["time_limit_s"] else "untimed"
        click.echo(
            f"{row['id']:>5}  {row['title']}  pass {row['pass_mark']:.0%}  {limit}"
            f"  attempts {row['attempts_allowed']}  {row['opens'] or '-'} → {row['closes'] or '-'}"
            f"  {row['start_url']}"
        )


@exam_cli.command("attempts")
@click.argument("exam_id", type=click.IntRange(1, 2**31 - 1))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list, one object per attempt.")
def exam_attempts(exam_id: int, as_json: bool) -> None:
    """Every attempt of EXAM_ID (attempts past their time are submitted first)."""
    from ..extensions import db
    from ..models import Employee, Exam, ExamAttempt
    from ..models.types import utcnow
    from .taking import sweep_expired

    if db.session.get(Exam, exam_id) is None:
        raise click.BadParameter(f"no exam with id {exam_id}", param_hint="EXAM_ID")
    sweep_expired(db.session, utcnow())
    found = db.session.execute(
        select(Employee.employee_no, ExamAttempt)
        .join(Employee, Employee.id == ExamAttempt.employee_id)
        .where(ExamAttempt.exam_id == exam_id)
        .order_by(Employee.employee_no, ExamAttempt.number)
    ).all()
    rows = [
        {
            "employee_no": number,
            "attempt": attempt.number,
            "status": attempt.status,
            "score": attempt.score if attempt.status != "in_progress" else None,
            "passed": attempt.passed if attempt.status != "in_progress" else None,
        }
        for number, attempt in found
    ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        score = "-" if row["score"] is None else f"{row['score']:.0%}"
        passed = {True: "passed", False: "failed", None: "-"}[row["passed"]]
        click.echo(
            f"{row['employee_no']:<10} #{row['attempt']} {row['status']:<15} {score:>5} {passed}"
        )
