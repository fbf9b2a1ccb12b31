"""Sitting an exam: which exams reach a person, starting an attempt (race-free), saving
answers against a server-side deadline, submitting (idempotent) and the sweep that
submits abandoned attempts. docs/exams.md describes the rules.

Every write runs in `write_transaction` with the person's row locked (PostgreSQL; SQLite
holds its write lock), so a person's starts, saves and submits happen one at a time;
the unique constraints of ExamAttempt are the last line of defence.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import srs
from ..assignments import audience
from ..database import write_transaction
from ..facts.service import hidden_for
from ..i18n import N_
from ..models import (
    Employee,
    Exam,
    ExamAnswer,
    ExamAttempt,
    MemoryState,
    ReviewLog,
    Section,
)
from ..questions import QUESTION_TYPES, AnswerError, Graded, question_type
from ..study.answers import _lock_employee, _record
from ..study.curriculum import role_settings
from ..study.items import ItemView, load_item, load_items
from ..study.memory import to_srs
from ..study.readiness_cache import forget as forget_standing
from ..study.session import Ticket
from . import draw as drawing
from . import scoring
from .candidates import live_items
from .errors import ExamError, StaleAnswer
from .scoring import (  # noqa: F401 - part of this module's interface
    GRACE,
    GRACE_SECONDS,
    IN_PROGRESS,
    ExamListing,
    can_reveal,
    expired,
    remaining_seconds,
    window_state,
)

STALE = N_("这道题已在另一个页面保存了较新的答案，本页的答案没有覆盖它")


# -- which exams reach a person ---------------------------------------------------------


def exams_for(session: Session, person: Employee, now: datetime) -> list[ExamListing]:
    """The exams that reach the person, open ones first (an attempt in progress first of
    all), then those not yet open, then closed ones; with their own attempts."""
    missing, params = audience.person_parameters(person)
    exams = session.scalars(audience.exams_reaching(missing, False), params).all()
    if not exams:
        return []
    attempts = session.scalars(
        select(ExamAttempt)
        .where(
            ExamAttempt.employee_id == person.id,
            ExamAttempt.exam_id.in_([exam.id for exam in exams]),
        )
        .order_by(ExamAttempt.number)
    ).all()
    listings = [
        ExamListing(exam, window_state(exam, now), [a for a in attempts if a.exam_id == exam.id])
        for exam in exams
    ]
    order = {"open": 0, "not_yet": 1, "closed": 2}
    far = datetime.max.replace(tzinfo=now.tzinfo)
    return sorted(
        listings,
        key=lambda x: (
            x.in_progress is None,
            order[x.state],
            x.exam.closes_at or far if x.state != "closed" else far,
            -x.exam.id,
        ),
    )


def exam_for(session: Session, person: Employee, exam_id: int) -> Exam:
    """An exam that reaches the person; 404 for any other (it is not theirs to know of)."""
    missing, params = audience.person_parameters(person)
    exam = session.scalar(audience.exams_reaching(missing, True), {**params, "exam_id": exam_id})
    if exam is None:
        raise ExamError(404, N_("找不到这场考试"))
    return exam


def listing(session: Session, person: Employee, exam_id: int, now: datetime) -> ExamListing:
    """One exam the person may see, with their attempts."""
    exam = exam_for(session, person, exam_id)
    return ExamListing(exam, window_state(exam, now), _attempts(session, person.id, exam.id))


def own_attempt(session: Session, person: Employee, attempt_id: int) -> ExamAttempt:
    """The person's own attempt; 404 for anyone else's."""
    attempt = session.get(ExamAttempt, attempt_id)
    if attempt is None or attempt.employee_id != person.id:
        raise ExamError(404, N_("找不到这次考试记录"))
    return attempt


def _attempts(session: Session, employee_id: int, exam_id: int) -> list[ExamAttempt]:
    return list(
        session.scalars(
            select(ExamAttempt)
            .where(ExamAttempt.employee_id == employee_id, ExamAttempt.exam_id == exam_id)
            .order_by(ExamAttempt.number)
            .execution_options(populate_existing=True)
        )
    )


# -- starting ---------------------------------------------------------------------------


def start_attempt(
    session: Session,
    person: Employee,
    exam_id: int,
    now: datetime,
    rng: random.Random | None = None,
) -> ExamAttempt:
    """The person's attempt in progress (a double tap or a second tab gets the same one),
    or a new one with a freshly drawn paper. ExamError outside the window, with no
    attempts left, or when the paper cannot be drawn; nothing is written then."""
    exam = exam_for(session, person, exam_id)
    rng = rng or random.SystemRandom()
    person_id = person.id
    # The paper is drawn before the write lock is taken: the draw reads every candidate
    # item, and on SQLite the lock is the whole database's, so a class starting together
    # would otherwise queue behind each other's draws. Everything is checked again under
    # the lock; a paper drawn for a start that loses there is simply not used.
    paper = None
    attempts = _attempts(session, person_id, exam.id)
    current = next((a for a in attempts if a.status == IN_PROGRESS), None)
    if current is None or expired(current, now):
        _may_start(exam, attempts, now)
        paper = _draw_paper(session, person, exam, now, rng)
    try:
        with write_transaction(session):
            _lock_employee(session, person_id)
            attempts = _attempts(session, person_id, exam.id)
            current = next((a for a in attempts if a.status == IN_PROGRESS), None)
            if current is not None:
                if not expired(current, now):
                    return current
                _finish(session, current, now, auto=True)
            _may_start(exam, attempts, now)
            if paper is None:  # the attempt seen before the lock ended meanwhile
                paper = _draw_paper(session, person, exam, now, rng)
            attempt = _new_attempt(session, person, exam, attempts, now, rng, paper)
    except IntegrityError:
        # Another request of the same person won (only without the row lock): theirs.
        winner = session.scalar(
            select(ExamAttempt).where(
                ExamAttempt.employee_id == person_id,
                ExamAttempt.exam_id == exam.id,
                ExamAttempt.status == IN_PROGRESS,
            )
        )
        if winner is None:
            raise ExamError(409, N_("这场考试刚刚在另一个页面开始或交卷了，请刷新")) from None
        return winner
    return attempt


def _may_start(exam: Exam, attempts: list[ExamAttempt], now: datetime) -> None:
    """ExamError unless a new attempt may start now (window open, attempts left)."""
    state = window_state(exam, now)
    if state == "not_yet":
        raise ExamError(409, N_("这场考试还没有开始"))
    if state == "closed":
        raise ExamError(409, N_("这场考试已经结束"))
    if len(attempts) >= exam.attempts_allowed:
        raise ExamError(
            409, N_("这场考试的 %(allowed)s 次机会已经用完"), allowed=exam.attempts_allowed
        )


def _new_attempt(session, person, exam, attempts, now, rng, paper) -> ExamAttempt:
    deadlines = [now + timedelta(seconds=exam.time_limit_s)] if exam.time_limit_s else []
    if exam.closes_at is not None:
        deadlines.append(exam.closes_at)
    attempt = ExamAttempt(
        exam_id=exam.id,
        employee_id=person.id,
        number=max((a.number for a in attempts), default=0) + 1,
        status=IN_PROGRESS,
        open_slot=1,
        started_at=now,
        deadline_at=min(deadlines) if deadlines else None,
    )
    recalls = []
    for position, (item, recall) in enumerate(paper, 1):
        attempt.answers.append(
            ExamAnswer(
                position=position,
                item_id=item.id,
                item_version=item.version,
                choice_order=drawing.option_order(len(item.choices), exam.shuffle_options, rng),
                predicted_recall=recall,
                revision=0,
            )
        )
        recalls.append(recall)
    attempt.predicted_score = drawing.mean_recall(recalls)
    session.add(attempt)
    session.flush()
    return attempt


def _draw_paper(session, person, exam, now, rng) -> list[tuple[ItemView, float]]:
    if exam.draw == "fixed":
        fixed = [link.item_id for link in exam.fixed_items]
        wanted = set(fixed)
        pool = [row for row in live_items(session) if row.item_id in wanted]
    else:
        fixed = []
        banks = {s.bank_id for s in exam.sources if s.bank_id is not None}
        sections = {s.section_id for s in exam.sources if s.section_id is not None}
        pool = [
            row for row in live_items(session) if row.bank_id in banks or row.section_id in sections
        ]
    # Never an item hidden from the person's site for want of a company fact.
    hidden = hidden_for(session, person.site_id)
    rows = [(row.item_id, row.section_id, row.type) for row in pool if row.item_id not in hidden]
    # Only a "readiness" draw picks by recall: the others need the recall of the items
    # drawn only (kept with the paper), not of every candidate.
    by_recall = exam.draw == "readiness"
    recall = _recalls(session, person, [row[0] for row in rows], now) if by_recall else {}
    candidates = [
        drawing.Candidate(item_id, section_id, kind, recall.get(item_id, 0.0))
        for item_id, section_id, kind in rows
    ]
    quotas = [drawing.Quota(q.count, q.section_id, q.type) for q in exam.quotas]
    section_ids = [q.section_id for q in quotas if q.section_id is not None]
    names = (
        dict(
            session.execute(
                select(Section.id, Section.title).where(Section.id.in_(section_ids))
            ).all()
        )
        if section_ids
        else {}
    )
    try:
        ids = drawing.draw(
            candidates,
            quotas,
            exam.draw,
            rng,
            fixed,
            names,
            {name: kind.label for name, kind in QUESTION_TYPES.items()},
        )
    except drawing.DrawError as error:
        raise ExamError(409, error.template, **error.params) from error
    if not by_recall:
        recall = _recalls(session, person, ids, now)
    views = load_items(session, ids, person.site_id)
    return [(views[item_id], recall.get(item_id, 0.0)) for item_id in ids]


def _recalls(session, person, item_ids, now) -> dict[int, float]:
    """Each item's predicted recall for the person now (items never studied: absent)."""
    if not item_ids:
        return {}
    settings = role_settings(person.job_role)
    rows = session.scalars(
        select(MemoryState).where(
            MemoryState.employee_id == person.id, MemoryState.item_id.in_(item_ids)
        )
    )
    return {row.item_id: srs.predict_recall(to_srs(row), now, settings) for row in rows}


