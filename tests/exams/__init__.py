"""Builders for the exam tests: exams written straight into the models (the authoring
service is someone else's), a hire who may take them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.factories import T0, load_bank, make_person


def item_id(key: str) -> int:
    from quizapp.extensions import db
    from quizapp.models import Item

    return db.session.scalar(select(Item.id).where(Item.key == key))


def section_id(title: str) -> int:
    from quizapp.extensions import db
    from quizapp.models import Section

    return db.session.scalar(select(Section.id).where(Section.title == title))


def make_exam(
    fixed: tuple[str, ...] = (),
    quotas: tuple[tuple[int, str | None, str | None], ...] = (),
    sections: tuple[str, ...] = ("基础",),
    **fields,
):
    """An exam for 客服前台 (committed): `fixed` item keys, or `quotas` of
    (count, section title or None, type or None) drawn from `sections`."""
    from quizapp.extensions import db
    from quizapp.models import Exam, ExamFixedItem, ExamQuota, ExamSource, JobRole

    role = db.session.scalar(select(JobRole).where(JobRole.name == "客服前台"))
    values = {
        "title": "小测",
        "audience": "role",
        "job_role_id": role.id,
        "draw": "fixed" if fixed else "random",
        "pass_mark": 0.6,
        "attempts_allowed": 2,
        "shuffle_options": False,
        **fields,
    }
    exam = Exam(**values)
    db.session.add(exam)
    db.session.flush()
    for position, key in enumerate(fixed, 1):
        db.session.add(ExamFixedItem(exam_id=exam.id, item_id=item_id(key), position=position))
    for title in sections:
        db.session.add(ExamSource(exam_id=exam.id, section_id=section_id(title)))
    for count, section, kind in quotas:
        db.session.add(
            ExamQuota(
                exam_id=exam.id,
                count=count,
                section_id=section_id(section) if section else None,
                type=kind,
            )
        )
    db.session.commit()
    return exam


def setup_hire(employee_no: str = "E1", trainer: str | None = None):
    """The study bank and a 客服前台 hire (committed)."""
    from quizapp.extensions import db
    from quizapp.models import Bank

    if db.session.scalar(select(Bank.id)) is None:
        load_bank()
    return make_person(employee_no, job_role="客服前台", trainer=trainer)


ONE_HOUR = timedelta(hours=1)
__all__ = ["ONE_HOUR", "T0", "item_id", "make_exam", "section_id", "setup_hire"]
