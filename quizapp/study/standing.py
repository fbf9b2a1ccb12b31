"""Where every hire stands: readiness, status and forecast of many hires at once, for the
cohort dashboard, the digest, the exports and ``quizapp readiness``.

Read in bulk: one query for the people (with their cached figures), three for the live
assignments (and one for passed exam attempts when an assignment targets an exam), two
for the curriculum of their cohorts (job role and started assignments: thousands of hires
share a few), one for the memory states of the hires whose cache is stale and one for
their recent pace; then array arithmetic in quizapp.readiness. No query per hire and no
Python loop over memory states. Figures are cached per hire for
their study day (table readiness_cache): an answer, undo or overrule deletes the row.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

import numpy as np
from sqlalchemy import (
    ColumnElement,
    and_,
    bindparam,
    delete,
    exists,
    func,
    insert,
    select,
)
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, aliased

from .. import readiness, srs
from ..assignments.reach import Assigned, AssignmentIndex, live_assignments
from ..facts.service import VERSION_COLUMNS as FACTS_VERSION
from ..facts.service import version_of as facts_version_of
from ..i18n import N_
from ..models import (
    AccessRole,
    Bank,
    Employee,
    ExamAttempt,
    JobRole,
    ReadinessCache,
    Site,
)
from ..models.people import ACTIVE
from ..readiness.days import study_day_ordinals
from .curriculum import Cohort, required_of_cohorts, role_settings
from .memory_arrays import CHUNK, Curriculum, item_memory, memory_rows
from .readiness_cache import ANSWERED, FORECAST_REUSE, from_cache, to_cache
from .recent import Recent, recent_answers

STORE_EVERY = 500  # hires computed and cached per transaction


# What each status and each at-risk reason is called on the pages and in the exports
# (translated where shown: the `status_label` and `reason_label` template filters).
STATUS_LABELS = {
    readiness.NOT_STARTED: N_("未开始"),
    readiness.IN_PROGRESS: N_("学习中"),
    readiness.AT_RISK: N_("有风险"),
    readiness.READY: N_("已达标"),
    readiness.CERTIFIED: N_("已认证"),
}
REASON_LABELS = {
    "forecast": N_("按目前进度赶不上上岗日期"),
    "red_line": N_("临近上岗，红线题还没记牢"),
    "inactive": N_("已连续 3 天以上没有学习"),
    "not_started": N_("临近上岗还没开始学习"),
}


@dataclass(frozen=True)
class Standing:
    """One hire's figures, as every staff page, export and the CLI show them."""

    person_id: int
    employee_no: str
    name: str
    job_role: str | None
    site: str | None
    trainer_id: int | None
    trainer: str | None
    hire_date: date | None
    go_live: date | None
    target: float
    required: int
    seen: int
    expected_known: float
    readiness: float
    readiness_at_go_live: float
    red_lines: int
    red_lines_at_risk: int
    status: str
    forecast_ready: date | None
    last_active: date | None
    reasons: tuple[str, ...] = field(default=())

    @property
    def coverage(self) -> float:
        return self.seen / self.required if self.required else 0.0

    def to_json(self) -> dict:
        """The CLI's object, exactly (docs/readiness.md)."""
        return {
            "employee_no": self.employee_no,
            "name": self.name,
            "job_role": self.job_role,
            "site": self.site,
            "go_live": self.go_live.isoformat() if self.go_live else None,
            "required": self.required,
            "seen": self.seen,
            "expected_known": round(self.expected_known, 6),
            "readiness": round(self.readiness, 6),
            "red_lines": self.red_lines,
            "red_lines_at_risk": self.red_lines_at_risk,
            "status": self.status,
            "forecast_ready": self.forecast_ready.isoformat() if self.forecast_ready else None,
        }


def hires() -> ColumnElement[bool]:
    """Active people who study (hold the employee access role): the people readiness is
    about."""
    return and_(
        Employee.status == ACTIVE,
        exists().where(AccessRole.employee_id == Employee.id, AccessRole.role == "employee"),
    )


