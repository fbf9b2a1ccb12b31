"""Study: today's session, presenting cards, answering (idempotent, serialised), undo,
overrule, content changes, progress.

Plain functions over a session, the employee and an injected `now`; no request objects.
The pure parts are quizapp.srs (scheduling) and quizapp.grading (grading).
"""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from .. import grading, srs
from ..database import write_transaction
from ..i18n import N_
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

RATING_NAMES = {srs.AGAIN: "again", srs.HARD: "hard", srs.GOOD: "good", srs.EASY: "easy"}


class StudyError(Exception):
    """An answer that cannot be taken; `status` is the HTTP status the view answers with."""

    def __init__(self, status: int, template: str, **params: object) -> None:
        self.status = status
        self.template = template
        self.params = params
        super().__init__(template % params if params else template)


# -- what the employee must learn -----------------------------------------------------


def role_settings(job_role: JobRole | None) -> srs.RoleSettings:
    if job_role is None:
        return srs.DEFAULT_SETTINGS
    return srs.RoleSettings(
        desired_retention=job_role.desired_retention,
        daily_new_cap=job_role.daily_new_cap,
        session_minutes=job_role.session_minutes,
        day_boundary_hour=job_role.day_boundary_hour,
        timezone=job_role.timezone,
    )


def required_items(session: Session, employee: Employee) -> dict[int, bool]:
    """The live items of the sections tagged with the employee's job role: id → red line."""
    if employee.job_role_id is None:
        return {}
    rows = session.execute(
        select(Item.id, Item.red_line)
        .join(Section, Section.id == Item.section_id)
        .join(SectionRole, SectionRole.section_id == Section.id)
        .where(
            SectionRole.job_role_id == employee.job_role_id,
            Item.retired_at.is_(None),
            Section.retired_at.is_(None),
        )
        .order_by(Section.bank_id, Item.position)
    )
    return {item_id: red for item_id, red in rows}


def load_item(session: Session, item_id: int) -> Item | None:
    """An item with its options and key points, in one query (an item has one or the
    other, so the join multiplies nothing)."""
    return (
        session.scalars(
            select(Item)
            .where(Item.id == item_id)
            .options(joinedload(Item.choices), joinedload(Item.key_points), joinedload(Item.bank))
        )
        .unique()
        .one_or_none()
    )


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


def _store(row: MemoryState, state: srs.MemoryState, now: datetime) -> None:
    row.state = state.state
    row.step = state.step
    row.stability = state.stability
    row.difficulty = state.difficulty
    row.due = state.due
    row.last_review = state.last_review
    row.reps = state.reps
    row.lapses = state.lapses
    row.updated_at = now


def load_states(session: Session, employee_id: int) -> dict[int, srs.MemoryState]:
    """The employee's memory states as scheduler values (columns only: no ORM objects)."""
    rows = session.execute(
        select(
            MemoryState.item_id,
            MemoryState.state,
            MemoryState.step,
            MemoryState.stability,
            MemoryState.difficulty,
            MemoryState.due,
            MemoryState.last_review,
            MemoryState.reps,
            MemoryState.lapses,
        ).where(MemoryState.employee_id == employee_id)
    )
    return {row.item_id: srs.MemoryState(*row) for row in rows}


def _day_bounds(now: datetime, settings: srs.RoleSettings) -> tuple[date, datetime]:
    today = srs.study_day(now, settings)
    return today, srs.day_start(today, settings)


def introduced_today(session: Session, employee_id: int, since: datetime) -> int:
    """New items first answered since the start of today's study day."""
    first_reviews = (
        select(ReviewLog.item_id, func.min(ReviewLog.server_time).label("first"))
        .where(
            ReviewLog.employee_id == employee_id,
            ReviewLog.kind == "review",
            ReviewLog.undone_at.is_(None),
        )
        .group_by(ReviewLog.item_id)
        .subquery()
    )
    return (
        session.scalar(
            select(func.count()).select_from(first_reviews).where(first_reviews.c.first >= since)
        )
        or 0
    )


