"""Assignments, the staff's use cases: create, archive, list and open one, in the actor's
scope. A trainer acts for their own trainees (their assignments carry their id, so they
reach only them); HR and admins for anyone. Completion figures are in completion.py.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, exists, or_, select, true
from sqlalchemy.orm import Session, selectinload

from ..database import write_transaction
from ..i18n import N_, fill
from ..models import (
    Assignment,
    AssignmentContent,
    AssignmentPerson,
    Bank,
    Employee,
    Exam,
    Item,
    JobRole,
    Section,
    Site,
)
from ..models.assignment import AUDIENCES
from ..models.people import ACTIVE
from ..people import audit
from ..roster.text import normalise_employee_no
from ..textsafety import bad_character, describe_character

TITLE_MAX = 200
NOTE_MAX = 2000
TAG_MAX = 100
MAX_PEOPLE = 500
MAX_DUE_DAYS = 730


class AssignmentError(ValueError):
    """An assignment cannot be made or changed as asked. `field` names the form field
    (or "" for the whole request); `status` is the HTTP status a view answers with when
    it is not a form error (403: not yours, 404: no such assignment)."""

    def __init__(self, field: str, template: str, status: int = 400, **params: object) -> None:
        self.field = field
        self.template = template
        self.params = params
        self.status = status
        self.message = fill(template, params)
        super().__init__(self.message)


@dataclass(frozen=True)
class NewAssignment:
    """What the form sends, as plain values."""

    title: str
    bank_ids: Sequence[int] = ()
    section_ids: Sequence[int] = ()
    tags: Sequence[tuple[int, str]] = ()  # (bank id, tag)
    exam_id: int | None = None
    audience: str = "role"
    job_role_id: int | None = None
    site_id: int | None = None
    employee_nos: Sequence[str] = ()
    starts_on: date | None = None
    due_on: date | None = None
    due_days: int | None = None
    note: str = ""


def is_all_seeing(actor: Employee) -> bool:
    """HR and admins act for anyone."""
    return actor.has_role("hr", "admin")


def _require_staff(actor: Employee) -> None:
    if not (is_all_seeing(actor) or actor.has_role("trainer")):
        raise AssignmentError("", N_("只有培训师、人事和管理员可以管理学习任务"), status=403)


def split_employee_nos(text: str) -> list[str]:
    """Employee numbers typed one a line or separated by commas (also 、，；;), each once."""
    parts = (part.strip() for part in re.split(r"[\s,，、;；]+", text or ""))
    return list(dict.fromkeys(part for part in parts if part))


def usable_exams(session: Session, actor: Employee) -> list[Exam]:
    """Exams (not archived) the actor may assign: HR/admin all, a trainer the shared ones
    and their own."""
    query = select(Exam).where(Exam.archived_at.is_(None)).order_by(Exam.title, Exam.id)
    if not is_all_seeing(actor):
        query = query.where(or_(Exam.trainer_id.is_(None), Exam.trainer_id == actor.id))
    return list(session.scalars(query))


def _text(field: str, value: str, limit: int, required: bool, multiline: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise AssignmentError(field, N_("请填写此项"))
    if len(value) > limit:
        raise AssignmentError(field, N_("不能超过 %(limit)s 个字"), limit=limit)
    ch = bad_character(value, multiline=multiline)
    if ch is not None:
        raise AssignmentError(
            field, N_("含有不允许的字符 %(character)s"), character=describe_character(ch)
        )
    return value


def _check_what(
    session: Session, actor: Employee, spec: NewAssignment
) -> tuple[list[tuple[int | None, int | None, str | None]], int | None]:
    contents: list[tuple[int | None, int | None, str | None]] = []
    bank_ids = list(dict.fromkeys(spec.bank_ids))
    section_ids = list(dict.fromkeys(spec.section_ids))
    tags = list(dict.fromkeys((bank, (tag or "").strip()) for bank, tag in spec.tags))
    has_items = bool(bank_ids or section_ids or tags)
    if has_items and spec.exam_id is not None:
        raise AssignmentError("exam_id", N_("学习内容和考试只能选一种"))
    if not has_items and spec.exam_id is None:
        raise AssignmentError("contents", N_("请选择要学习的题库、章节或标签，或者一场考试"))
    if spec.exam_id is not None:
        if spec.exam_id not in {exam.id for exam in usable_exams(session, actor)}:
            raise AssignmentError("exam_id", N_("这场考试不存在、已归档或你无权使用"))
        return contents, spec.exam_id
    known_banks = (
        set(session.scalars(select(Bank.id).where(Bank.id.in_(bank_ids)))) if bank_ids else set()
    )
    for bank_id in bank_ids:
        if bank_id not in known_banks:
            raise AssignmentError("contents", N_("题库 %(id)s 不存在"), id=bank_id)
        contents.append((bank_id, None, None))
    if section_ids:
        known = set(
            session.scalars(
                select(Section.id).where(Section.id.in_(section_ids), Section.retired_at.is_(None))
            )
        )
        for section_id in section_ids:
            if section_id not in known:
                raise AssignmentError("contents", N_("章节 %(id)s 不存在或已停用"), id=section_id)
            contents.append((None, section_id, None))
    if tags:
        tag_banks = {bank for bank, _tag in tags}
        known = set(session.scalars(select(Bank.id).where(Bank.id.in_(tag_banks))))
        for bank_id, tag in tags:
            if bank_id not in known:
                raise AssignmentError("tags", N_("题库 %(id)s 不存在"), id=bank_id)
            if not tag or len(tag) > TAG_MAX or bad_character(tag) is not None:
                raise AssignmentError("tags", N_("标签“%(tag)s”无效"), tag=tag[:TAG_MAX])
            contents.append((bank_id, None, tag))
    return contents, None


def _check_people(session: Session, actor: Employee, numbers: Sequence[str]) -> list[Employee]:
    if not numbers:
        raise AssignmentError("people", N_("请填写至少一个工号"))
    if len(numbers) > MAX_PEOPLE:
        raise AssignmentError("people", N_("一次最多指定 %(count)s 人"), count=MAX_PEOPLE)
    normal: dict[str, str] = {}
    for raw in numbers:
        try:
            normal[raw] = normalise_employee_no(raw)
        except ValueError:
            raise AssignmentError(
                "people", N_("工号 %(number)s 格式不对"), number=raw[:40]
            ) from None
    found = {
        person.employee_no: person
        for person in session.scalars(
            select(Employee).where(Employee.employee_no.in_(set(normal.values())))
        )
    }
    people = []
    for raw, number in normal.items():
        person = found.get(number)
        if person is None or person.status != ACTIVE:
            raise AssignmentError("people", N_("工号 %(number)s 不存在或已停用"), number=raw)
        if not is_all_seeing(actor) and person.trainer_id != actor.id:
            raise AssignmentError("people", N_("工号 %(number)s 不是你带教的学员"), number=raw)
        people.append(person)
    return list(dict.fromkeys(people))


def _check_audience(
    session: Session, actor: Employee, spec: NewAssignment
) -> tuple[int | None, int | None, list[Employee]]:
    if spec.audience not in AUDIENCES:
        raise AssignmentError("audience", N_("请选择任务对象"))
    role_id = site_id = None
    if spec.audience == "role":
        if spec.job_role_id is None or session.get(JobRole, spec.job_role_id) is None:
            raise AssignmentError("job_role_id", N_("请选择岗位"))
        role_id = spec.job_role_id
    if spec.audience in ("role", "site") and spec.site_id is not None:
        if session.get(Site, spec.site_id) is None:
            raise AssignmentError("site_id", N_("这个项目不存在"))
        site_id = spec.site_id
    if spec.audience == "site" and site_id is None:
        raise AssignmentError("site_id", N_("请选择项目"))
    people = _check_people(session, actor, spec.employee_nos) if spec.audience == "people" else []
    return role_id, site_id, people


def _check_dates(spec: NewAssignment) -> None:
    if spec.starts_on is None:
        raise AssignmentError("starts_on", N_("请填写开始日期"))
    if (spec.due_on is None) == (spec.due_days is None):
        raise AssignmentError("due_on", N_("请填写截止日期，或开始后多少天完成（二选一）"))
    if spec.due_on is not None and spec.due_on < spec.starts_on:
        raise AssignmentError("due_on", N_("截止日期不能早于开始日期"))
    if spec.due_days is not None and not 1 <= spec.due_days <= MAX_DUE_DAYS:
        raise AssignmentError("due_days", N_("天数须在 1 到 %(max)s 之间"), max=MAX_DUE_DAYS)


def create_assignment(
    session: Session, actor: Employee, spec: NewAssignment, now: datetime
) -> Assignment:
    """Create an assignment; AssignmentError (naming the field) for bad input, nothing
    written then. A trainer's assignment reaches only their own trainees."""
    _require_staff(actor)
    title = _text("title", spec.title, TITLE_MAX, required=True)
    note = _text("note", spec.note, NOTE_MAX, required=False, multiline=True)
    with write_transaction(session):
        contents, exam_id = _check_what(session, actor, spec)
        role_id, site_id, people = _check_audience(session, actor, spec)
        _check_dates(spec)
        assignment = Assignment(
            title=title,
            audience=spec.audience,
            job_role_id=role_id,
            site_id=site_id,
            trainer_id=None if is_all_seeing(actor) else actor.id,
            created_by_id=actor.id,
            created_at=now,
            updated_at=now,
            exam_id=exam_id,
            starts_on=spec.starts_on,
            due_on=spec.due_on,
            due_days=spec.due_days,
            note=note,
        )
        assignment.contents = [
            AssignmentContent(bank_id=bank, section_id=section, tag=tag)
            for bank, section, tag in contents
        ]
        assignment.people = [AssignmentPerson(employee_id=person.id) for person in people]
        session.add(assignment)
        session.flush()
        audit.record(
            session,
            "assignment_create",
            actor,
            target=title,
            detail={"assignment_id": assignment.id, "audience": spec.audience},
            now=now,
        )
    return assignment