_HIRES = hires()
# Built once (building it costs more than running it for one person): the people with
# their cached figures; standings adds the conditions and the order.
_TRAINER = aliased(Employee)
_PEOPLE = (
    select(
        Employee.id,
        Employee.employee_no,
        Employee.name,
        Employee.job_role_id,
        Employee.hire_date,
        Employee.go_live_date,
        Employee.trainer_id,
        _TRAINER.name,
        Site.name,
        Employee.site_id,
        ReadinessCache.study_day,
        ReadinessCache.basis,
        ReadinessCache.figures,
        ReadinessCache.computed_at,
    )
    .outerjoin(Site, Site.id == Employee.site_id)
    .outerjoin(_TRAINER, _TRAINER.id == Employee.trainer_id)
    .outerjoin(ReadinessCache, ReadinessCache.employee_id == Employee.id)
)
# The banks' last import and the company facts' version, in one read.
_GENERATION = select(select(func.max(Bank.imported_at)).scalar_subquery(), *FACTS_VERSION)
_ROLES = select(JobRole).where(JobRole.id.in_(bindparam("ids", expanding=True)))


def standings(
    session: Session,
    now: datetime,
    where: Iterable[ColumnElement[bool]] = (),
    *,
    use_cache: bool = True,
    today: date | None = None,
    only_hires: bool = True,
    answered_within: timedelta | None = None,
) -> list[Standing]:
    """The standing of every hire matching ``where`` (conditions on Employee), by
    employee number.

    Args:
        now: the injected now; each hire's study day is taken in their role's settings.
        where: extra conditions (scope and filters) on Employee, JobRole or Site.
        use_cache: read and refresh readiness_cache (False: compute everyone afresh).
        today: evaluate as of this study day instead of now's (``--at``); the cache is
            neither read nor written then.
        only_hires: only active people with the employee access role (False: anyone
            matching ``where``, e.g. one person's report after they left).
        answered_within: take cached figures that answers made stale as they are, when
            computed less than this long ago (the study card's banner: BANNER_REUSE).
    """
    rows = session.execute(
        _PEOPLE.where(*((_HIRES,) if only_hires else ()), *where).order_by(Employee.employee_no)
    ).all()
    if today is not None:
        use_cache = False
    # Banks and company facts: a new import or value changes what hires must learn.
    imported, *facts = session.execute(_GENERATION).one()
    generation = f"{imported}|{facts_version_of(*facts)}"
    # A few job roles for thousands of hires: each role's settings, study day and cache
    # basis are worked out once.
    # Only the roles of these people: the banner of one person reads one.
    role_ids = sorted({row[3] for row in rows if row[3] is not None})
    roles = {
        role.id: _RoleFacts.of(role, now, today)
        for role in (session.scalars(_ROLES, {"ids": role_ids}) if role_ids else ())
    }
    no_role = _RoleFacts.of(None, now, today)
    index = AssignmentIndex(live_assignments(session))
    passed = _passed_exams(session, index)
    bases: dict[tuple[int | None, date | None, str], str] = {}
    found: dict[int, Standing] = {}
    stale: list[_Hire] = []
    for row in rows:
        (pid, number, name, role_id, hired, go_live, trainer_id, trainer_name, site) = row[:9]
        facts = roles.get(role_id, no_role)
        assigned = tuple(index.reaching(pid, role_id, row[9], trainer_id, facts.today))
        exams = {a.exam_id for a in assigned if a.exam_id is not None}
        exam_passed = all((exam, pid) in passed for exam in exams) if exams else None
        # What the cached figures depend on of the assignments: which reach the hire (and
        # when each last changed), whether their exams are passed, and their site.
        tasks = ",".join(f"{a.id}@{a.changed_at}" for a in assigned) + f"|{exam_passed}|{row[9]}"
        basis = bases.get((role_id, go_live, tasks))
        if basis is None:
            basis = bases[(role_id, go_live, tasks)] = _basis(facts.key, go_live, generation, tasks)
        hire = _Hire(
            pid,
            number,
            name,
            role_id,
            facts.name,
            site,
            trainer_id,
            trainer_name,
            hired,
            go_live,
            facts.settings,
            facts.target,
            facts.today,
            facts.daily_new_cap,
            basis,
            tuple(a for a in assigned if a.contents),
            exam_passed,
            row[9],
        )
        cached_day, cached_basis, figures, computed_at = row[10:]
        fresh_day = use_cache and cached_day == hire.today and bool(figures)
        if fresh_day and cached_basis == hire.basis:
            found[pid] = hire.standing(**from_cache(figures))
            continue
        answered = fresh_day and cached_basis == ANSWERED + hire.basis
        age = now - srs.to_utc(computed_at) if computed_at is not None else None
        if answered and answered_within is not None and age is not None and age < answered_within:
            found[pid] = hire.standing(**from_cache(figures))
            continue
        if answered and age is not None and age < FORECAST_REUSE:
            forecast = figures.get("forecast_ready")
            hire = replace(
                hire, reuse_forecast=(date.fromisoformat(forecast) if forecast else None,)
            )
        stale.append(hire)
    # Computed and cached a part at a time: a first view of the day that runs out of time
    # (a worker timeout) still leaves what it computed for the next one.
    for start in range(0, len(stale), STORE_EVERY):
        part = stale[start : start + STORE_EVERY]
        fresh = _compute(session, part)
        found.update(fresh)
        if use_cache and fresh:
            _store(session, part, fresh, now)
    return [found[row[0]] for row in rows]