def today_plan(
    session: Session,
    employee: Employee,
    now: datetime,
    more: bool = False,
    required: dict[int, bool] | None = None,
) -> srs.SessionPlan:
    settings = role_settings(employee.job_role)
    if required is None:
        required = required_items(session, employee)
    states = {i: state for i, state in load_states(session, employee.id).items() if i in required}
    _today, start = _day_bounds(now, settings)
    return srs.plan_session(
        states,
        list(required),
        [item_id for item_id, red in required.items() if red],
        now,
        settings,
        go_live=employee.go_live_date,
        already_introduced_today=introduced_today(session, employee.id, start),
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
    item: Item
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
    required: dict[int, bool] | None = None,
) -> Card:
    """The card for one item, with a fresh ticket (options shuffled for this showing)."""
    if required is None:
        required = required_items(session, employee)
    if item_id not in required:
        raise StudyError(404, N_("这道题不在你的学习内容中"))
    item = load_item(session, item_id)
    row = session.scalar(
        select(MemoryState).where(
            MemoryState.employee_id == employee.id, MemoryState.item_id == item_id
        )
    )
    order = list(range(len(item.choices)))
    random.SystemRandom().shuffle(order)
    ticket = Ticket(
        employee.id,
        item_id,
        row.revision if row else 0,
        item.version,
        now.timestamp(),
        tuple(order),
        retry,
    )
    card = Card(item, ticket, is_new=row is None, red_line=required[item_id])
    if row is not None and row.changed_from_version:
        card.changes = content_changes(session, item, row.changed_from_version)
    if item.type == "qa":
        card.intervals = next_intervals(
            to_srs(row) if row else None, item_id, now, role_settings(employee.job_role)
        )
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


def content_changes(session: Session, item: Item, old_version: int) -> dict | None:
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
    session.execute(select(Employee.id).where(Employee.id == employee_id).with_for_update())


@dataclass(frozen=True)
class Graded:
    correct: bool
    rating: int
    proposed: int | None
    hits: list[bool] | None
    detail: dict


def grade(item: Item, bank_synonyms: list, answer: dict, response_ms: int | None) -> Graded:
    """Grade an answer to an item; `answer` holds what the form sent for its type."""
    synonyms = [*bank_synonyms, *item.synonyms]
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
    required: dict[int, bool] | None = None,
    item: Item | None = None,
) -> ReviewLog:
    """Record one answer exactly once, as in the IETF Idempotency-Key draft: a repeat of
    a completed request returns its stored review; a repeat while the first is still
    running is 409; the same key with another answer is 422; no key is 400."""
    if not key or len(key) > 100:
        raise StudyError(400, N_("缺少请求编号（Idempotency-Key）"))
    if ticket.employee_id != employee.id:
        raise StudyError(403, N_("这张卡片不是你的"))
    if required is None:
        required = required_items(session, employee)
    if ticket.item_id not in required:
        raise StudyError(404, N_("这道题不在你的学习内容中"))
    request_hash = _request_hash(ticket, answer)
    # Grading (jieba and friends for typed answers) runs before the write lock is taken.
    item = load_item(session, ticket.item_id) if item is None else item
    bank_synonyms = item.bank.synonyms or []
    response_ms = max(0, int((now.timestamp() - ticket.shown_at) * 1000))
    graded = grade(item, bank_synonyms, answer, response_ms)
    settings = role_settings(employee.job_role)
    employee_id = employee.id
    with write_transaction(session):
        # Every answer of one employee is serialised from here on (the SQLite write lock,
        # or PostgreSQL's row lock), so checking the key and then inserting it is safe.
        _lock_employee(session, employee_id)
        record = session.scalar(
            select(IdempotencyRecord).where(
                IdempotencyRecord.employee_id == employee_id, IdempotencyRecord.key == key
            )
        )
        if record is not None:
            if record.request_hash != request_hash:
                raise StudyError(422, N_("这个请求编号已用于另一个答案"))
            if record.status != "done" or record.review_id is None:
                raise StudyError(409, N_("这个答案正在提交，请稍候"))
            return session.get(ReviewLog, record.review_id)
        review = _record(
            session,
            employee_id,
            item,
            ticket,
            graded,
            settings,
            answer,
            key,
            now,
            client_time,
            response_ms,
        )
        # Written complete in the same transaction as the review: nobody can see it
        # half-done, so it is never "running" here (a record left running by an older
        # process still answers 409 above).
        session.add(
            IdempotencyRecord(
                employee_id=employee_id,
                key=key,
                request_hash=request_hash,
                status="done",
                review_id=review.id,
                created_at=now,
            )
        )
    return review