def _in_scope(actor: Employee):
    """A condition on Assignment: those the actor may see (trainer: made by them, or
    reaching one of their trainees)."""
    if is_all_seeing(actor):
        return true()
    trainee = and_(Employee.trainer_id == actor.id, Employee.status == ACTIVE)
    reaches = or_(
        and_(
            Assignment.audience == "role",
            Employee.job_role_id == Assignment.job_role_id,
            or_(Assignment.site_id.is_(None), Employee.site_id == Assignment.site_id),
        ),
        and_(Assignment.audience == "site", Employee.site_id == Assignment.site_id),
        and_(
            Assignment.audience == "people",
            exists().where(
                AssignmentPerson.assignment_id == Assignment.id,
                AssignmentPerson.employee_id == Employee.id,
            ),
        ),
    )
    return or_(
        Assignment.created_by_id == actor.id,
        Assignment.trainer_id == actor.id,
        and_(
            Assignment.trainer_id.is_(None),
            exists().where(trainee, reaches).correlate(Assignment),
        ),
    )


def assignments_for(session: Session, actor: Employee, archived: bool = False) -> list[Assignment]:
    """The assignments the actor may see, live ones (or archived ones), newest first."""
    _require_staff(actor)
    state = Assignment.archived_at.is_not(None) if archived else Assignment.archived_at.is_(None)
    query = (
        select(Assignment)
        .options(
            selectinload(Assignment.contents),
            selectinload(Assignment.people),
            selectinload(Assignment.job_role),
            selectinload(Assignment.site),
            selectinload(Assignment.exam),
        )
        .where(state, _in_scope(actor))
        .order_by(Assignment.created_at.desc(), Assignment.id.desc())
    )
    return list(session.scalars(query))