@dataclass(frozen=True)
class _Hire:
    person_id: int
    employee_no: str
    name: str
    job_role_id: int | None
    job_role: str | None
    site: str | None
    trainer_id: int | None
    trainer: str | None
    hire_date: date | None
    go_live: date | None
    settings: srs.RoleSettings
    target: float
    today: date
    daily_new_cap: int
    basis: str
    assigned: tuple[Assigned, ...] = ()  # started assignments with items to learn
    exam_passed: bool | None = None
    site_id: int | None = None  # company facts of the site may hide items
    reuse_forecast: tuple[date | None] | None = None  # (forecast,): see FORECAST_REUSE

    @property
    def cohort(self) -> Cohort:
        return (self.job_role_id, frozenset(a.id for a in self.assigned), self.site_id)

    def standing(self, **figures) -> Standing:
        return Standing(
            person_id=self.person_id,
            employee_no=self.employee_no,
            name=self.name,
            job_role=self.job_role,
            site=self.site,
            trainer_id=self.trainer_id,
            trainer=self.trainer,
            hire_date=self.hire_date,
            go_live=self.go_live,
            target=self.target,
            **figures,
        )


@dataclass(frozen=True)
class _RoleFacts:
    """What standings need of a job role (or of no role), worked out once per request."""

    name: str | None
    settings: srs.RoleSettings
    target: float
    daily_new_cap: int
    today: date
    key: str

    @classmethod
    def of(cls, role: JobRole | None, now: datetime, today: date | None) -> _RoleFacts:
        settings = role_settings(role)
        if role is None:
            return cls(
                None,
                settings,
                0.9,
                settings.daily_new_cap,
                today or srs.study_day(now, settings),
                "",
            )
        key = "|".join(
            [
                str(role.id),
                repr(role.readiness_target),
                repr(role.desired_retention),
                str(role.daily_new_cap),
                str(role.day_boundary_hour),
                role.timezone,
            ]
        )
        return cls(
            role.name,
            settings,
            role.readiness_target,
            role.daily_new_cap,
            today or srs.study_day(now, settings),
            key,
        )


def _basis(role_key: str, go_live: date | None, generation: str, tasks: str = "") -> str:
    """What a hire's cached figures depend on besides their answers and the day."""
    text = "|".join([str(go_live), str(generation), role_key, tasks])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _passed_exams(session: Session, index: AssignmentIndex) -> set[tuple[int, int]]:
    """(exam id, person id) of every passed attempt of an exam a live assignment targets:
    one query, none without such an assignment."""
    exams = sorted({a.exam_id for a in index.all if a.exam_id is not None})
    if not exams:
        return set()
    return {
        (exam_id, person_id)
        for exam_id, person_id in session.execute(
            select(ExamAttempt.exam_id, ExamAttempt.employee_id)
            .where(ExamAttempt.exam_id.in_(exams), ExamAttempt.passed.is_(True))
            .distinct()
        )
    }


