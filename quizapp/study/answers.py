"""Answering a card: graded, recorded exactly once, and taken back (undo) or re-rated
(overrule) without losing anything.

The answer path takes a plain answer dict (a question type reads it from the card's form;
an offline sync would send the same shape), never a request. Every memory-state change is
mirrored by an append-only review-log entry, so history.replay_state rebuilds any state.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, make_transient_to_detached

from .. import srs
from ..database import write_transaction
from ..i18n import N_
from ..models import Employee, IdempotencyRecord, Item, MemoryState, ReviewLog
from ..questions import AnswerError, Graded, question_type
from .curriculum import required_item, role_settings
from .errors import StudyError
from .items import ItemView, load_item
from .memory import STATE_COLUMNS, from_columns, state_columns, store
from .readiness_cache import forget as forget_readiness
from .session import Ticket

MAX_KEY = 100  # characters of an idempotency key


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


def grade(item: ItemView, answer: dict, response_ms: int | None) -> Graded:
    """Grade an answer by its item's question type; a misfit answer is a 400."""
    try:
        return question_type(item.type).grade(item, answer, response_ms)
    except AnswerError as error:
        raise StudyError(400, error.template, **error.params) from error


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
    if not key or len(key) > MAX_KEY:
        raise StudyError(400, N_("缺少请求编号（Idempotency-Key）"))
    if ticket.employee_id != employee.id:
        raise StudyError(403, N_("这张卡片不是你的"))
    if required_item(session, employee, ticket.item_id) is None:
        raise StudyError(404, N_("这道题不在你的学习内容中"))
    request_hash = _request_hash(ticket, answer)
    # Grading (jieba and friends for typed answers) runs before the write lock is taken.
    item = load_item(session, ticket.item_id, employee.site_id) if item is None else item
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
        forget_readiness(session, employee_id)
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
    select(MemoryState.id, MemoryState.revision, *STATE_COLUMNS)
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


#: Answers that are logged but leave the memory state as it was.
UNSCHEDULED_KINDS = ("retry", "practice")


def answer_kind(ticket: Ticket, before: srs.MemoryState | None, now: datetime) -> str:
    """How an answer counts: "retry" (the one retry after a wrong answer), "practice"
    (练错题 on an item not due yet) or "review" (scheduled: everything else, practice on
    an item that is due included)."""
    if ticket.retry:
        return "retry"
    if ticket.practice and before is not None and before.due > srs.to_utc(now):
        return "practice"
    return "review"


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
    before = from_columns(ticket.item_id, row[2:]) if row else None
    if before is not None and before.last_review is not None:
        # Answers to one item apply in the order their transactions get the row, and the
        # log replays in server_time order: a request that waited behind a later one (an
        # exam hand-in queued behind a study answer) takes that one's time, so the two
        # orders agree (bench/load.py found a state its log did not replay to).
        now = max(srs.to_utc(now), before.last_review)
    kind = answer_kind(ticket, before, now)
    after, _review = srs.apply_answer(
        before or srs.MemoryState.new(ticket.item_id, now),
        graded.rating,
        now,
        settings,
        item_version=version,
        is_retry=kind != "review",
        duration_ms=response_ms,
    )
    # Answering clears the "content changed" note: it was shown on this card.
    columns = {**state_columns(after, now), "changed_from_version": None}
    if kind == "review":  # a retry or practice does not schedule: the last review stands
        columns["last_rating"] = int(graded.rating)
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
        "kind": kind,
        "rating": int(graded.rating),
        "proposed_rating": None if graded.proposed is None else int(graded.proposed),
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


# -- after an answer: what the employee may do next -------------------------------------


