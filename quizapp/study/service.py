"""Study: today's session, presenting cards, answering (idempotent, serialised), undo,
overrule, content changes, progress.

Plain functions over a session, the employee and an injected `now`; no request objects.
The pure parts are quizapp.srs (scheduling) and quizapp.grading (grading).
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

from sqlalchemy import (
    String,
    and_,
    bindparam,
    case,
    cast,
    distinct,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, make_transient_to_detached

from .. import grading, srs
from ..database import write_transaction
from ..i18n import N_, fill
from ..models import (
    Employee,
    IdempotencyRecord,
    Item,
    ItemVersion,
    JobRole,
    MemoryState,
    ReviewLog,
    Section,
    SectionRole,
)
from .items import ItemView, load_item

RATING_NAMES = {srs.AGAIN: "again", srs.HARD: "hard", srs.GOOD: "good", srs.EASY: "easy"}


class StudyError(Exception):
    """An answer that cannot be taken; `status` is the HTTP status the view answers with."""

    def __init__(self, status: int, template: str, **params: object) -> None:
        self.status = status
        self.template = template
        self.params = params
        super().__init__(fill(template, params))


# -- what the employee must learn -----------------------------------------------------


def role_settings(job_role: JobRole | None) -> srs.RoleSettings:
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
_LIVE = (Item.retired_at.is_(None), Section.retired_at.is_(None))
# The scheduler's fields of a memory state, in srs.MemoryState's order after item_id.
_STATE_COLUMNS = (
    MemoryState.state,
    MemoryState.step,
    MemoryState.stability,
    MemoryState.difficulty,
    MemoryState.due,
    MemoryState.last_review,
    MemoryState.reps,
    MemoryState.lapses,
)

_REQUIRED_ITEM = (
    select(Item.red_line)
    .join(Section, Section.id == Item.section_id)
    .join(SectionRole, SectionRole.section_id == Section.id)
    .where(
        Item.id == bindparam("item_id"),
        SectionRole.job_role_id == bindparam("job_role_id"),
        *_LIVE,
    )
)


def _required_item(session: Session, employee: Employee, item_id: int) -> bool | None:
    """Whether one item is required of the employee's job role: its red-line flag, or
    None when it is not required (the one-item form of role_items)."""
    if employee.job_role_id is None:
        return None
    return (
        session.connection()
        .execute(_REQUIRED_ITEM, {"item_id": item_id, "job_role_id": employee.job_role_id})
        .scalar()
    )


@dataclass(frozen=True)
class RoleItems:
    """The items the employee's job role requires, with the employee's memory of each:
    what a study page needs, read in one query."""

    required: dict[int, bool]  # item id → red line, in teaching order
    states: dict[int, srs.MemoryState]  # of required items only
    revisions: dict[int, tuple[int, int | None]]  # item id → (revision, changed_from_version)


_ROLE_ITEMS = (
    select(
        Item.id,
        Item.red_line,
        *_STATE_COLUMNS,
        MemoryState.revision,
        MemoryState.changed_from_version,
    )
    .join(Section, Section.id == Item.section_id)
    .join(SectionRole, SectionRole.section_id == Section.id)
    .outerjoin(
        MemoryState,
        and_(MemoryState.item_id == Item.id, MemoryState.employee_id == bindparam("employee_id")),
    )
    .where(SectionRole.job_role_id == bindparam("job_role_id"), *_LIVE)
    .order_by(Section.bank_id, Item.position)
)


def role_items(session: Session, employee: Employee) -> RoleItems:
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
    for row in rows:
        item_id = row[0]
        required[item_id] = row[1]
        if row[2] is not None:  # the employee has a memory state of this item
            states[item_id] = srs.MemoryState(item_id, *row[2:10])
            revisions[item_id] = (row[10], row[11])
    return RoleItems(required, states, revisions)


def to_srs(row: MemoryState) -> srs.MemoryState:
    return srs.MemoryState(
        item_id=row.item_id,
        state=row.state,
        step=row.step,
        stability=row.stability,
        difficulty=row.difficulty,
        due=row.due,
        last_review=row.last_review,
        reps=row.reps,
        lapses=row.lapses,
    )


def _state_columns(state: srs.MemoryState, now: datetime) -> dict:
    """A scheduler state as memory_state column values."""
    return {
        "state": state.state,
        "step": state.step,
        "stability": state.stability,
        "difficulty": state.difficulty,
        "due": state.due,
        "last_review": state.last_review,
        "reps": state.reps,
        "lapses": state.lapses,
        "updated_at": now,
    }


def _store(row: MemoryState, state: srs.MemoryState, now: datetime) -> None:
    for name, value in _state_columns(state, now).items():
        setattr(row, name, value)


def _day_bounds(now: datetime, settings: srs.RoleSettings) -> tuple[date, datetime]:
    today = srs.study_day(now, settings)
    return today, srs.day_start(today, settings)


def _was_new():
    # state_before is JSON: SQLAlchemy stores None as JSON null; SQL NULL counts the same.
    return or_(ReviewLog.state_before.is_(None), cast(ReviewLog.state_before, String) == "null")


@dataclass(frozen=True)
class TodayCounts:
    answered: int  # answers (not retries) given since the start of today's study day
    introduced: int  # new items first answered today (they count against the daily cap)


_IS_REVIEW = ReviewLog.kind == "review"
_TODAY_COUNTS = select(
    func.count(case((_IS_REVIEW, 1))),
    func.count(distinct(case((and_(_IS_REVIEW, _was_new()), ReviewLog.item_id)))),
).where(
    ReviewLog.employee_id == bindparam("employee_id"),
    ReviewLog.server_time >= bindparam("start", type_=ReviewLog.server_time.type),
    ReviewLog.undone_at.is_(None),
)


def today_counts(session: Session, employee: Employee, now: datetime) -> TodayCounts:
    """Today's answers and new items, in one indexed read of today's review log."""
    _today, start = _day_bounds(now, role_settings(employee.job_role))
    answered, introduced = (
        session.connection()
        .execute(_TODAY_COUNTS, {"employee_id": employee.id, "start": start})
        .one()
    )
    return TodayCounts(answered or 0, introduced or 0)


def today_plan(
    session: Session,
    employee: Employee,
    now: datetime,
    more: bool = False,
    items: RoleItems | None = None,
    counts: TodayCounts | None = None,
) -> srs.SessionPlan:
    settings = role_settings(employee.job_role)
    if items is None:
        items = role_items(session, employee)
    if counts is None:
        counts = today_counts(session, employee, now)
    required = items.required
    return srs.plan_session(
        items.states,
        list(required),
        [item_id for item_id, red in required.items() if red],
        now,
        settings,
        go_live=employee.go_live_date,
        already_introduced_today=counts.introduced,
        study_more=more,
    )


# -- presenting a card ------------------------------------------------------------------


@dataclass(frozen=True)
class Ticket:
    """What the server showed: signed into the card's form, checked when the answer comes."""

    employee_id: int
    item_id: int
    revision: int
    item_version: int
    shown_at: float
    order: tuple[int, ...] = ()
    retry: bool = False

    def to_dict(self) -> dict:
        return {
            "e": self.employee_id,
            "i": self.item_id,
            "r": self.revision,
            "v": self.item_version,
            "t": self.shown_at,
            "o": list(self.order),
            "x": self.retry,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Ticket:
        return cls(
            data["e"], data["i"], data["r"], data["v"], data["t"], tuple(data["o"]), data["x"]
        )


@dataclass
class Card:
    item: ItemView
    ticket: Ticket
    is_new: bool
    red_line: bool
    changes: dict | None = None  # what changed since the version the employee learnt
    intervals: dict[str, str] = field(default_factory=dict)  # self-rating → next interval

    @property
    def choices(self):
        return [(index, self.item.choices[index]) for index in self.ticket.order]


def present(
    session: Session,
    employee: Employee,
    item_id: int,
    now: datetime,
    retry: bool = False,
    items: RoleItems | None = None,
) -> Card:
    """The card for one item, with a fresh ticket (options shuffled for this showing).
    `items` (from role_items, when the caller has it) saves reading the memory state again."""
    if items is not None:
        red_line = items.required.get(item_id)
        state = items.states.get(item_id)
        revision, changed_from = items.revisions.get(item_id, (0, None))
    else:
        red_line = _required_item(session, employee, item_id)
        row = session.scalar(
            select(MemoryState).where(
                MemoryState.employee_id == employee.id, MemoryState.item_id == item_id
            )
        )
        state = to_srs(row) if row else None
        revision, changed_from = (row.revision, row.changed_from_version) if row else (0, None)
    if red_line is None:
        raise StudyError(404, N_("这道题不在你的学习内容中"))
    item = load_item(session, item_id)
    order = list(range(len(item.choices)))
    random.SystemRandom().shuffle(order)
    ticket = Ticket(
        employee.id, item_id, revision, item.version, now.timestamp(), tuple(order), retry
    )
    card = Card(item, ticket, is_new=state is None, red_line=red_line)
    if changed_from:
        card.changes = content_changes(session, item, changed_from)
    if item.type == "qa":
        card.intervals = next_intervals(state, item_id, now, role_settings(employee.job_role))
    return card


def next_intervals(
    state: srs.MemoryState | None, item_id: int, now: datetime, settings: srs.RoleSettings
) -> dict[str, str]:
    """For the four self-rating buttons: when the item would come back after each."""
    current = state or srs.MemoryState.new(item_id, now)
    shown = {}
    for rating, name in RATING_NAMES.items():
        after, _review = srs.apply_answer(current, rating, now, settings)
        days = srs.study_days_between(now, after.due, settings)
        shown[name] = f"{days}d" if days else "<1d"
    return shown


def content_changes(session: Session, item: ItemView, old_version: int) -> dict | None:
    old = session.scalar(
        select(ItemVersion).where(
            ItemVersion.item_id == item.id, ItemVersion.version == old_version
        )
    )
    if old is None:
        return None
    before = old.content
    now_points = [kp.text for kp in item.key_points]
    changes: dict = {}
    if before.get("key_points") != now_points:
        changes["added"] = [p for p in now_points if p not in before.get("key_points", [])]
        changes["removed"] = [p for p in before.get("key_points", []) if p not in now_points]
    if before.get("answer") != item.answer and not changes:
        changes["answer"] = before.get("answer", "")
    if before.get("verdict") != item.verdict:
        changes["verdict"] = item.verdict
    old_right = [c["text"] for c in before.get("choices", []) if c["correct"]]
    new_right = [c.text for c in item.choices if c.correct]
    if old_right != new_right:
        changes["choices"] = {"before": old_right, "after": new_right}
    if before.get("blanks") != item.blanks:
        changes["blanks"] = {"before": before.get("blanks"), "after": item.blanks}
    return changes or {"answer": before.get("answer", "")}


# -- answering --------------------------------------------------------------------------


def _request_hash(ticket: Ticket, answer: dict) -> str:
    payload = json.dumps(
        {"ticket": ticket.to_dict(), "answer": answer}, sort_keys=True, ensure_ascii=False
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _lock_employee(session: Session, employee_id: int) -> None:
    # PostgreSQL: one answer per employee at a time (SQLite already holds the write lock).
    if session.get_bind().dialect.name == "sqlite":
        return
    session.execute(select(Employee.id).where(Employee.id == employee_id).with_for_update())


@dataclass(frozen=True)
class Graded:
    correct: bool
    rating: int
    proposed: int | None
    hits: list[bool] | None
    detail: dict


def grade(item: ItemView, answer: dict, response_ms: int | None) -> Graded:
    """Grade an answer to an item; `answer` holds what the form sent for its type."""
    synonyms = [*item.bank_synonyms, *item.synonyms]
    if item.type in ("single", "multi"):
        flags = [c.correct for c in item.choices]
        selected = [int(i) for i in answer.get("choices", [])]
        if any(not 0 <= i < len(flags) for i in selected):
            raise StudyError(400, N_("选项不存在"))
        result = grading.grade_choice(flags, selected, multi=item.type == "multi")
        rating = grading.rating_for(item.type, result.correct, response_ms)
        return Graded(
            result.correct,
            grading.rating_value(rating),
            None,
            None,
            {"selected": selected, "score": result.score},
        )
    if item.type == "judge":
        given = answer.get("verdict")
        result = grading.grade_judge(bool(item.verdict), given)
        rating = grading.rating_for("judge", result.correct, response_ms)
        return Graded(result.correct, grading.rating_value(rating), None, None, {"given": given})
    if item.type == "cloze":
        typed = [str(t) for t in answer.get("blanks", [])]
        result = grading.grade_cloze(item.blanks, typed, synonyms)
        rating = grading.rating_for("cloze", result.correct, response_ms, blanks=len(item.blanks))
        return Graded(
            result.correct,
            grading.rating_value(rating),
            None,
            None,
            {"blanks": [b.correct for b in result.blanks], "score": result.score},
        )
    # 问答: a typed answer is graded by key points; "reveal" is rated by the employee.
    if answer.get("self_rating"):
        rating = grading.rating_value(answer["self_rating"])
        return Graded(rating >= srs.GOOD, rating, None, None, {"self_rated": True})
    points = [kp.text for kp in item.key_points] or [item.answer]
    result = grading.grade_key_points(
        points, str(answer.get("text", "")), synonyms, question=item.question
    )
    rating = grading.rating_value(result.rating)
    return Graded(
        result.coverage >= 0.75,
        rating,
        rating,
        list(result.hits),
        {"coverage": result.coverage, "matches": [m.to_dict() for m in result.matches]},
    )


def submit_answer(
    session: Session,
    employee: Employee,
    ticket: Ticket,
    answer: dict,
    key: str,
    now: datetime,
    client_time: datetime | None = None,
    item: ItemView | None = None,
) -> ReviewLog:
    """Record one answer exactly once, as in the IETF Idempotency-Key draft: a repeat of
    a completed request returns its stored review; a repeat while the first is still
    running is 409; the same key with another answer is 422; no key is 400."""
    if not key or len(key) > 100:
        raise StudyError(400, N_("缺少请求编号（Idempotency-Key）"))
    if ticket.employee_id != employee.id:
        raise StudyError(403, N_("这张卡片不是你的"))
    if _required_item(session, employee, ticket.item_id) is None:
        raise StudyError(404, N_("这道题不在你的学习内容中"))
    request_hash = _request_hash(ticket, answer)
    # Grading (jieba and friends for typed answers) runs before the write lock is taken.
    item = load_item(session, ticket.item_id) if item is None else item
    response_ms = max(0, int((now.timestamp() - ticket.shown_at) * 1000))
    graded = grade(item, answer, response_ms)
    settings = role_settings(employee.job_role)
    employee_id = employee.id
    with write_transaction(session):
        # Every answer of one employee is serialised from here on (the SQLite write lock,
        # or PostgreSQL's row lock), so checking the key and then inserting it is safe.
        _lock_employee(session, employee_id)
        conn = session.connection()
        record = conn.execute(_IDEMPOTENCY_RECORD, {"employee_id": employee_id, "key": key}).first()
        if record is not None:
            if record.request_hash != request_hash:
                raise StudyError(422, N_("这个请求编号已用于另一个答案"))
            if record.status != "done" or record.review_id is None:
                raise StudyError(409, N_("这个答案正在提交，请稍候"))
            return session.get(ReviewLog, record.review_id)
        review = _record(
            conn,
            employee_id,
            ticket,
            graded,
            settings,
            answer,
            key,
            now,
            client_time,
            response_ms,
        )
        session.add(review)
        # Written complete in the same transaction as the review: nobody can see it
        # half-done, so it is never "running" here (a record left running by an older
        # process still answers 409 above).
        conn.execute(
            _INSERT_IDEMPOTENCY_RECORD,
            {
                "employee_id": employee_id,
                "key": key,
                "request_hash": request_hash,
                "status": "done",
                "review_id": review.id,
                "created_at": now,
            },
        )
    return review


# The answer's statements, built once: an answer runs them all, and building a statement
# costs about as much as running it on SQLite. Plain Core: no ORM objects to track.
_IDEMPOTENCY_RECORD = select(
    IdempotencyRecord.request_hash, IdempotencyRecord.status, IdempotencyRecord.review_id
).where(
    IdempotencyRecord.employee_id == bindparam("employee_id"),
    IdempotencyRecord.key == bindparam("key"),
)
_INSERT_IDEMPOTENCY_RECORD = insert(IdempotencyRecord.__table__)
_MEMORY_ROW = (
    select(MemoryState.id, MemoryState.revision, *_STATE_COLUMNS)
    .where(
        MemoryState.employee_id == bindparam("employee_id"),
        MemoryState.item_id == bindparam("item_id"),
    )
    .with_for_update()
)
_ITEM_VERSION = select(Item.version).where(Item.id == bindparam("item_id"))
_INSERT_MEMORY_STATE = insert(MemoryState.__table__)
_UPDATE_MEMORY_STATE = (
    update(MemoryState.__table__)
    .where(MemoryState.__table__.c.id == bindparam("row_id"))
    .values(revision=MemoryState.__table__.c.revision + 1)
)
_INSERT_REVIEW = insert(ReviewLog.__table__).returning(ReviewLog.__table__.c.id)


def _record(
    conn: Connection,
    employee_id: int,
    ticket: Ticket,
    graded: Graded,
    settings: srs.RoleSettings,
    answer: dict,
    key: str,
    now: datetime,
    client_time: datetime | None,
    response_ms: int,
) -> ReviewLog:
    row = conn.execute(_MEMORY_ROW, {"employee_id": employee_id, "item_id": ticket.item_id}).first()
    if (row.revision if row else 0) != ticket.revision:
        raise StudyError(409, N_("这道题已经在别处作答（可能是另一个窗口），请刷新"))
    version = conn.execute(_ITEM_VERSION, {"item_id": ticket.item_id}).scalar()
    if version != ticket.item_version:
        raise StudyError(409, N_("题目内容刚刚更新，请刷新后重新作答"))
    before = srs.MemoryState(ticket.item_id, *row[2:]) if row else None
    after, _review = srs.apply_answer(
        before or srs.MemoryState.new(ticket.item_id, now),
        graded.rating,
        now,
        settings,
        item_version=version,
        is_retry=ticket.retry,
        duration_ms=response_ms,
    )
    # Answering clears the "content changed" note: it was shown on this card.
    columns = {**_state_columns(after, now), "changed_from_version": None}
    if row is None:
        conn.execute(
            _INSERT_MEMORY_STATE,
            {"employee_id": employee_id, "item_id": ticket.item_id, "revision": 1, **columns},
        )
    else:
        conn.execute(_UPDATE_MEMORY_STATE, {"row_id": row.id, **columns})
    values = {
        "employee_id": employee_id,
        "item_id": ticket.item_id,
        "item_version": version,
        "kind": "retry" if ticket.retry else "review",
        "rating": graded.rating,
        "proposed_rating": graded.proposed,
        "overruled": False,
        "answer": {**answer, "detail": graded.detail},
        "key_points_hit": graded.hits,
        "correct": graded.correct,
        "response_ms": response_ms,
        "server_time": now,
        "client_time": client_time,
        "idempotency_key": key,
        "state_before": before.to_dict() if before else None,
        "state_after": after.to_dict(),
        "undone_at": None,
        "replaced_by_id": None,
    }
    review = ReviewLog(id=conn.execute(_INSERT_REVIEW, values).scalar_one(), **values)
    # The row is written: the object joins the session as it is, with nothing to flush.
    make_transient_to_detached(review)
    return review


def undo_last(session: Session, employee: Employee, now: datetime) -> ReviewLog | None:
    """Take back the employee's last answer: its memory state is restored exactly."""
    with write_transaction(session):
        _lock_employee(session, employee.id)
        review = session.scalar(
            select(ReviewLog)
            .where(
                ReviewLog.employee_id == employee.id,
                ReviewLog.undone_at.is_(None),
                ReviewLog.kind.in_(("review", "retry")),
            )
            .order_by(ReviewLog.server_time.desc(), ReviewLog.id.desc())
            .limit(1)
            .execution_options(populate_existing=True)
        )
        if review is None:
            return None
        _restore(session, employee.id, review, now)
        review.undone_at = now
    return review


def _restore(session: Session, employee_id: int, review: ReviewLog, now: datetime) -> None:
    row = session.scalar(
        select(MemoryState)
        .where(MemoryState.employee_id == employee_id, MemoryState.item_id == review.item_id)
        .execution_options(populate_existing=True)
    )
    if review.state_before is None:
        if row is not None:
            session.delete(row)
        return
    _store(row, srs.MemoryState.from_dict(review.state_before), now)
    row.revision += 1  # a card shown before the undo must not be answerable afterwards


def overrule(
    session: Session, employee: Employee, review_id: int, right: bool, now: datetime
) -> ReviewLog:
    """The employee says the grader was wrong about a typed answer: re-rate it (logged)."""
    with write_transaction(session):
        _lock_employee(session, employee.id)
        # Fresh from the database: the view loaded it before the write lock was taken.
        review = session.get(ReviewLog, review_id, populate_existing=True)
        if review is None or review.employee_id != employee.id:
            raise StudyError(404, N_("找不到这次作答"))
        if review.undone_at is not None or review.proposed_rating is None:
            raise StudyError(409, N_("这次作答不能再更改"))
        later = session.scalar(
            select(func.count())
            .select_from(ReviewLog)
            .where(
                ReviewLog.employee_id == employee.id,
                ReviewLog.item_id == review.item_id,
                ReviewLog.undone_at.is_(None),
                ReviewLog.id > review.id,
            )
        )
        if later:
            raise StudyError(409, N_("这道题之后又答过，不能再更改这次的评分"))
        rating = srs.GOOD if right else srs.AGAIN
        if rating == review.rating:
            return review
        _restore(session, employee.id, review, now)
        settings = role_settings(employee.job_role)
        before = srs.MemoryState.from_dict(review.state_before) if review.state_before else None
        after, _ = srs.apply_answer(
            before or srs.MemoryState.new(review.item_id, review.server_time),
            rating,
            review.server_time,
            settings,
            item_version=review.item_version,
            is_retry=review.kind == "retry",
            duration_ms=review.response_ms,
        )
        row = session.scalar(
            select(MemoryState).where(
                MemoryState.employee_id == employee.id, MemoryState.item_id == review.item_id
            )
        )
        if row is None:
            row = MemoryState(employee_id=employee.id, item_id=review.item_id, revision=0)
            session.add(row)
        _store(row, after, now)
        row.revision += 1
        replacement = ReviewLog(
            employee_id=employee.id,
            item_id=review.item_id,
            item_version=review.item_version,
            kind=review.kind,
            rating=rating,
            proposed_rating=review.proposed_rating,
            overruled=True,
            answer=review.answer,
            key_points_hit=review.key_points_hit,
            correct=right,
            response_ms=review.response_ms,
            server_time=review.server_time,
            client_time=review.client_time,
            state_before=review.state_before,
            state_after=after.to_dict(),
        )
        session.add(replacement)
        session.flush()
        review.undone_at = now
        review.replaced_by_id = replacement.id
    return replacement


# -- content that changes -------------------------------------------------------------------


def relearn_changed_items(session: Session, item_ids: list[int], now: datetime) -> int:
    """After an item's right answer changed: everyone who learnt it relearns it. Returns
    how many memory states were reset. Runs in the caller's transaction."""
    if not item_ids:
        return 0
    versions = dict(
        session.execute(select(Item.id, Item.version).where(Item.id.in_(item_ids))).all()
    )
    count = 0
    for row in session.scalars(select(MemoryState).where(MemoryState.item_id.in_(item_ids))):
        before = to_srs(row)
        after = reset_state(before, now)
        session.add(
            ReviewLog(
                employee_id=row.employee_id,
                item_id=row.item_id,
                item_version=versions[row.item_id],
                kind="reset",
                server_time=now,
                state_before=before.to_dict(),
                state_after=after.to_dict(),
            )
        )
        _store(row, after, now)
        row.revision += 1
        row.changed_from_version = versions[row.item_id] - 1
        count += 1
    return count


def reset_state(state: srs.MemoryState, now: datetime) -> srs.MemoryState:
    """Back to relearning, due at once; stability and difficulty are kept for FSRS."""
    return srs.MemoryState.from_dict(
        {**state.to_dict(), "state": srs.RELEARNING, "step": 0, "due": now.isoformat()}
    )


def replay_state(session: Session, employee: Employee, item_id: int) -> srs.MemoryState | None:
    """Rebuild a memory state from the review log alone (what undo and overrule kept)."""
    settings = role_settings(employee.job_role)
    state = None
    logs = session.scalars(
        select(ReviewLog)
        .where(
            ReviewLog.employee_id == employee.id,
            ReviewLog.item_id == item_id,
            ReviewLog.undone_at.is_(None),
        )
        .order_by(ReviewLog.server_time, ReviewLog.id)
    )
    for log in logs:
        if log.kind == "reset":
            state = reset_state(state, log.server_time) if state else None
            continue
        state, _ = srs.apply_answer(
            state or srs.MemoryState.new(item_id, log.server_time),
            log.rating,
            log.server_time,
            settings,
            item_version=log.item_version,
            is_retry=log.kind == "retry",
            duration_ms=log.response_ms,
        )
    return state


# -- summaries ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DaySummary:
    answered: int
    correct: int
    seconds: int
    to_review: list[Item]


def day_summary(session: Session, employee: Employee, now: datetime) -> DaySummary:
    settings = role_settings(employee.job_role)
    _today, start = _day_bounds(now, settings)
    logs = session.scalars(
        select(ReviewLog).where(
            ReviewLog.employee_id == employee.id,
            ReviewLog.server_time >= start,
            ReviewLog.undone_at.is_(None),
            ReviewLog.kind.in_(("review", "retry")),
        )
    ).all()
    wrong_ids = [log.item_id for log in logs if log.correct is False and log.kind == "review"]
    wrong = session.scalars(select(Item).where(Item.id.in_(wrong_ids))).all() if wrong_ids else []
    return DaySummary(
        answered=sum(1 for log in logs if log.kind == "review"),
        correct=sum(1 for log in logs if log.correct and log.kind == "review"),
        seconds=sum(min(log.response_ms or 0, 300_000) for log in logs) // 1000,
        to_review=list(wrong),
    )
