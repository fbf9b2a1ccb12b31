"""What a person must learn, and the scheduling settings they learn under.

What a person must learn: the live items of every section tagged with their job role
(岗位), together with the live items of every live assignment reaching them (a bank,
section or tag given to their role, site or to them by name) that has started by their
current study day; in teaching order (bank, then position). Each assigned item carries
the earliest due date among the assignments containing it (its deadline). This is the one
place that decides it: today's session, answering, progress and readiness ask here.

An item using a company fact ({{公司名称}}) with no value for the person's site is not
required of them, nor shown (quizapp.facts.service.hidden_by_site, applied here).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import Session

from .. import srs
from ..assignments.reach import Assigned, Content, assignments_of
from ..facts.service import hidden_by_site, hidden_for, is_hidden
from ..models import Employee, Item, JobRole, MemoryState, Section, SectionRole
from ..models.types import utcnow
from .memory import STATE_COLUMNS, from_columns


def role_settings(job_role: JobRole | None) -> srs.RoleSettings:
    """The scheduling settings of a job role (the defaults without one)."""
    if job_role is None:
        return srs.DEFAULT_SETTINGS
    return _settings(
        job_role.desired_retention,
        job_role.daily_new_cap,
        job_role.session_minutes,
        job_role.day_boundary_hour,
        job_role.timezone,
    )


@lru_cache(maxsize=256)
def _settings(
    retention: float, cap: int, minutes: int, hour: int, timezone: str
) -> srs.RoleSettings:
    # RoleSettings validates itself (time zone lookup included): once per distinct value.
    return srs.RoleSettings(
        desired_retention=retention,
        daily_new_cap=cap,
        session_minutes=minutes,
        day_boundary_hour=hour,
        timezone=timezone,
    )


# An item is live for study while neither it nor its section is retired.
LIVE = (Item.retired_at.is_(None), Section.retired_at.is_(None))

_REQUIRED_ITEM = (
    select(Item.red_line)
    .join(Section, Section.id == Item.section_id)
    .join(SectionRole, SectionRole.section_id == Section.id)
    .where(
        Item.id == bindparam("item_id"),
        SectionRole.job_role_id == bindparam("job_role_id"),
        *LIVE,
    )
)


def study_today(employee: Employee, now: datetime | None = None) -> date:
    """The employee's current study day (in their role's settings)."""
    return srs.study_day(now or utcnow(), role_settings(employee.job_role))


def assigned_to(
    session: Session, employee: Employee, now: datetime | None = None
) -> list[Assigned]:
    """The live assignments reaching the employee that have started by their study day."""
    today = study_today(employee, now)
    return [a for a in assignments_of(session, employee) if a.starts_on <= today]


_ONE_ITEM = (
    select(Item.red_line, Item.tags, Section.bank_id, Section.id)
    .join(Section, Section.id == Item.section_id)
    .where(Item.id == bindparam("item_id"), *LIVE)
)


def required_item(
    session: Session, employee: Employee, item_id: int, now: datetime | None = None
) -> bool | None:
    """Whether one item is required of the employee: its red-line flag, or None when it
    is not required (the one-item form of role_items)."""
    red = _required_item(session, employee, item_id, now)
    if red is None or is_hidden(session, item_id, employee.site_id):
        return None
    return red


def _required_item(
    session: Session, employee: Employee, item_id: int, now: datetime | None
) -> bool | None:
    if employee.job_role_id is not None:
        red = (
            session.connection()
            .execute(_REQUIRED_ITEM, {"item_id": item_id, "job_role_id": employee.job_role_id})
            .scalar()
        )
        if red is not None:
            return red
    contents = {c for a in assigned_to(session, employee, now) for c in a.contents}
    if not contents:
        return None
    row = session.connection().execute(_ONE_ITEM, {"item_id": item_id}).first()
    if row is None:
        return None
    red, tags, bank_id, section_id = row
    if any(_holds(content, bank_id, section_id, tags or ()) for content in contents):
        return bool(red)
    return None


def _holds(content: Content, bank_id: int, section_id: int, tags: Sequence[str]) -> bool:
    """Whether an item (of this bank, section, with these tags) is in one content."""
    bank, section, tag = content
    if section is not None:
        return section == section_id
    return bank == bank_id and (tag is None or tag in tags)


@dataclass(frozen=True)
class RoleItems:
    """The items the employee must learn, with the employee's memory of each: what a
    study page needs, read in one query."""

    required: dict[int, bool]  # item id → red line, in teaching order
    states: dict[int, srs.MemoryState]  # of required items only
    revisions: dict[int, tuple[int, int | None]]  # item id → (revision, changed_from_version)
    # item id → the earliest due date among the assignments containing it
    deadlines: dict[int, date] = field(default_factory=dict)

    @property
    def red_line(self) -> list[int]:
        return [item_id for item_id, red in self.required.items() if red]


_ROLE_ITEMS = (
    select(
        Item.id,
        Item.red_line,
        *STATE_COLUMNS,
        MemoryState.revision,
        MemoryState.changed_from_version,
        Section.bank_id,
        Item.position,
    )
    .join(Section, Section.id == Item.section_id)
    .join(SectionRole, SectionRole.section_id == Section.id)
    .outerjoin(
        MemoryState,
        and_(MemoryState.item_id == Item.id, MemoryState.employee_id == bindparam("employee_id")),
    )
    .where(SectionRole.job_role_id == bindparam("job_role_id"), *LIVE)
    .order_by(Section.bank_id, Item.position)
)


_STATES_OF = select(
    MemoryState.item_id,
    *STATE_COLUMNS,
    MemoryState.revision,
    MemoryState.changed_from_version,
).where(
    MemoryState.employee_id == bindparam("employee_id"),
    MemoryState.item_id.in_(bindparam("item_ids", expanding=True)),
)


def role_items(
    session: Session,
    employee: Employee,
    now: datetime | None = None,
    assigned: Sequence[Assigned] | None = None,
) -> RoleItems:
    """Everything the employee must learn (their role's sections and the assignments
    reaching them that have started by their study day), with their memory of it; not
    the items hidden from their site for want of a company fact. ``assigned``: what
    `assigned_to` returned for them now, when the caller has read it already."""
    found = _role_items(session, employee, now, assigned)
    hidden = hidden_for(session, employee.site_id)
    if not hidden or not hidden & found.required.keys():
        return found
    return RoleItems(
        {i: red for i, red in found.required.items() if i not in hidden},
        {i: state for i, state in found.states.items() if i not in hidden},
        {i: rev for i, rev in found.revisions.items() if i not in hidden},
        {i: due for i, due in found.deadlines.items() if i not in hidden},
    )


def _role_items(
    session: Session,
    employee: Employee,
    now: datetime | None,
    assigned: Sequence[Assigned] | None = None,
) -> RoleItems:
    required: dict[int, bool] = {}
    states: dict[int, srs.MemoryState] = {}
    revisions: dict[int, tuple[int, int | None]] = {}
    order: dict[int, tuple[int, int]] = {}
    width = len(STATE_COLUMNS)
    if employee.job_role_id is not None:
        rows = (
            session.connection()
            .execute(_ROLE_ITEMS, {"employee_id": employee.id, "job_role_id": employee.job_role_id})
            .all()
        )
        for row in rows:
            item_id = row[0]
            required[item_id] = row[1]
            order[item_id] = (row[-2], row[-1])
            if row[2] is not None:  # the employee has a memory state of this item
                states[item_id] = from_columns(item_id, row[2 : 2 + width])
                revisions[item_id] = (row[2 + width], row[3 + width])
    if assigned is None:
        assigned = assigned_to(session, employee, now)
    assigned = [a for a in assigned if a.contents]
    if not assigned:
        return RoleItems(required, states, revisions)
    items, deadlines = assigned_items(session, assigned, employee.hire_date)
    extra = [item.item_id for item in items if item.item_id not in required]
    if extra:
        for row in session.connection().execute(
            _STATES_OF, {"employee_id": employee.id, "item_ids": extra}
        ):
            if row[1] is not None:
                states[row[0]] = from_columns(row[0], row[1 : 1 + width])
                revisions[row[0]] = (row[1 + width], row[2 + width])
        # Teaching order over both: by bank, then position.
        order.update({item.item_id: (item.bank_id, item.position) for item in items})
        merged = {**required, **{item.item_id: item.red_line for item in items}}
        required = {i: merged[i] for i in sorted(merged, key=lambda i: order.get(i, (0, 0)))}
    return RoleItems(required, states, revisions, deadlines)


_CONTENT_ITEMS = (
    select(
        Item.id,
        Section.id,
        Section.title,
        Item.red_line,
        Section.bank_id,
        Item.position,
        Item.tags,
    )
    .join(Section, Section.id == Item.section_id)
    .where(
        Section.bank_id.in_(bindparam("bank_ids", expanding=True))
        | Section.id.in_(bindparam("section_ids", expanding=True)),
        *LIVE,
    )
    .order_by(Section.bank_id, Item.position)
)


def content_items(
    session: Session, contents: Iterable[Content]
) -> dict[Content, list[RequiredItem]]:
    """The live items of each content (bank, section or tag of a bank), in teaching
    order. One query for any number of contents."""
    wanted = set(contents)
    found: dict[Content, list[RequiredItem]] = {content: [] for content in wanted}
    if not wanted:
        return found
    banks = sorted({bank for bank, section, _tag in wanted if bank is not None})
    sections = sorted({section for _bank, section, _tag in wanted if section is not None})
    by_bank: dict[int, list[Content]] = {}
    by_section: dict[int, list[Content]] = {}
    for content in wanted:
        if content[1] is not None:
            by_section.setdefault(content[1], []).append(content)
        else:
            by_bank.setdefault(content[0], []).append(content)  # type: ignore[arg-type]
    for row in session.execute(_CONTENT_ITEMS, {"bank_ids": banks, "section_ids": sections}):
        item_id, section_id, title, red, bank_id, position, tags = row
        item = RequiredItem(item_id, section_id, title, bool(red), bank_id, position)
        for content in by_section.get(section_id, ()):
            found[content].append(item)
        for content in by_bank.get(bank_id, ()):
            if content[2] is None or content[2] in (tags or ()):
                found[content].append(item)
    return found


def assigned_items(
    session: Session, assigned: Sequence[Assigned], hire_date: date | None
) -> tuple[list[RequiredItem], dict[int, date]]:
    """The items of these assignments (in teaching order, each once) and each item's
    earliest due date for a person hired on ``hire_date``."""
    by_content = content_items(session, {c for a in assigned for c in a.contents})
    return merge_assigned(assigned, by_content, hire_date)


def merge_assigned(
    assigned: Sequence[Assigned],
    by_content: dict[Content, list[RequiredItem]],
    hire_date: date | None,
) -> tuple[list[RequiredItem], dict[int, date]]:
    items: dict[int, RequiredItem] = {}
    deadlines: dict[int, date] = {}
    for assignment in assigned:
        due = assignment.due_for(hire_date)
        for content in assignment.contents:
            for item in by_content.get(content, ()):
                items.setdefault(item.item_id, item)
                if item.item_id not in deadlines or due < deadlines[item.item_id]:
                    deadlines[item.item_id] = due
    ordered = sorted(items.values(), key=lambda item: (item.bank_id, item.position))
    return ordered, deadlines


_REQUIRED_OF_ROLES = (
    select(
        SectionRole.job_role_id,
        Item.id,
        Section.id,
        Section.title,
        Item.red_line,
        Section.bank_id,
        Item.position,
    )
    .join(Section, Section.id == SectionRole.section_id)
    .join(Item, Item.section_id == Section.id)
    .where(SectionRole.job_role_id.in_(bindparam("job_role_ids", expanding=True)), *LIVE)
    .order_by(Section.bank_id, Item.position)
)


@dataclass(frozen=True)
class RequiredItem:
    item_id: int
    section_id: int
    section_title: str
    red_line: bool = False
    bank_id: int = 0
    position: int = 0


def required_of_roles(session: Session, job_role_ids: set[int]) -> dict[int, list[RequiredItem]]:
    """For several job roles at once (a cohort's): job role id → its required items, in
    teaching order. One query."""
    found: dict[int, list[RequiredItem]] = {role_id: [] for role_id in job_role_ids}
    if not job_role_ids:
        return found
    for role_id, item_id, section_id, title, red_line, bank_id, position in session.execute(
        _REQUIRED_OF_ROLES, {"job_role_ids": sorted(job_role_ids)}
    ):
        found[role_id].append(
            RequiredItem(item_id, section_id, title, bool(red_line), bank_id, position)
        )
    return found


# A cohort: people who must learn the same items (a job role, or none, the same started
# assignments and the same site, whose company facts may hide items). Thousands of hires
# share a few cohorts.
Cohort = tuple[int | None, frozenset[int], int | None]


def required_of_cohorts(
    session: Session, cohorts: dict[Cohort, Sequence[Assigned]]
) -> dict[Cohort, list[RequiredItem]]:
    """For several cohorts at once (cohort → its started assignments): cohort → its
    required items, in teaching order. Two queries, however many cohorts and people (and
    one to three for the items company facts hide)."""
    roles = required_of_roles(session, {cohort[0] for cohort in cohorts if cohort[0] is not None})
    by_content = content_items(
        session, {c for assigned in cohorts.values() for a in assigned for c in a.contents}
    )
    hidden = hidden_by_site(session, {cohort[2] for cohort in cohorts})
    found: dict[Cohort, list[RequiredItem]] = {}
    for cohort, assigned in cohorts.items():
        own = roles.get(cohort[0], []) if cohort[0] is not None else []
        if not any(a.contents for a in assigned):
            items = list(own)
        else:
            # Due dates do not matter here, only the items.
            extra, _deadlines = merge_assigned(assigned, by_content, None)
            merged = {item.item_id: item for item in own}
            for item in extra:
                merged.setdefault(item.item_id, item)
            items = sorted(merged.values(), key=lambda i: (i.bank_id, i.position))
        found[cohort] = [item for item in items if item.item_id not in hidden[cohort[2]]]
    return found


def required_of_person(
    session: Session, person: Employee, now: datetime | None = None
) -> list[RequiredItem]:
    """One person's required items, in teaching order (the cohort form for one)."""
    assigned = assigned_to(session, person, now)
    cohort = (person.job_role_id, frozenset(a.id for a in assigned), person.site_id)
    return required_of_cohorts(session, {cohort: assigned})[cohort]
