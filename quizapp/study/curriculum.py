"""What a person must learn, and the scheduling settings they learn under.

Today: the live items of every section tagged with the person's job role (岗位), in
teaching order (bank, then position). This is the one place that decides it: assignments
(a bank, section or tag given to a role, a site or named people, with a due date) join
here, and everything else (today's session, answering, progress, readiness) asks this
module.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import Session

from .. import srs
from ..models import Employee, Item, JobRole, MemoryState, Section, SectionRole
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


def required_item(session: Session, employee: Employee, item_id: int) -> bool | None:
    """Whether one item is required of the employee: its red-line flag, or None when it
    is not required (the one-item form of role_items)."""
    if employee.job_role_id is None:
        return None
    return (
        session.connection()
        .execute(_REQUIRED_ITEM, {"item_id": item_id, "job_role_id": employee.job_role_id})
        .scalar()
    )


@dataclass(frozen=True)
class RoleItems:
    """The items the employee must learn, with the employee's memory of each: what a
    study page needs, read in one query."""

    required: dict[int, bool]  # item id → red line, in teaching order
    states: dict[int, srs.MemoryState]  # of required items only
    revisions: dict[int, tuple[int, int | None]]  # item id → (revision, changed_from_version)

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


def role_items(session: Session, employee: Employee) -> RoleItems:
    """Everything the employee must learn, with their memory of it."""
    if employee.job_role_id is None:
        return RoleItems({}, {}, {})
    rows = (
        session.connection()
        .execute(_ROLE_ITEMS, {"employee_id": employee.id, "job_role_id": employee.job_role_id})
        .all()
    )
    required: dict[int, bool] = {}
    states: dict[int, srs.MemoryState] = {}
    revisions: dict[int, tuple[int, int | None]] = {}
    width = len(STATE_COLUMNS)
    for row in rows:
        item_id = row[0]
        required[item_id] = row[1]
        if row[2] is not None:  # the employee has a memory state of this item
            states[item_id] = from_columns(item_id, row[2 : 2 + width])
            revisions[item_id] = (row[2 + width], row[3 + width])
    return RoleItems(required, states, revisions)


_REQUIRED_OF_ROLES = (
    select(SectionRole.job_role_id, Item.id, Section.id, Section.title, Item.red_line)
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


def required_of_roles(session: Session, job_role_ids: set[int]) -> dict[int, list[RequiredItem]]:
    """For several job roles at once (a cohort's): job role id → its required items, in
    teaching order. One query."""
    found: dict[int, list[RequiredItem]] = {role_id: [] for role_id in job_role_ids}
    if not job_role_ids:
        return found
    for role_id, item_id, section_id, title, red_line in session.execute(
        _REQUIRED_OF_ROLES, {"job_role_ids": sorted(job_role_ids)}
    ):
        found[role_id].append(RequiredItem(item_id, section_id, title, bool(red_line)))
    return found