def _record(
    session: Session,
    employee_id: int,
    item: Item,
    ticket: Ticket,
    graded: Graded,
    settings: srs.RoleSettings,
    answer: dict,
    key: str,
    now: datetime,
    client_time: datetime | None,
    response_ms: int,
) -> ReviewLog:
    row = session.scalar(
        select(MemoryState)
        .where(MemoryState.employee_id == employee_id, MemoryState.item_id == ticket.item_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if (row.revision if row else 0) != ticket.revision:
        raise StudyError(409, N_("这道题已经在别处作答（可能是另一个窗口），请刷新"))
    version = session.scalar(select(Item.version).where(Item.id == ticket.item_id))
    if version != ticket.item_version:
        raise StudyError(409, N_("题目内容刚刚更新，请刷新后重新作答"))
    before = to_srs(row) if row else None
    after, _review = srs.apply_answer(
        before or srs.MemoryState.new(ticket.item_id, now),
        graded.rating,
        now,
        settings,
        item_version=version,
        is_retry=ticket.retry,
        duration_ms=response_ms,
    )
    if row is None:
        row = MemoryState(employee_id=employee_id, item_id=ticket.item_id, revision=0)
        session.add(row)
    _store(row, after, now)
    row.revision += 1
    row.changed_from_version = None
    review = ReviewLog(
        employee_id=employee_id,
        item_id=ticket.item_id,
        item_version=version,
        kind="retry" if ticket.retry else "review",
        rating=graded.rating,
        proposed_rating=graded.proposed,
        answer={**answer, "detail": graded.detail},
        key_points_hit=graded.hits,
        correct=graded.correct,
        response_ms=response_ms,
        server_time=now,
        client_time=client_time,
        idempotency_key=key,
        state_before=before.to_dict() if before else None,
        state_after=after.to_dict(),
    )
    session.add(review)
    session.flush()
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


def answered_today(session: Session, employee: Employee, now: datetime) -> int:
    """How many answers the employee gave today (for the progress bar)."""
    _today, start = _day_bounds(now, role_settings(employee.job_role))
    return (
        session.scalar(
            select(func.count())
            .select_from(ReviewLog)
            .where(
                ReviewLog.employee_id == employee.id,
                ReviewLog.server_time >= start,
                ReviewLog.undone_at.is_(None),
                ReviewLog.kind == "review",
            )
        )
        or 0
    )


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


@dataclass(frozen=True)
class SectionProgress:
    title: str
    total: int
    learned: int
    recall: float


@dataclass(frozen=True)
class Progress:
    total: int
    learned: int
    sections: list[SectionProgress]
    streak: int
    per_day: list[tuple[date, int]]
    go_live: date | None


def progress(session: Session, employee: Employee, now: datetime, days: int = 14) -> Progress:
    settings = role_settings(employee.job_role)
    required = required_items(session, employee)
    states = {i: state for i, state in load_states(session, employee.id).items() if i in required}
    sections: dict[int, tuple[str, list[int]]] = {}
    if required:
        rows = session.execute(
            select(Item.id, Section.id, Section.title)
            .join(Section, Section.id == Item.section_id)
            .where(Item.id.in_(list(required)))
        )
        for item_id, section_id, title in rows:
            sections.setdefault(section_id, (title, []))[1].append(item_id)
    by_section = []
    for title, ids in sections.values():
        recalls = [
            srs.predict_recall(states[i], now, settings) if i in states else 0.0 for i in ids
        ]
        learned = sum(1 for i in ids if i in states and states[i].state == srs.REVIEW)
        by_section.append(SectionProgress(title, len(ids), learned, sum(recalls) / len(recalls)))
    today, _start = _day_bounds(now, settings)
    # The streak may reach further back than the chart: read up to 90 days.
    since = srs.day_start(today - timedelta(days=max(days, 90) - 1), settings)
    times = session.scalars(
        select(ReviewLog.server_time).where(
            ReviewLog.employee_id == employee.id,
            ReviewLog.server_time >= since,
            ReviewLog.undone_at.is_(None),
            ReviewLog.kind == "review",
        )
    ).all()
    counts = Counter(srs.study_day(t, settings) for t in times)
    per_day = [
        (today - timedelta(days=n), counts.get(today - timedelta(days=n), 0))
        for n in reversed(range(days))
    ]
    streak = 0
    day = today if counts.get(today) else today - timedelta(days=1)
    while counts.get(day):
        streak += 1
        day -= timedelta(days=1)
    return Progress(
        total=len(required),
        learned=sum(s.learned for s in by_section),
        sections=by_section,
        streak=streak,
        per_day=per_day,
        go_live=employee.go_live_date,
    )