def latest_review_id(session: Session, employee_id: int) -> int | None:
    """The employee's last answer that still counts: the only one undo and overrule touch."""
    return session.scalar(
        select(ReviewLog.id)
        .where(ReviewLog.employee_id == employee_id, ReviewLog.undone_at.is_(None))
        .order_by(ReviewLog.server_time.desc(), ReviewLog.id.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class NextSteps:
    """The buttons the feedback page offers after an answer."""

    undo: bool
    retry: bool
    overrule: bool


def may_retry(review: ReviewLog) -> bool:
    """Whether this answer earns one more try at once: the scheduler's rule
    (srs.should_retry: it was not right, and it was not itself the retry)."""
    return (
        review.undone_at is None
        and review.kind in ("review", "retry")
        and srs.should_retry(bool(review.correct), is_retry=review.kind == "retry")
    )


def next_steps(review: ReviewLog, latest_id: int | None) -> NextSteps:
    """Only the latest answer can be undone, retried (may_retry) or overruled (when a
    grader proposed its rating)."""
    latest = latest_id == review.id and review.undone_at is None
    return NextSteps(
        undo=latest,
        retry=latest and may_retry(review),
        # Practice changes no schedule: there is nothing to overrule.
        overrule=latest and review.proposed_rating is not None and review.kind != "practice",
    )


# -- taking an answer back ---------------------------------------------------------------


def undo_last(session: Session, employee: Employee, now: datetime) -> ReviewLog | None:
    """Take back the employee's last answer: its memory state is restored exactly."""
    with write_transaction(session):
        _lock_employee(session, employee.id)
        review = session.scalar(
            select(ReviewLog)
            .where(
                ReviewLog.employee_id == employee.id,
                ReviewLog.undone_at.is_(None),
                ReviewLog.kind.in_(("review", *UNSCHEDULED_KINDS)),
            )
            .order_by(ReviewLog.server_time.desc(), ReviewLog.id.desc())
            .limit(1)
            .execution_options(populate_existing=True)
        )
        if review is None:
            return None
        _restore(session, employee.id, review, now)
        review.undone_at = now
        forget_readiness(session, employee.id)
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
    store(row, srs.MemoryState.from_dict(review.state_before), now)
    row.revision += 1  # a card shown before the undo must not be answerable afterwards
    if review.kind == "review":
        row.last_rating = session.scalar(
            select(ReviewLog.rating)
            .where(
                ReviewLog.employee_id == employee_id,
                ReviewLog.item_id == review.item_id,
                ReviewLog.kind == "review",
                ReviewLog.undone_at.is_(None),
                ReviewLog.id != review.id,
            )
            .order_by(ReviewLog.server_time.desc(), ReviewLog.id.desc())
            .limit(1)
        )


# "我答对了" is a trust: an employee may overrule the grader to "right" this many times
# per study day (beyond that a trainer looks at the answer). Admitting a mistake
# ("我答错了") is never limited.
MAX_OVERRULES_PER_DAY = 5
# Staff pages count a hire's overrules over this window ("自行更正 N 次（近 30 天）").
OVERRULE_WINDOW = timedelta(days=30)


def overrules_to_right(
    session: Session, employee_ids: list[int], since: datetime
) -> dict[int, int]:
    """How many times each employee overruled the grader to "right" since `since`, by when
    they pressed the button (the replaced answer's undone_at), not when they had answered.
    Every press counts, also one later undone or overruled back. Employees without one
    are missing. One query."""
    if not employee_ids:
        return {}
    replaced = ReviewLog.__table__.alias("replaced")
    rows = session.execute(
        select(ReviewLog.employee_id, func.count())
        .join(replaced, replaced.c.replaced_by_id == ReviewLog.id)
        .where(
            ReviewLog.employee_id.in_(employee_ids),
            ReviewLog.overruled.is_(True),
            ReviewLog.correct.is_(True),
            replaced.c.undone_at >= since,
        )
        .group_by(ReviewLog.employee_id)
    )
    return {employee_id: count for employee_id, count in rows}


def overrules_left(session: Session, employee: Employee, now: datetime) -> int:
    """How many more times the employee may overrule the grader to "right" today (their
    job role's study day), from MAX_OVERRULES_PER_DAY down to 0. Reads only."""
    settings = role_settings(employee.job_role)
    start = srs.day_start(srs.study_day(now, settings), settings)  # as session.day_bounds
    used = overrules_to_right(session, [employee.id], start).get(employee.id, 0)
    return max(0, MAX_OVERRULES_PER_DAY - used)


def overrule(
    session: Session, employee: Employee, review_id: int, right: bool, now: datetime
) -> ReviewLog:
    """The employee says the grader was wrong about a typed answer: re-rate it (logged).
    To "right" at most MAX_OVERRULES_PER_DAY times a study day (429 beyond, nothing
    changed); to "wrong" always."""
    with write_transaction(session):
        _lock_employee(session, employee.id)
        # Fresh from the database: the view loaded it before the write lock was taken.
        review = session.get(ReviewLog, review_id, populate_existing=True)
        if review is None or review.employee_id != employee.id:
            raise StudyError(404, N_("找不到这次作答"))
        # Practice schedules nothing: there is no rating to overrule.
        if (
            review.undone_at is not None
            or review.proposed_rating is None
            or review.kind == "practice"
        ):
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
        # Counted under the write lock: two tabs cannot both take the last one.
        if right and overrules_left(session, employee, now) <= 0:
            raise StudyError(429, N_("今天“我答对了”的次数已用完，请找培训师复核这道题"))
        _restore(session, employee.id, review, now)
        before = srs.MemoryState.from_dict(review.state_before) if review.state_before else None
        after, _ = srs.apply_answer(
            before or srs.MemoryState.new(review.item_id, review.server_time),
            rating,
            review.server_time,
            role_settings(employee.job_role),
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
        store(row, after, now)
        row.revision += 1
        if review.kind == "review":
            row.last_rating = int(rating)
        replacement = ReviewLog(
            employee_id=employee.id,
            item_id=review.item_id,
            item_version=review.item_version,
            kind=review.kind,
            rating=int(rating),
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
        forget_readiness(session, employee.id)
    return replacement