# -- answering --------------------------------------------------------------------------


def save_answer(
    session: Session,
    person: Employee,
    attempt_id: int,
    position: int,
    answer: dict,
    revision: int,
    now: datetime,
) -> ExamAnswer:
    """Save (and grade) one answer as given, if the page saw the answer's current
    revision (else StaleAnswer, nothing overwritten). A save after the deadline and its
    grace is refused (409) and submits the attempt."""
    if answer.get("self_rating"):
        raise ExamError(400, N_("考试中不能自评，请写出你的回答"))
    row = _answer_row(session, own_attempt(session, person, attempt_id), position)
    item = load_item(session, row.item_id, person.site_id)
    graded = _grade(item, answer)  # before the lock: grading typed text takes a while
    late = False
    with write_transaction(session):
        _lock_employee(session, person.id)
        attempt = session.get(ExamAttempt, attempt_id, populate_existing=True)
        if attempt.status != IN_PROGRESS:
            raise ExamError(409, N_("这次考试已经交卷，答案不能再修改"))
        if expired(attempt, now):
            _finish(session, attempt, now, auto=True)
            late = True
        else:
            row = session.get(ExamAnswer, row.id, populate_existing=True)
            if row.revision != revision:
                raise StaleAnswer(STALE, row.answer, row.revision)
            row.answer = answer
            row.revision += 1
            row.saved_at = now
            _apply_grade(row, item, graded, answer)
    if late:
        raise ExamError(409, N_("时间已到，这次考试已自动交卷，这个答案没有保存"))
    return row


