"""Which exams a staff member sees and manages, and the exam pages' local time.

HR and admins see and manage every exam. A trainer manages the exams they created (which
reach only their own trainees) and sees, without managing, the exams HR or an admin
created (trainer_id None); of any exam's attempts they see only their own trainees'.
Anyone else is refused. An exam outside the actor's view is a 404, one they see but may
not change a 403.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.orm import Session

from ..i18n import N_
from ..models import Employee, Exam
from .errors import ExamError

LOCAL_ZONE = ZoneInfo("Asia/Shanghai")


def sees_all(actor: Employee) -> bool:
    return actor.has_role("hr", "admin")


def require_staff(actor: Employee) -> None:
    if not (sees_all(actor) or actor.has_role("trainer")):
        raise ExamError(403, N_("只有培训师、人事和管理员可以管理考试"))


def visible_exams(actor: Employee) -> ColumnElement[bool]:
    """A condition on Exam: the exams the actor sees (a trainer: their own and HR's)."""
    if sees_all(actor):
        return true()
    if actor.has_role("trainer"):
        return or_(Exam.created_by_id == actor.id, Exam.trainer_id.is_(None))
    return false()


def takers_in_scope(actor: Employee) -> ColumnElement[bool]:
    """A condition on Employee: whose attempts the actor sees (a trainer: their trainees)."""
    if sees_all(actor):
        return true()
    if actor.has_role("trainer"):
        return Employee.trainer_id == actor.id
    return false()


def may_manage(actor: Employee, exam: Exam) -> bool:
    return sees_all(actor) or (actor.has_role("trainer") and exam.created_by_id == actor.id)


def exam_for(session: Session, actor: Employee, exam_id: int, manage: bool = False) -> Exam:
    """The exam, if the actor sees it (404 otherwise) and, with ``manage``, may change it
    (403 otherwise)."""
    require_staff(actor)
    exam = session.scalar(select(Exam).where(Exam.id == exam_id, visible_exams(actor)))
    if exam is None:
        raise ExamError(404, N_("没有找到这场考试"))
    if manage and not may_manage(actor, exam):
        raise ExamError(403, N_("这场考试不是你创建的，不能修改"))
    return exam


# -- times -----------------------------------------------------------------------------


def as_utc(value: datetime | None) -> datetime | None:
    """An aware UTC datetime; a naive one is read as Shanghai time (the form's)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=LOCAL_ZONE)
    return value.astimezone(UTC)


def as_local(value: datetime | None) -> datetime | None:
    """A stored (UTC) time as naive Shanghai time, for forms and pages."""
    return None if value is None else value.astimezone(LOCAL_ZONE).replace(tzinfo=None)
