"""Administration use cases: job roles and sites, their study settings, access roles, login
locks, the dashboard and the audit log.

Every function takes a session, plain values, the acting person and an injected `now`;
the ones that write commit their own transaction (quizapp.database.write_transaction),
or raise PersonError (field + translatable template) with nothing changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session, joinedload

from ..database import write_transaction
from ..i18n import N_
from ..models import AuditEntry, Employee, JobRole, LoginThrottle, Site
from ..people import audit, throttle
from ..people.service import PersonError, change_roles

AUDIT_PAGE = 50


# -- job roles and sites ------------------------------------------------------------


@dataclass(frozen=True)
class NamedKind:
    """A list of named rows that admins add to and rename: job roles or sites."""

    model: type[JobRole] | type[Site]
    action: str  # the audit action recorded for every change
    people_column: InstrumentedAttribute  # Employee's foreign key to the row


JOB_ROLES = NamedKind(JobRole, "job_role_change", Employee.job_role_id)
SITES = NamedKind(Site, "site_change", Employee.site_id)


@dataclass(frozen=True)
class NamedRow:
    """A row of the list page: its id, its name and how many people it has."""

    id: int
    name: str
    people: int


@dataclass(frozen=True)
class Renamed:
    old: str
    new: str


def rows_with_counts(session: Session, kind: NamedKind) -> list[NamedRow]:
    """Every row of the kind by name, each with the number of people who have it."""
    counts = dict(
        session.execute(select(kind.people_column, func.count()).group_by(kind.people_column)).all()
    )
    rows = session.scalars(select(kind.model).order_by(kind.model.name))
    return [NamedRow(row.id, row.name, counts.get(row.id, 0)) for row in rows]


def find_row(session: Session, kind: NamedKind, row_id: int) -> JobRole | Site | None:
    return session.get(kind.model, row_id)


def add_row(session: Session, kind: NamedKind, name: str, actor: Employee, now: datetime) -> str:
    """Add a job role or site; returns its name as stored. A name already taken raises
    PersonError on `name` and adds nothing."""
    name = _clean_name(name)
    try:
        with write_transaction(session):
            _refuse_taken(session, kind, name)
            session.add(kind.model(name=name, created_at=now))
            audit.record(
                session, kind.action, actor, target=name, detail={"created": name}, now=now
            )
    except IntegrityError as exc:  # taken meanwhile (PostgreSQL: no lock on a new name)
        raise _taken(name) from exc
    return name


def rename_row(
    session: Session, kind: NamedKind, row_id: int, name: str, actor: Employee, now: datetime
) -> Renamed | None:
    """Rename a job role or site (None: no such row). A name another row has raises
    PersonError on `name` and changes nothing."""
    new = _clean_name(name)
    try:
        with write_transaction(session):
            row = session.get(kind.model, row_id, populate_existing=True, with_for_update=True)
            if row is None:
                return None
            _refuse_taken(session, kind, new, other_than=row.id)
            old = row.name
            row.name = new
            audit.record(
                session, kind.action, actor, target=new, detail={"renamed": [old, new]}, now=now
            )
    except IntegrityError as exc:
        raise _taken(new) from exc
    return Renamed(old, new)


def _clean_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise PersonError("name", N_("请输入名称"))
    return name


def _refuse_taken(
    session: Session, kind: NamedKind, name: str, other_than: int | None = None
) -> None:
    query = select(kind.model.id).where(kind.model.name == name)
    if other_than is not None:
        query = query.where(kind.model.id != other_than)
    if session.scalar(query) is not None:
        raise _taken(name)


def _taken(name: str) -> PersonError:
    return PersonError("name", N_("已有同名的一项：%(name)s"), name=name)


# -- a job role's study settings -----------------------------------------------------

# The admin form's limits and messages, checked again here for every other caller.
SETTING_LIMITS: dict[str, tuple[float, float, str]] = {
    "desired_retention": (0.7, 0.99, N_("请输入 0.70 到 0.99 之间的数")),
    "daily_new_cap": (0, 500, N_("请输入 0 到 500 之间的整数")),
    "session_minutes": (1, 120, N_("请输入 1 到 120 之间的整数")),
    "day_boundary_hour": (0, 23, N_("请输入 0 到 23 之间的整数")),
    "readiness_target": (0.5, 0.99, N_("请输入 0.50 到 0.99 之间的数")),
}


@dataclass(frozen=True)
class StudySettings:
    """How a job role's hires are scheduled (quizapp.srs.RoleSettings, time zone aside)."""

    desired_retention: float
    daily_new_cap: int
    session_minutes: int
    day_boundary_hour: int
    readiness_target: float = 0.9

    def to_dict(self) -> dict[str, float | int]:
        return {field: getattr(self, field) for field in SETTING_LIMITS}


def save_study_settings(
    session: Session, role_id: int, settings: StudySettings, actor: Employee, now: datetime
) -> JobRole | None:
    """Save a job role's study settings (None: no such role), with an audit entry when
    anything changed. A value out of range raises PersonError on its field."""
    for field, (low, high, message) in SETTING_LIMITS.items():
        value = getattr(settings, field)
        if value is None or not low <= value <= high:
            raise PersonError(field, message)
    with write_transaction(session):
        role = session.get(JobRole, role_id, populate_existing=True, with_for_update=True)
        if role is None:
            return None
        before = {field: getattr(role, field) for field in SETTING_LIMITS}
        after = settings.to_dict()
        for field, value in after.items():
            setattr(role, field, value)
        if before != after:
            audit.record(
                session,
                "job_role_change",
                actor,
                target=role.name,
                detail={"settings": after},
                now=now,
            )
    return role


# -- people's access roles -----------------------------------------------------------


def change_access_roles(
    session: Session, person_id: int, roles: set[str], actor: Employee, now: datetime
) -> Employee | None:
    """Give a person exactly these access roles (None: no such person), with an audit
    entry. Raises PersonError (nothing changed) for an admin removing their own admin."""
    with write_transaction(session):
        person = session.get(Employee, person_id, populate_existing=True, with_for_update=True)
        if person is None:
            return None
        change_roles(session, person, roles, actor, now)
    return person


# -- login locks ---------------------------------------------------------------------


def active_locks(session: Session, now: datetime) -> list[LoginThrottle]:
    return throttle.active_locks(session, now)


def unlock(session: Session, lock_id: int, actor: Employee, now: datetime) -> LoginThrottle | None:
    """Lift a login lock early, with an audit entry; the lifted lock (None: no such lock)."""
    with write_transaction(session):
        row = throttle.unlock(session, lock_id)
        if row is None:
            return None
        audit.record(session, "unlock", actor, target=f"{row.scope}:{row.key}", now=now)
    return row


# -- the dashboard and the audit log -------------------------------------------------


@dataclass(frozen=True)
class DashboardCounts:
    people: int
    locks: int


def dashboard_counts(session: Session, now: datetime) -> DashboardCounts:
    return DashboardCounts(
        people=session.scalar(select(func.count()).select_from(Employee)),
        locks=len(throttle.active_locks(session, now)),
    )


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    page: int
    has_more: bool


def audit_page(session: Session, page: int, per_page: int = AUDIT_PAGE) -> AuditPage:
    """One page of the audit log, newest first (pages count from 1)."""
    page = max(1, page)
    entries = list(
        session.scalars(
            select(AuditEntry)
            .options(joinedload(AuditEntry.actor))
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .offset((page - 1) * per_page)
            .limit(per_page + 1)
        )
    )
    return AuditPage(entries[:per_page], page, len(entries) > per_page)