def _answer_row(session: Session, attempt: ExamAttempt, position: int) -> ExamAnswer:
    row = session.scalar(
        select(ExamAnswer).where(
            ExamAnswer.attempt_id == attempt.id, ExamAnswer.position == position
        )
    )
    if row is None:
        raise ExamError(404, N_("这份试卷没有第 %(position)s 题"), position=position)
    return row


def _grade(item: ItemView, answer: dict) -> Graded | None:
    if not scoring.answered(answer):
        return None
    try:
        return question_type(item.type).grade(item, answer, None)
    except AnswerError as error:
        raise ExamError(400, error.template, **error.params) from error


def _apply_grade(row: ExamAnswer, item: ItemView, graded: Graded | None, answer: dict) -> None:
    if graded is None:
        row.auto_score = row.correct = row.rating = row.key_points_hit = None
        return
    row.correct = graded.correct
    row.rating = int(graded.rating)
    row.key_points_hit = graded.hits
    if question_type(item.type).self_rated:  # 问答: key-point coverage
        row.auto_score = scoring.coverage_score(graded.hits, graded.detail.get("coverage"))
    else:
        row.auto_score = scoring.objective_score(graded.correct)


# -- submitting -------------------------------------------------------------------------


def submit_attempt(
    session: Session, person: Employee, attempt_id: int, now: datetime, auto: bool = False
) -> ExamAttempt:
    """Hand the attempt in (again: nothing changes). At or after the deadline (the
    page's countdown reached zero), or `auto`, it counts as auto-submitted."""
    own_attempt(session, person, attempt_id)
    with write_transaction(session):
        _lock_employee(session, person.id)
        attempt = session.get(ExamAttempt, attempt_id, populate_existing=True)
        if attempt.status == IN_PROGRESS:
            out_of_time = attempt.deadline_at is not None and now >= attempt.deadline_at
            _finish(session, attempt, now, auto=auto or out_of_time)
    return attempt