def _compute(session: Session, stale: list[_Hire]) -> dict[int, Standing]:
    if not stale:
        return {}
    cohorts = {hire.cohort: hire.assigned for hire in stale}
    curricula = {
        cohort: Curriculum.of(items)
        for cohort, items in required_of_cohorts(session, cohorts).items()
    }
    ids = [hire.person_id for hire in stale]
    rows = memory_rows(session, ids)
    rows = rows[np.argsort(rows[:, 0], kind="stable")]
    people = rows[:, 0].astype(np.int64)
    starts = np.searchsorted(people, ids, side="left")
    ends = np.searchsorted(people, ids, side="right")
    recent = recent_answers(session, stale)
    found = {}
    for hire, start, end in zip(stale, starts, ends, strict=True):
        found[hire.person_id] = _assess(
            hire, rows[start:end], curricula.get(hire.cohort), recent.get(hire.person_id)
        )
    return found


def _assess(
    hire: _Hire,
    rows: np.ndarray,
    curriculum: Curriculum | None,
    recent: Recent | None,
) -> Standing:
    if curriculum is None:
        curriculum = Curriculum.of([])
    positions, mask = curriculum.positions(rows[:, 1].astype(np.int64))
    memory = item_memory(
        curriculum.item_ids, curriculum.red_line, rows, positions, mask, hire.settings
    )
    # Any answer counts as activity, also on items no longer required.
    last_active = None
    if rows.size:
        last_days = study_day_ordinals(rows[:, 6].astype(np.int64), hire.settings)
        last_active = date.fromordinal(int(last_days.max()))
    recent = recent or Recent(0, 0, 0, None)
    # New items met today: required items answered once, today.
    once = rows[mask][:, 8] == 1
    introduced_today = int(
        np.count_nonzero(memory.last_day[positions[once]] == hire.today.toordinal())
    )
    if hire.reuse_forecast is not None:
        [forecast] = hire.reuse_forecast
    else:
        forecast = readiness.forecast_ready(
            memory,
            hire.today,
            hire.target,
            hire.settings,
            recent.answers_per_day(hire.today, hire.settings),
            go_live=hire.go_live,
            answered_today=recent.today,
            introduced_today=introduced_today,
            right_share=recent.right_share,
        )
    result = readiness.assess(
        memory,
        hire.today,
        hire.target,
        go_live=hire.go_live,
        last_active=last_active,
        forecast_ready=forecast,
        daily_new_cap=hire.daily_new_cap,
        exam_passed=hire.exam_passed,
    )
    return hire.standing(
        required=result.now.required,
        seen=result.now.seen,
        expected_known=result.now.expected_known,
        readiness=result.now.readiness,
        readiness_at_go_live=result.at_go_live.readiness,
        red_lines=result.now.red_lines,
        red_lines_at_risk=result.now.red_lines_at_risk,
        status=result.status,
        forecast_ready=result.forecast_ready,
        last_active=last_active,
        reasons=result.reasons,
    )


def _store(
    session: Session,
    stale: list[_Hire],
    fresh: dict[int, Standing],
    now: datetime,
) -> None:
    """Cache the figures just computed; a busy database only means no cache this time."""
    ids = [hire.person_id for hire in stale]
    values = [
        {
            "employee_id": hire.person_id,
            "study_day": hire.today,
            "basis": hire.basis,
            "figures": to_cache(fresh[hire.person_id]),
            "computed_at": now,
        }
        for hire in stale
    ]
    try:
        for start in range(0, len(ids), CHUNK):
            session.execute(
                delete(ReadinessCache).where(
                    ReadinessCache.employee_id.in_(ids[start : start + CHUNK])
                )
            )
        session.execute(insert(ReadinessCache), values)
        session.commit()
    except OperationalError:
        session.rollback()