def assignment_for(session: Session, actor: Employee, assignment_id: int) -> Assignment:
    """One assignment the actor may see; AssignmentError 404 otherwise."""
    _require_staff(actor)
    found = session.scalar(
        select(Assignment).where(Assignment.id == assignment_id, _in_scope(actor))
    )
    if found is None:
        raise AssignmentError("", N_("没有这个学习任务"), status=404)
    return found


def may_change(actor: Employee, assignment: Assignment) -> bool:
    """HR/admin any assignment; a trainer their own."""
    return is_all_seeing(actor) or actor.id in (assignment.created_by_id, assignment.trainer_id)


def archive_assignment(
    session: Session, actor: Employee, assignment_id: int, now: datetime
) -> Assignment:
    """Archive an assignment: it stops reaching anyone (already archived: no change)."""
    with write_transaction(session):
        assignment = assignment_for(session, actor, assignment_id)
        if not may_change(actor, assignment):
            raise AssignmentError("", N_("只能归档自己布置的任务"), status=403)
        if assignment.archived_at is None:
            assignment.archived_at = now
            assignment.updated_at = now
            audit.record(
                session,
                "assignment_archive",
                actor,
                target=assignment.title,
                detail={"assignment_id": assignment.id},
                now=now,
            )
    return assignment


@dataclass(frozen=True)
class Catalog:
    """What an assignment may contain, for the form: banks, live sections and the tags
    of each bank's live items."""

    banks: list[tuple[int, str]]
    sections: list[tuple[int, str, str]]  # id, bank title, section title
    tags: list[tuple[int, str, str]]  # bank id, bank title, tag


def catalog(session: Session) -> Catalog:
    banks = list(session.execute(select(Bank.id, Bank.title).order_by(Bank.title, Bank.id)))
    titles = dict(banks)
    sections = [
        (section_id, titles.get(bank_id, ""), title)
        for section_id, bank_id, title in session.execute(
            select(Section.id, Section.bank_id, Section.title)
            .where(Section.retired_at.is_(None))
            .order_by(Section.bank_id, Section.position)
        )
    ]
    found: dict[int, set[str]] = {}
    for bank_id, tags in session.execute(
        select(Item.bank_id, Item.tags).where(Item.retired_at.is_(None))
    ):
        found.setdefault(bank_id, set()).update(t for t in tags or () if isinstance(t, str))
    tags = [
        (bank_id, titles.get(bank_id, ""), tag)
        for bank_id in sorted(found, key=lambda b: (titles.get(b, ""), b))
        for tag in sorted(found[bank_id])
    ]
    return Catalog([tuple(b) for b in banks], sections, tags)


def audience_choices(session: Session) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """Job roles and sites, by name."""
    roles = [
        tuple(r) for r in session.execute(select(JobRole.id, JobRole.name).order_by(JobRole.name))
    ]
    sites = [tuple(s) for s in session.execute(select(Site.id, Site.name).order_by(Site.name))]
    return roles, sites