def sweep_expired(session: Session, now: datetime) -> int:
    """Auto-submit every attempt in progress past its deadline and the grace period; how
    many. Each in its own short transaction."""
    due = session.execute(
        select(ExamAttempt.id, ExamAttempt.employee_id).where(
            ExamAttempt.deadline_at < now - GRACE, ExamAttempt.status == IN_PROGRESS
        )
    ).all()
    session.commit()  # end the read: nothing was written
    done = 0
    for attempt_id, employee_id in due:
        with write_transaction(session):
            _lock_employee(session, employee_id)
            attempt = session.get(ExamAttempt, attempt_id, populate_existing=True)
            if attempt is not None and attempt.status == IN_PROGRESS and expired(attempt, now):
                _finish(session, attempt, now, auto=True)
                done += 1
    return done


def _finish(session: Session, attempt: ExamAttempt, now: datetime, auto: bool) -> None:
    """Close the attempt, score it, and count its answers as reviews (once each)."""
    attempt.status = "auto_submitted" if auto else "submitted"
    attempt.open_slot = None
    attempt.submitted_at = now
    employee = session.get(Employee, attempt.employee_id)
    settings = role_settings(employee.job_role)
    rows = session.scalars(
        select(ExamAnswer)
        .where(ExamAnswer.attempt_id == attempt.id)
        .order_by(ExamAnswer.position)
        .execution_options(populate_existing=True)
    ).all()
    for row in rows:
        item = load_item(session, row.item_id, employee.site_id)
        if not scoring.answered(row.answer) or row.rating is None:
            row.auto_score = row.final_score = 0.0
            row.correct = False
            row.review_status = "none"
            continue
        if question_type(item.type).self_rated:
            row.review_status = "pending"
            row.final_score = None
        else:
            row.review_status = "none"
            row.final_score = row.auto_score
        if row.review_log_id is None:
            row.review_log_id = _count_as_review(session, attempt, row, item, settings, now)
    rescore(attempt, rows)
    forget_standing(session, attempt.employee_id)


def rescore(attempt: ExamAttempt, rows: list[ExamAnswer]) -> None:
    """The attempt's score, verdict and review flag from its answers."""
    result = scoring.outcome(
        [
            scoring.ItemResult(
                row.final_score if row.final_score is not None else row.auto_score,
                pending=row.review_status == "pending",
            )
            for row in rows
        ],
        attempt.exam.pass_mark,
    )
    attempt.score = result.score
    attempt.passed = result.passed
    attempt.review_pending = result.pending


def _count_as_review(session, attempt, row, item, settings, now) -> int:
    """One review-log entry and memory-state change for an answered exam item, at the
    submit time; a second call for the same answer finds the first entry."""
    key = f"exam:{attempt.id}:{row.position}"
    existing = session.scalar(
        select(ReviewLog.id).where(
            ReviewLog.employee_id == attempt.employee_id, ReviewLog.idempotency_key == key
        )
    )
    if existing is not None:
        return existing
    session.flush()
    revision = session.scalar(
        select(func.coalesce(func.max(MemoryState.revision), 0)).where(
            MemoryState.employee_id == attempt.employee_id, MemoryState.item_id == item.id
        )
    )
    ticket = Ticket(attempt.employee_id, item.id, revision, item.version, now.timestamp())
    graded = Graded(bool(row.correct), srs.Rating(row.rating), hits=row.key_points_hit)
    review = _record(
        session.connection(),
        attempt.employee_id,
        ticket,
        graded,
        settings,
        dict(row.answer or {}),
        key,
        now,
        None,
        0,
    )
    return review.id
