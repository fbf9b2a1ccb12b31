"""Exam templates (小测/模拟考试): creating, changing and archiving them, and who may.

Scope (quizapp.exams.staff): HR and admins manage every exam; a trainer manages the exams
they created, which reach only their own trainees (``Exam.trainer_id``).

Every use case takes a session, the actor, plain values (`ExamSpec`) and ``now``, owns its
transaction and raises `ExamSpecError` (an ExamError naming the form field) for bad input,
leaving the data as it was.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from ..database import write_transaction
from ..i18n import N_
from ..models import (
    Bank,
    Employee,
    Exam,
    ExamAttempt,
    ExamFixedItem,
    ExamPerson,
    ExamQuota,
    ExamSource,
    Item,
    JobRole,
    Section,
    Site,
)
from ..people.audit import record
from ..people.service import find_by_employee_no
from ..questions.types import QUESTION_TYPES
from ..textsafety import bad_character
from .errors import ExamError
from .scoring import EPSILON
from .staff import as_local, as_utc, exam_for, require_staff, sees_all

KINDS = {"quiz": N_("小测"), "mock": N_("模拟考试")}
DRAWS = {
    "random": N_("每次随机抽题"),
    "fixed": N_("固定题目"),
    "readiness": N_("按掌握度抽题（最薄弱的题）"),
}
REVEALS = {"at_once": N_("交卷后立即公布"), "after_close": N_("考试结束后公布")}
LAYOUTS = {"single": N_("一屏一题"), "paper": N_("整张试卷")}
AUDIENCES = {"role": N_("岗位"), "site": N_("项目"), "people": N_("指定人员")}
MAX_TITLE = 200
MAX_MINUTES = 600
MAX_ATTEMPTS = 20
MAX_QUOTA = 200
MAX_PEOPLE = 500


class ExamSpecError(ExamError):
    """Bad input for an exam: `field` names the form field (ExamSpec's attribute)."""

    def __init__(self, field: str, template: str, **params: object) -> None:
        super().__init__(400, template, **params)
        self.field = field


class Quota(NamedTuple):
    """Draw `count` items of `type` (None: any) from `section_id` (None: any source)."""

    section_id: int | None
    type: str | None
    count: int


@dataclass(frozen=True)
class ExamSpec:
    """An exam as the form states it. Datetimes: aware, or naive in Asia/Shanghai."""

    title: str
    kind: str = "quiz"
    bank_ids: tuple[int, ...] = ()
    section_ids: tuple[int, ...] = ()
    quotas: tuple[Quota, ...] = ()
    draw: str = "random"
    item_ids: tuple[int, ...] = ()
    shuffle_options: bool = True
    time_limit_minutes: int | None = 15
    pass_mark_percent: float = 80
    attempts_allowed: int = 1
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    audience: str = "role"
    job_role_id: int | None = None
    site_id: int | None = None
    employee_nos: tuple[str, ...] = ()
    reveal: str = "at_once"
    layout: str = "single"


# What may still change once someone has sat the exam; everything else is locked.
CHANGEABLE_WITH_ATTEMPTS = frozenset(
    {"title", "opens_at", "closes_at", "reveal", "pass_mark_percent", "attempts_allowed"}
)
FIELD_LABELS = {
    "kind": N_("类型"),
    "bank_ids": N_("题目来源"),
    "section_ids": N_("题目来源"),
    "quotas": N_("抽题数量"),
    "draw": N_("抽题方式"),
    "item_ids": N_("固定题目"),
    "shuffle_options": N_("打乱选项顺序"),
    "time_limit_minutes": N_("限时"),
    "audience": N_("参加人员"),
    "job_role_id": N_("参加人员"),
    "site_id": N_("参加人员"),
    "employee_nos": N_("参加人员"),
    "layout": N_("答题方式"),
}


# -- validation ------------------------------------------------------------------------


def _type_label(name: str | None) -> str:
    return QUESTION_TYPES[name].label if name in QUESTION_TYPES else N_("任意题型")


def _check_choices(spec: ExamSpec) -> None:
    for name, allowed in (
        ("kind", KINDS),
        ("draw", DRAWS),
        ("reveal", REVEALS),
        ("layout", LAYOUTS),
        ("audience", AUDIENCES),
    ):
        if getattr(spec, name) not in allowed:
            raise ExamSpecError(name, N_("请选择一个有效的选项"))


def _check_settings(spec: ExamSpec) -> tuple[datetime | None, datetime | None]:
    title = (spec.title or "").strip()
    if not title:
        raise ExamSpecError("title", N_("请填写标题"))
    if len(title) > MAX_TITLE:
        raise ExamSpecError("title", N_("标题最多 %(limit)s 个字"), limit=MAX_TITLE)
    if bad_character(title) is not None:
        raise ExamSpecError("title", N_("标题含有不允许的字符"))
    _check_choices(spec)
    minutes = spec.time_limit_minutes
    if minutes is not None and not 1 <= minutes <= MAX_MINUTES:
        raise ExamSpecError(
            "time_limit_minutes", N_("限时须在 1 到 %(limit)s 分钟之间"), limit=MAX_MINUTES
        )
    if not 0 <= spec.pass_mark_percent <= 100:
        raise ExamSpecError("pass_mark_percent", N_("及格线须在 0 到 100% 之间"))
    if not 1 <= spec.attempts_allowed <= MAX_ATTEMPTS:
        raise ExamSpecError(
            "attempts_allowed", N_("可作答次数须在 1 到 %(limit)s 之间"), limit=MAX_ATTEMPTS
        )
    opens, closes = as_utc(spec.opens_at), as_utc(spec.closes_at)
    if opens and closes and closes <= opens:
        raise ExamSpecError("closes_at", N_("结束时间须晚于开始时间"))
    if spec.reveal == "after_close" and closes is None:
        raise ExamSpecError("closes_at", N_("“考试结束后公布答案”需要填写结束时间"))
    return opens, closes


def _live_items(session: Session, spec: ExamSpec) -> list[tuple[int, int, str, str]]:
    """(item id, section id, type, section title) of every live item of the sources."""
    bank_ids, section_ids = set(spec.bank_ids), set(spec.section_ids)
    if not bank_ids and not section_ids:
        raise ExamSpecError("bank_ids", N_("请至少选择一个题库或章节"))
    found_banks = set(session.scalars(select(Bank.id).where(Bank.id.in_(bank_ids))))
    if bank_ids - found_banks:
        raise ExamSpecError("bank_ids", N_("所选题库不存在"))
    live_sections = set(
        session.scalars(
            select(Section.id).where(Section.id.in_(section_ids), Section.retired_at.is_(None))
        )
    )
    if section_ids - live_sections:
        raise ExamSpecError("section_ids", N_("所选章节不存在或已停用"))
    rows = session.execute(
        select(Item.id, Item.section_id, Item.type, Section.title)
        .join(Section, Section.id == Item.section_id)
        .where(
            Item.retired_at.is_(None),
            Section.retired_at.is_(None),
            or_(Item.bank_id.in_(bank_ids), Item.section_id.in_(section_ids)),
        )
        .order_by(Item.bank_id, Section.position, Item.position)
    ).all()
    if not rows:
        raise ExamSpecError("bank_ids", N_("所选来源中没有可用的题目"))
    return [tuple(row) for row in rows]


def _check_quotas(spec: ExamSpec, live: list[tuple[int, int, str, str]]) -> list[Quota]:
    quotas = [Quota(*quota) for quota in spec.quotas]
    if not quotas:
        raise ExamSpecError("quotas", N_("请至少填写一项抽题数量"))
    titles = {section_id: title for _id, section_id, _type, title in live}
    keys = Counter((q.section_id, q.type) for q in quotas)
    for quota in quotas:
        if quota.type is not None and quota.type not in QUESTION_TYPES:
            raise ExamSpecError("quotas", N_("未知的题型 %(type)s"), type=quota.type)
        if quota.section_id is not None and quota.section_id not in titles:
            raise ExamSpecError("quotas", N_("所选章节不在题目来源中"))
        if not 1 <= quota.count <= MAX_QUOTA:
            raise ExamSpecError("quotas", N_("每项题数须在 1 到 %(limit)s 之间"), limit=MAX_QUOTA)
        if keys[(quota.section_id, quota.type)] > 1:
            raise ExamSpecError("quotas", N_("同一章节和题型只能填写一次"))
        available = sum(
            1
            for _id, section_id, kind, _title in live
            if quota.section_id in (None, section_id) and quota.type in (None, kind)
        )
        if quota.count > available:
            raise ExamSpecError(
                "quotas",
                N_("「%(section)s」中的%(type)s只有 %(available)s 道，少于要抽的 %(count)s 道"),
                section=titles.get(quota.section_id, N_("全部来源")),
                type=_type_label(quota.type),
                available=available,
                count=quota.count,
            )
    total = sum(q.count for q in quotas)
    if total > len(live):
        raise ExamSpecError(
            "quotas",
            N_("共要抽 %(count)s 道，但来源中只有 %(available)s 道题"),
            count=total,
            available=len(live),
        )
    return quotas


def _check_items(spec: ExamSpec, live: list[tuple[int, int, str, str]]) -> list[int]:
    items = list(spec.item_ids)
    if not items:
        raise ExamSpecError("item_ids", N_("固定题目的考试请至少选择一道题"))
    if len(set(items)) != len(items):
        raise ExamSpecError("item_ids", N_("同一道题只能选一次"))
    live_ids = {row[0] for row in live}
    if any(item_id not in live_ids for item_id in items):
        raise ExamSpecError("item_ids", N_("所选题目须是题目来源中的有效题目"))
    return items


def _audience(session: Session, actor: Employee, spec: ExamSpec) -> tuple:
    """(job_role_id, site_id, people) the exam reaches, checked."""
    job_role = session.get(JobRole, spec.job_role_id) if spec.job_role_id else None
    site = session.get(Site, spec.site_id) if spec.site_id else None
    if spec.job_role_id and job_role is None:
        raise ExamSpecError("job_role_id", N_("所选岗位不存在"))
    if spec.site_id and site is None:
        raise ExamSpecError("site_id", N_("所选项目不存在"))
    if spec.audience == "role":
        if job_role is None:
            raise ExamSpecError("job_role_id", N_("请选择岗位"))
        return job_role.id, site.id if site else None, []
    if spec.audience == "site":
        if site is None:
            raise ExamSpecError("site_id", N_("请选择项目"))
        return None, site.id, []
    numbers = [no.strip() for no in spec.employee_nos if no and no.strip()]
    if not numbers:
        raise ExamSpecError("employee_nos", N_("请填写参加人员的工号"))
    if len(numbers) > MAX_PEOPLE:
        raise ExamSpecError("employee_nos", N_("最多指定 %(limit)s 人"), limit=MAX_PEOPLE)
    people: dict[int, Employee] = {}
    for number in numbers:
        person = find_by_employee_no(session, number)
        if person is None:
            raise ExamSpecError("employee_nos", N_("工号 %(number)s 不存在"), number=number[:40])
        if not sees_all(actor) and person.trainer_id != actor.id:
            raise ExamSpecError(
                "employee_nos", N_("%(number)s 不是你的学员"), number=person.employee_no
            )
        people[person.id] = person
    return None, None, list(people.values())


def _checked(session: Session, actor: Employee, spec: ExamSpec) -> dict:
    """Every value to store, or ExamSpecError for the first bad field."""
    opens, closes = _check_settings(spec)
    live = _live_items(session, spec)
    if spec.draw == "fixed":
        quotas, items = [], _check_items(spec, live)
    else:
        quotas, items = _check_quotas(spec, live), []
    job_role_id, site_id, people = _audience(session, actor, spec)
    return {
        "title": spec.title.strip(),
        "kind": spec.kind,
        "draw": spec.draw,
        "layout": spec.layout,
        "reveal": spec.reveal,
        "shuffle_options": bool(spec.shuffle_options),
        "time_limit_s": None if spec.time_limit_minutes is None else spec.time_limit_minutes * 60,
        "pass_mark": round(spec.pass_mark_percent / 100, 4),
        "attempts_allowed": spec.attempts_allowed,
        "opens_at": opens,
        "closes_at": closes,
        "audience": spec.audience,
        "job_role_id": job_role_id,
        "site_id": site_id,
        "_sources": [(bank_id, None) for bank_id in sorted(set(spec.bank_ids))]
        + [(None, section_id) for section_id in sorted(set(spec.section_ids))],
        "_quotas": quotas,
        "_items": items,
        "_people": people,
    }


def _store(exam: Exam, values: dict, contents: bool) -> None:
    for name, value in values.items():
        if not name.startswith("_"):
            setattr(exam, name, value)
    if not contents:
        return
    exam.sources = [ExamSource(bank_id=b, section_id=s) for b, s in values["_sources"]]
    exam.quotas = [ExamQuota(section_id=q.section_id, type=q.type, count=q.count)
                   for q in values["_quotas"]]  # fmt: skip
    exam.fixed_items = [ExamFixedItem(item_id=item_id, position=position)
                        for position, item_id in enumerate(values["_items"], start=1)]  # fmt: skip
    exam.people = [ExamPerson(employee_id=person.id) for person in values["_people"]]


# -- reading back ----------------------------------------------------------------------


def exam_spec(session: Session, exam: Exam) -> ExamSpec:
    """The exam as an ExamSpec (times in Shanghai, naive): what the edit form shows."""
    numbers = session.scalars(
        select(Employee.employee_no)
        .join(ExamPerson, ExamPerson.employee_id == Employee.id)
        .where(ExamPerson.exam_id == exam.id)
        .order_by(Employee.employee_no)
    )
    return ExamSpec(
        title=exam.title,
        kind=exam.kind,
        bank_ids=tuple(s.bank_id for s in exam.sources if s.bank_id is not None),
        section_ids=tuple(s.section_id for s in exam.sources if s.section_id is not None),
        quotas=tuple(Quota(q.section_id, q.type, q.count) for q in exam.quotas),
        draw=exam.draw,
        item_ids=tuple(f.item_id for f in exam.fixed_items),
        shuffle_options=exam.shuffle_options,
        time_limit_minutes=None if exam.time_limit_s is None else exam.time_limit_s // 60,
        pass_mark_percent=round(exam.pass_mark * 100, 2),
        attempts_allowed=exam.attempts_allowed,
        opens_at=as_local(exam.opens_at),
        closes_at=as_local(exam.closes_at),
        audience=exam.audience,
        job_role_id=exam.job_role_id,
        site_id=exam.site_id,
        employee_nos=tuple(numbers),
        reveal=exam.reveal,
        layout=exam.layout,
    )


def has_attempts(session: Session, exam_id: int) -> bool:
    return bool(session.scalar(select(exists().where(ExamAttempt.exam_id == exam_id))))


def _normal(spec: ExamSpec) -> ExamSpec:
    """The spec without the values its draw and audience leave unused."""
    changes: dict = {}
    if spec.draw == "fixed":
        changes["quotas"] = ()
    else:
        changes["item_ids"] = ()
    if spec.audience != "people":
        changes["employee_nos"] = ()
    if spec.audience != "role":
        changes["job_role_id"] = None
    if spec.audience == "people":
        changes["site_id"] = None
    return replace(spec, **changes)


def _comparable(spec: ExamSpec, name: str):
    value = getattr(spec, name)
    if name in ("bank_ids", "section_ids"):
        return frozenset(value)
    if name == "employee_nos":
        return frozenset(no.strip().upper() for no in value if no.strip())
    if name == "quotas":
        return Counter(Quota(*q) for q in value)
    if name in ("opens_at", "closes_at"):
        return as_utc(value)
    if name == "title":
        return (value or "").strip()
    return value


def changed_fields(before: ExamSpec, after: ExamSpec) -> list[str]:
    """The fields of ExamSpec whose values differ (values left unused aside)."""
    before, after = _normal(before), _normal(after)
    return [
        field.name
        for field in fields(ExamSpec)
        if _comparable(before, field.name) != _comparable(after, field.name)
    ]


# -- use cases -------------------------------------------------------------------------


def create_exam(session: Session, actor: Employee, values: ExamSpec, now: datetime) -> Exam:
    """A new exam owned by the actor (a trainer's reaches only their trainees)."""
    require_staff(actor)
    with write_transaction(session):
        checked = _checked(session, actor, values)
        exam = Exam(
            created_by_id=actor.id,
            trainer_id=None if sees_all(actor) else actor.id,
            created_at=now,
            updated_at=now,
        )
        _store(exam, checked, contents=True)
        session.add(exam)
        session.flush()
        record(session, "exam_create", actor, target=exam.title,
               detail={"exam_id": exam.id}, now=now)  # fmt: skip
    return exam


def update_exam(
    session: Session, actor: Employee, exam_id: int, values: ExamSpec, now: datetime
) -> Exam:
    """Change an exam the actor manages. Once someone has sat it, only the title, window,
    reveal rule, pass mark and attempts may change (its items stay as they were)."""
    with write_transaction(session):
        exam = exam_for(session, actor, exam_id, manage=True)
        session.execute(
            select(Exam).where(Exam.id == exam.id).with_for_update(),
            execution_options={"populate_existing": True},
        )
        if exam.archived:
            raise ExamSpecError("title", N_("这场考试已归档，不能修改"))
        before = exam_spec(session, exam)
        changed = changed_fields(before, values)
        if not changed:
            return exam
        attempted = has_attempts(session, exam.id)
        if attempted:
            locked = [name for name in changed if name not in CHANGEABLE_WITH_ATTEMPTS]
            if locked:
                raise ExamSpecError(
                    locked[0],
                    N_("已经有人参加了这场考试，不能再修改“%(what)s”；"
                       "只能修改标题、开放时间、答案公布方式、及格线和可作答次数"),
                    what=FIELD_LABELS.get(locked[0], locked[0]),
                )  # fmt: skip
        checked = _checked(session, actor, values)
        _store(exam, checked, contents=not attempted)
        exam.updated_at = now
        if attempted and "pass_mark_percent" in changed:
            _repass(session, exam)
        record(session, "exam_update", actor, target=exam.title,
               detail={"exam_id": exam.id, "changed": changed}, now=now)  # fmt: skip
    return exam


def _repass(session: Session, exam: Exam) -> None:
    """Submitted, fully graded attempts passed or not under the new pass mark."""
    attempts = session.scalars(
        select(ExamAttempt).where(
            ExamAttempt.exam_id == exam.id,
            ExamAttempt.status != "in_progress",
            ExamAttempt.score.is_not(None),
            ExamAttempt.review_pending.is_(False),
        )
    )
    for attempt in attempts:
        attempt.passed = attempt.score + EPSILON >= exam.pass_mark


def archive_exam(session: Session, actor: Employee, exam_id: int, now: datetime) -> Exam:
    """Close the exam for good (kept with its results); archiving twice changes nothing."""
    with write_transaction(session):
        exam = exam_for(session, actor, exam_id, manage=True)
        if exam.archived_at is None:
            exam.archived_at = now
            exam.updated_at = now
            record(session, "exam_archive", actor, target=exam.title,
                   detail={"exam_id": exam.id}, now=now)  # fmt: skip
    return exam
