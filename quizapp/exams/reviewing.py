"""The trainer's review of typed (问答) exam answers: the queue of answers awaiting a
score, and scoring one. When an attempt has nothing left to review its score and verdict
are final.

Scope: a trainer reviews the attempts of their own trainees and of the exams they
created; HR and admins review everyone's. An answer outside the reviewer's scope is a
404, as if it did not exist.
"""

from __future__ import annotations

import math
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.sql.elements import ColumnElement

from ..database import write_transaction
from ..i18n import N_
from ..models import Employee, Exam, ExamAnswer, ExamAttempt
from ..people import audit
from ..study.answers import _lock_employee
from ..study.readiness_cache import forget as forget_standing
from .errors import ExamError
from .taking import rescore

MAX_COMMENT = 2000  # characters


def _scope(reviewer: Employee) -> ColumnElement[bool] | None:
    """A condition on ExamAttempt (joined with Employee and Exam) of what the reviewer may
    review; None: nothing at all."""
    if reviewer.has_role("hr", "admin"):
        return ExamAttempt.id.is_not(None)
    if reviewer.has_role("trainer"):
        return or_(Employee.trainer_id == reviewer.id, Exam.created_by_id == reviewer.id)
    return None


def _in_scope(query, reviewer: Employee):
    scope = _scope(reviewer)
    if scope is None:
        return None
    return (
        query.join(ExamAttempt, ExamAttempt.id == ExamAnswer.attempt_id)
        .join(Employee, Employee.id == ExamAttempt.employee_id)
        .join(Exam, Exam.id == ExamAttempt.exam_id)
        .where(scope)
    )


def review_queue(session: Session, reviewer: Employee) -> list[ExamAnswer]:
    """Typed answers awaiting review in the reviewer's scope, oldest submission first,
    with .attempt, .attempt.employee and .attempt.exam loaded."""
    query = _in_scope(select(ExamAnswer).where(ExamAnswer.review_status == "pending"), reviewer)
    if query is None:
        return []
    query = query.order_by(ExamAttempt.submitted_at, ExamAttempt.id, ExamAnswer.position).options(
        joinedload(ExamAnswer.attempt).joinedload(ExamAttempt.employee),
        joinedload(ExamAnswer.attempt).joinedload(ExamAttempt.exam),
    )
    return list(session.scalars(query).unique())


def review_answer(
    session: Session,
    reviewer: Employee,
    answer_id: int,
    score: float,
    comment: str,
    now: datetime,
) -> ExamAnswer:
    """Set a typed answer's final score (0–1) and comment. The attempt's score and verdict
    are recomputed once none of its answers awaits review. A reviewed answer may be
    reviewed again (a correction); an objective one cannot be."""
    try:
        score = float(score)
    except (TypeError, ValueError):
        raise ExamError(400, N_("分数必须是 0 到 1 之间的数")) from None
    if math.isnan(score) or not 0.0 <= score <= 1.0:
        raise ExamError(400, N_("分数必须是 0 到 1 之间的数"))
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise ExamError(400, N_("评语最多 %(max)s 个字"), max=MAX_COMMENT)
    query = _in_scope(select(ExamAnswer.id, ExamAttempt.employee_id), reviewer)
    found = (
        None if query is None else session.execute(query.where(ExamAnswer.id == answer_id)).first()
    )
    if found is None:
        raise ExamError(404, N_("找不到这道待批改的答案"))
    with write_transaction(session):
        _lock_employee(session, found.employee_id)
        answer = session.get(ExamAnswer, answer_id, populate_existing=True)
        if answer.review_status not in ("pending", "done"):
            raise ExamError(409, N_("这道题是客观题，已自动评分"))
        before = answer.final_score
        answer.final_score = score
        answer.review_status = "done"
        answer.reviewed_by_id = reviewer.id
        answer.reviewed_at = now
        answer.review_comment = comment
        attempt = session.get(ExamAttempt, answer.attempt_id, populate_existing=True)
        rows = session.scalars(
            select(ExamAnswer)
            .where(ExamAnswer.attempt_id == attempt.id)
            .execution_options(populate_existing=True)
        ).all()
        if not any(row.review_status == "pending" for row in rows):
            rescore(attempt, list(rows))
        forget_standing(session, attempt.employee_id)
        audit.record(
            session,
            "exam_review",
            reviewer,
            target=f"exam_answer:{answer.id}",
            detail={
                "attempt_id": attempt.id,
                "position": answer.position,
                "before": before,
                "score": score,
            },
            now=now,
        )
    return answer
