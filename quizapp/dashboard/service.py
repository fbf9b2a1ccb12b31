"""Read models of the cohort dashboard, the daily digest and the readiness export.

Plain functions over quizapp.study.standing: the viewer's scope and the filters on stored
columns become SQL conditions on Employee; the status filter, sorting, paging and every
figure work on the hires' standings (computed in bulk, or read from the per-day cache).
Nothing here knows about requests: the views pass the viewer, the filters and `now`.

Scope: HR and admins see every hire; a trainer sees exactly their trainees
(``Employee.trainer_id``), whatever filter they send; anyone else sees nobody.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime, timedelta
from math import ceil

import numpy as np
from sqlalchemy import ColumnElement, false, select
from sqlalchemy.orm import Session

from .. import srs
from ..i18n import N_
from ..models import AccessRole, Employee
from ..models.people import ACTIVE
from ..readiness import AT_RISK, CERTIFIED, READY, STATUSES
from ..readiness.model import INACTIVE_DAYS
from ..study.standing import Standing, standings

PAGE_SIZE = 50
# Statuses that count as onboarding completed.
DONE = frozenset({READY, CERTIFIED})
# The at-risk list above the table shows the most urgent few; the table has them all.
AT_RISK_SHOWN = 20
BINS = 10
WEEKS_SHOWN = 26
# "Newly ready": ready now, with an answer on this many study days before today (or today).
NEWLY_READY_DAYS = 1

DEFAULT_SORT = "status"  # at risk first, as STATUSES lists them

# How each sortable column of the table orders hires (None: an empty cell).
_SORT_VALUE: dict[str, Callable[[Standing], object]] = {
    "employee_no": lambda s: s.employee_no,
    "name": lambda s: s.name,
    "job_role": lambda s: s.job_role,
    "site": lambda s: s.site,
    "readiness": lambda s: s.readiness,
    "coverage": lambda s: s.coverage,
    "red_lines": lambda s: s.red_lines_at_risk,
    "last_active": lambda s: s.last_active,
    "go_live": lambda s: s.go_live,
    "forecast": lambda s: s.forecast_ready,
    "status": lambda s: STATUSES.index(s.status),
}
SORT_KEYS = tuple(_SORT_VALUE)  # the table's columns, as ?sort= names them


@dataclass(frozen=True)
class Filters:
    """What the staff member asked to see. Ids and dates are already validated (None: no
    filter); ``status`` is a code of STATUSES or None; date ranges include both ends."""

    site_id: int | None = None
    job_role_id: int | None = None
    trainer_id: int | None = None
    hired_from: date | None = None
    hired_to: date | None = None
    go_live_from: date | None = None
    go_live_to: date | None = None
    status: str | None = None
    sort: str = DEFAULT_SORT
    descending: bool = False
    page: int = 1

    def __post_init__(self) -> None:
        # Unknown values are no filter and the default order, never an error.
        if self.status not in STATUSES:
            object.__setattr__(self, "status", None)
        if self.sort not in SORT_KEYS:
            object.__setattr__(self, "sort", DEFAULT_SORT)
        object.__setattr__(self, "page", max(1, self.page))

    def query(self, **changes) -> dict[str, str]:
        """These filters as query-string values (defaults left out), with ``changes``:
        for links that keep the current filters (sorting, paging, status, exports)."""
        values = asdict(replace(self, **changes))
        names = {"site_id": "site", "job_role_id": "job_role", "trainer_id": "trainer"}
        found = {}
        for name, value in values.items():
            if name == "descending":
                if value:
                    found["dir"] = "desc"
            elif name == "sort":
                if value != DEFAULT_SORT:
                    found["sort"] = value
            elif name == "page":
                if value > 1:
                    found["page"] = str(value)
            elif value is not None:
                found[names.get(name, name)] = (
                    value.isoformat() if isinstance(value, date) else str(value)
                )
        return found


def sees_everyone(viewer: Employee) -> bool:
    return viewer.has_role("hr", "admin")


def scope(viewer: Employee) -> list[ColumnElement[bool]]:
    """The conditions selecting the hires ``viewer`` may see on these pages."""
    if sees_everyone(viewer):
        return []
    if viewer.has_role("trainer"):
        return [Employee.trainer_id == viewer.id]
    return [false()]


def conditions(viewer: Employee, filters: Filters) -> list[ColumnElement[bool]]:
    """The viewer's scope and the filters on stored columns (all but the status). The
    trainer filter is HR's: a trainer's scope is fixed to themselves."""
    where = scope(viewer)
    if filters.site_id is not None:
        where.append(Employee.site_id == filters.site_id)
    if filters.job_role_id is not None:
        where.append(Employee.job_role_id == filters.job_role_id)
    if filters.trainer_id is not None and sees_everyone(viewer):
        where.append(Employee.trainer_id == filters.trainer_id)
    for column, low, high in (
        (Employee.hire_date, filters.hired_from, filters.hired_to),
        (Employee.go_live_date, filters.go_live_from, filters.go_live_to),
    ):
        if low is not None:
            where.append(column >= low)
        if high is not None:
            where.append(column <= high)
    return where


def trainer_choices(session: Session) -> list[tuple[int, str]]:
    """(id, "number name") of every active trainer, by employee number: one query, however
    many hires there are."""
    rows = session.execute(
        select(Employee.id, Employee.employee_no, Employee.name)
        .join(AccessRole, AccessRole.employee_id == Employee.id)
        .where(AccessRole.role == "trainer", Employee.status == ACTIVE)
        .order_by(Employee.employee_no)
    )
    return [(pid, f"{number} {name}") for pid, number, name in rows]


def cohort(session: Session, viewer: Employee, filters: Filters, now: datetime) -> list[Standing]:
    """The standings of the hires in scope matching the filters, status aside."""
    return standings(session, now, conditions(viewer, filters))


def with_status(rows: Iterable[Standing], status: str | None) -> list[Standing]:
    return [s for s in rows if status is None or s.status == status]


def sort_standings(rows: Iterable[Standing], key: str, descending: bool = False) -> list[Standing]:
    """Sorted by a table column; empty values (no go-live, never active …) last either way,
    ties in employee-number order (the order `standings` returns)."""
    value = _SORT_VALUE.get(key, _SORT_VALUE[DEFAULT_SORT])
    rows = list(rows)
    known = [s for s in rows if value(s) is not None]
    missing = [s for s in rows if value(s) is None]
    # A stable sort, also reversed: equal values keep their employee-number order.
    known.sort(key=value, reverse=descending)
    return known + missing


def status_counts(rows: Iterable[Standing]) -> dict[str, int]:
    """Hires per status, every status present, in STATUSES order."""
    counts = dict.fromkeys(STATUSES, 0)
    for s in rows:
        counts[s.status] += 1
    return counts


@dataclass(frozen=True)
class Page:
    rows: list[Standing]
    number: int
    pages: int
    total: int


def paginate(rows: list[Standing], page: int, size: int = PAGE_SIZE) -> Page:
    """One page of rows; a page past the end is the last page."""
    pages = max(1, ceil(len(rows) / size))
    number = min(max(1, page), pages)
    start = (number - 1) * size
    return Page(rows[start : start + size], number, pages, len(rows))


@dataclass(frozen=True)
class Completion:
    """Onboarding completion of one group: hires, and how many are ready or certified."""

    label: str | None  # a hire month (2026-11) or a site; None: not filled in
    hires: int
    done: int

    @property
    def share(self) -> float:
        return self.done / self.hires if self.hires else 0.0


def completion_by(
    rows: Iterable[Standing], key: Callable[[Standing], str | None]
) -> list[Completion]:
    """Completion per value of ``key``, by label, the group without one last."""
    groups: dict[str | None, list[int]] = {}
    for s in rows:
        counts = groups.setdefault(key(s), [0, 0])
        counts[0] += 1
        counts[1] += s.status in DONE
    order = sorted(groups, key=lambda label: (label is None, label or ""))
    return [Completion(label, *groups[label]) for label in order]


def hire_month(standing: Standing) -> str | None:
    return standing.hire_date.strftime("%Y-%m") if standing.hire_date else None


def readiness_bins(rows: Iterable[Standing], bins: int = BINS) -> list[int]:
    """Hires per readiness band: [0, 10%), [10%, 20%) … [90%, 100%]."""
    values = np.clip(np.array([s.readiness for s in rows], dtype=float), 0.0, 1.0)
    counts, _edges = np.histogram(values, bins=bins, range=(0.0, 1.0))
    return [int(n) for n in counts]


@dataclass(frozen=True)
class WeekPoint:
    """One hire week (its Monday): that week's hires and, cumulated over every week up to
    it, how many hires there were and how many of them are ready now."""

    week: date
    hired: int
    done: int
    hired_so_far: int
    done_so_far: int

    @property
    def share(self) -> float:
        return self.done / self.hired if self.hired else 0.0

    @property
    def share_so_far(self) -> float:
        return self.done_so_far / self.hired_so_far if self.hired_so_far else 0.0


def completion_by_week(rows: Iterable[Standing], weeks: int = WEEKS_SHOWN) -> list[WeekPoint]:
    """Completion over time, by hire week: the share of the hires of each week, and of all
    hires up to it, who are ready or certified *now*.

    No history of statuses is kept, so this is not "the share that was ready on that
    week" but each hire week's cohort as it stands today: later weeks are lower while
    their hires are still learning. Every week from the first to the last hire week is a
    point (weeks without hires carry the cumulative share on); only the last ``weeks``
    points are returned, cumulated over all earlier ones. Hires without a hire date are
    left out.
    """
    per_week: dict[date, list[int]] = {}
    for s in rows:
        if s.hire_date is None:
            continue
        monday = s.hire_date - timedelta(days=s.hire_date.weekday())
        counts = per_week.setdefault(monday, [0, 0])
        counts[0] += 1
        counts[1] += s.status in DONE
    if not per_week:
        return []
    points = []
    week, last = min(per_week), max(per_week)
    hired_so_far = done_so_far = 0
    while week <= last:
        hired, done = per_week.get(week, (0, 0))
        hired_so_far += hired
        done_so_far += done
        points.append(WeekPoint(week, hired, done, hired_so_far, done_so_far))
        week += timedelta(days=7)
    return points[-weeks:]


def by_urgency(rows: Iterable[Standing]) -> list[Standing]:
    """Nearest go-live first (none last), then by employee number."""
    return sorted(rows, key=lambda s: (s.go_live is None, s.go_live or date.min))


@dataclass(frozen=True)
class Dashboard:
    """Everything the cohort page shows. The counts, completion tables and charts are about
    the filtered cohort whatever its status (so each count stays a link to its hires); the
    at-risk list and the table honour the status filter too."""

    counts: dict[str, int]
    total: int
    at_risk: list[Standing]
    at_risk_total: int
    page: Page
    by_month: list[Completion]
    by_site: list[Completion]
    distribution: list[int]
    over_time: list[WeekPoint]


def dashboard(session: Session, viewer: Employee, filters: Filters, now: datetime) -> Dashboard:
    everyone = cohort(session, viewer, filters, now)
    shown = with_status(everyone, filters.status)
    at_risk = by_urgency(s for s in shown if s.status == AT_RISK)
    return Dashboard(
        counts=status_counts(everyone),
        total=len(everyone),
        at_risk=at_risk[:AT_RISK_SHOWN],
        at_risk_total=len(at_risk),
        page=paginate(sort_standings(shown, filters.sort, filters.descending), filters.page),
        by_month=completion_by(everyone, hire_month),
        by_site=completion_by(everyone, lambda s: s.site),
        distribution=readiness_bins(everyone),
        over_time=completion_by_week(everyone),
    )


EXPORT_HEADER = (
    N_("工号"),
    N_("姓名"),
    N_("岗位"),
    N_("项目"),
    N_("培训师"),
    N_("入职日期"),
    N_("上岗日期"),
    N_("掌握度"),
    N_("覆盖率"),
    N_("红线题有风险"),
    N_("红线题"),
    N_("最近学习"),
    N_("预计达标日期"),
    N_("状态"),
)


def export_rows(
    session: Session,
    viewer: Employee,
    filters: Filters,
    now: datetime,
    status_label: Callable[[str], str] = str,
) -> list[list[object]]:
    """Every hire the table would list (all pages), in its order, one row each in
    EXPORT_HEADER's order: readiness and coverage as numbers 0–1, dates as dates,
    the status as ``status_label`` names it."""
    rows = with_status(cohort(session, viewer, filters, now), filters.status)
    return [
        [
            s.employee_no,
            s.name,
            s.job_role,
            s.site,
            s.trainer,
            s.hire_date,
            s.go_live,
            round(s.readiness, 4),
            round(s.coverage, 4),
            s.red_lines_at_risk,
            s.red_lines,
            s.last_active,
            s.forecast_ready,
            status_label(s.status),
        ]
        for s in sort_standings(rows, filters.sort, filters.descending)
    ]


# -- the daily digest ----------------------------------------------------------------


def digest_day(now: datetime) -> date:
    """The digest's today: the study day of ``now`` in the default settings (04:00 in
    Shanghai starts a day)."""
    return srs.study_day(now, srs.DEFAULT_SETTINGS)


def is_overdue(s: Standing, today: date) -> bool:
    """Go-live day has passed (the day itself is not overdue) and not ready."""
    return s.go_live is not None and s.go_live < today and s.status not in DONE


def is_inactive(s: Standing, today: date) -> bool:
    """Not ready, and no answer for INACTIVE_DAYS days: the last answer that long ago, or
    none since a hire date that long ago (no hire date and no answer: not known)."""
    if s.status in DONE:
        return False
    since = s.last_active or s.hire_date
    return since is not None and (today - since).days >= INACTIVE_DAYS


def is_newly_ready(s: Standing, today: date) -> bool:
    """Ready or certified now, and answered today or yesterday.

    Statuses have no history; readiness only rises with answers, so a hire who is ready
    and answered lately most likely became ready then. A hire who stays ready and keeps
    studying appears again — a small price for no extra table.
    """
    return (
        s.status in DONE
        and s.last_active is not None
        and (today - s.last_active).days <= NEWLY_READY_DAYS
    )


@dataclass(frozen=True)
class DigestGroup:
    """One site's or one trainer's hires needing attention (a hire may be in several
    lists: at risk and overdue, say)."""

    title: str | None  # the site or trainer; None: hires without one
    at_risk: list[Standing] = field(default_factory=list)
    overdue: list[Standing] = field(default_factory=list)
    inactive: list[Standing] = field(default_factory=list)
    newly_ready: list[Standing] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.at_risk or self.overdue or self.inactive or self.newly_ready)


@dataclass(frozen=True)
class Digest:
    day: date
    group_by: str  # "site" or "trainer"
    hires: int
    groups: list[DigestGroup]


def digest(
    session: Session,
    viewer: Employee,
    now: datetime,
    trainer_id: int | None = None,
    site_id: int | None = None,
) -> Digest:
    """Who needs attention today, per group with something to report.

    A trainer gets their own trainees in one group (``trainer_id`` and ``site_id`` are
    ignored for them). HR and admins get everyone grouped by site; choosing a trainer or
    a site narrows it to them, grouped by trainer (a site's digest is handed out to each
    of its trainers).
    """
    everyone = sees_everyone(viewer)
    if not everyone:
        trainer_id = site_id = None
    rows = cohort(session, viewer, Filters(site_id=site_id, trainer_id=trainer_id), now)
    today = digest_day(now)
    group_by = "site" if everyone and trainer_id is None and site_id is None else "trainer"
    grouped: dict[object, tuple[str | None, list[Standing]]] = {}
    for s in rows:
        key = s.site if group_by == "site" else s.trainer_id
        title = s.site if group_by == "site" else s.trainer
        grouped.setdefault(key, (title, []))[1].append(s)
    groups = []
    for title, members in sorted(
        grouped.values(), key=lambda group: (group[0] is None, group[0] or "")
    ):
        group = DigestGroup(
            title,
            at_risk=by_urgency(s for s in members if s.status == AT_RISK),
            overdue=by_urgency(s for s in members if is_overdue(s, today)),
            inactive=sorted(
                (s for s in members if is_inactive(s, today)),
                key=lambda s: (s.last_active is not None, s.last_active or date.min),
            ),
            newly_ready=[s for s in members if is_newly_ready(s, today)],
        )
        if not group.empty:
            groups.append(group)
    return Digest(today, group_by, len(rows), groups)
