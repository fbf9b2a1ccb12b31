"""An exam's results as its staff see them: each attempt, each item, the summary, the
exports' rows, and the list of exams with their figures.

Scope (quizapp.exams.staff): HR and admins see every attempt; a trainer sees the exams
they created and HR's, and of either only their own trainees' attempts. Attempts past
their deadline are submitted first (quizapp.exams.taking.sweep_expired), so a page never
shows an abandoned attempt as still in progress.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from statistics import fmean

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ..i18n import N_
from ..models import Bank, Employee, Exam, ExamAnswer, ExamAttempt, Item, Section
from . import scoring
from .staff import as_local, exam_for, may_manage, require_staff, takers_in_scope, visible_exams

STATUS_LABELS = {
    "in_progress": N_("作答中"),
    "submitted": N_("已交卷"),
    "auto_submitted": N_("超时自动交卷"),
}
EXCERPT = 60
EXPORT_HEADER = (
    N_("工号"),
    N_("姓名"),
    N_("第几次"),
    N_("状态"),
    N_("开始时间"),
    N_("交卷时间"),
    N_("用时（秒）"),
    N_("得分"),
    N_("是否及格"),
    N_("待批改"),
    N_("预测得分"),
)


@dataclass(frozen=True)
class AttemptRow:
    attempt_id: int
    employee_id: int
    employee_no: str
    name: str
    number: int
    status: str
    started_at: datetime
    submitted_at: datetime | None
    seconds: int | None
    score: float | None  # 0–1, provisional while review_pending
    passed: bool | None
    review_pending: bool
    predicted_score: float | None  # readiness draws only

    @property
    def finished(self) -> bool:
        return self.status != "in_progress"


@dataclass(frozen=True)
class ItemResultRow:
    item_id: int
    position: int  # its first position on any paper
    question: str  # an excerpt
    type: str
    drawn: int  # finished attempts that drew it
    answered: int
    share_correct: float | None
    mean_score: float | None


@dataclass(frozen=True)
class Summary:
    takers: int  # people with any attempt
    finished: int  # people with a finished attempt
    passed: int  # people with a passed attempt
    pass_rate: float | None  # passed / finished
    mean_score: float | None  # over finished attempts
    pending_reviews: int  # 问答 answers awaiting a trainer
    mean_predicted: float | None  # readiness draws: over finished attempts with a prediction
    mean_actual: float | None


@dataclass(frozen=True)
class ExamResults:
    exam: Exam
    attempts: list[AttemptRow]
    items: list[ItemResultRow]
    summary: Summary


@dataclass(frozen=True)
class ExamListRow:
    exam: Exam
    takers: int
    pass_rate: float | None
    pending_reviews: int
    manageable: bool


def _sweep(session: Session, now: datetime) -> None:
    from .taking import sweep_expired

    sweep_expired(session, now)


def _mean(values: list[float]) -> float | None:
    return fmean(values) if values else None


def excerpt(text: str, limit: int = EXCERPT) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _attempt_rows(session: Session, actor: Employee, exam: Exam) -> list[AttemptRow]:
    found = session.execute(
        select(ExamAttempt, Employee.employee_no, Employee.name)
        .join(Employee, Employee.id == ExamAttempt.employee_id)
        .where(ExamAttempt.exam_id == exam.id, takers_in_scope(actor))
        .order_by(Employee.employee_no, ExamAttempt.number)
    ).all()
    return [
        AttemptRow(
            attempt_id=a.id,
            employee_id=a.employee_id,
            employee_no=number,
            name=name,
            number=a.number,
            status=a.status,
            started_at=a.started_at,
            submitted_at=a.submitted_at,
            seconds=scoring.seconds_taken(a.started_at, a.submitted_at, a.deadline_at),
            score=a.score if a.status != "in_progress" else None,
            passed=a.passed if a.status != "in_progress" else None,
            review_pending=a.review_pending,
            predicted_score=a.predicted_score if exam.draw == "readiness" else None,
        )
        for a, number, name in found
    ]


def _item_rows(session: Session, finished_ids: list[int]) -> tuple[list[ItemResultRow], int]:
    """Per item over the finished attempts, and how many answers await review."""
    if not finished_ids:
        return [], 0
    found = session.execute(
        select(
            ExamAnswer.item_id,
            ExamAnswer.position,
            ExamAnswer.answer,
            ExamAnswer.correct,
            ExamAnswer.auto_score,
            ExamAnswer.final_score,
            ExamAnswer.review_status,
            Item.question,
            Item.type,
        )
        .join(Item, Item.id == ExamAnswer.item_id)
        .where(ExamAnswer.attempt_id.in_(finished_ids))
        .order_by(ExamAnswer.position, ExamAnswer.item_id)
    ).all()
    groups: dict[int, list] = defaultdict(list)
    for row in found:
        groups[row.item_id].append(row)
    pending = sum(1 for row in found if row.review_status == "pending")
    rows = []
    for item_id, answers in groups.items():
        first = answers[0]
        scores = [
            a.final_score if a.final_score is not None else (a.auto_score or 0.0) for a in answers
        ]
        rows.append(
            ItemResultRow(
                item_id=item_id,
                position=first.position,
                question=excerpt(first.question),
                type=first.type,
                drawn=len(answers),
                answered=sum(1 for a in answers if scoring.answered(a.answer)),
                share_correct=sum(1 for a in answers if a.correct) / len(answers),
                mean_score=_mean(scores),
            )
        )
    rows.sort(key=lambda r: (r.position, r.item_id))
    return rows, pending


def _summary(attempts: list[AttemptRow], pending: int) -> Summary:
    finished = [a for a in attempts if a.finished]
    people_finished = {a.employee_id for a in finished}
    people_passed = {a.employee_id for a in finished if a.passed}
    predicted = [a for a in finished if a.predicted_score is not None and a.score is not None]
    return Summary(
        takers=len({a.employee_id for a in attempts}),
        finished=len(people_finished),
        passed=len(people_passed),
        pass_rate=len(people_passed) / len(people_finished) if people_finished else None,
        mean_score=_mean([a.score for a in finished if a.score is not None]),
        pending_reviews=pending,
        mean_predicted=_mean([a.predicted_score for a in predicted]),
        mean_actual=_mean([a.score for a in predicted]),
    )


def exam_results(session: Session, actor: Employee, exam_id: int, now: datetime) -> ExamResults:
    """The attempts the actor may see, per-item results over their finished attempts, and
    the summary. ExamError 404 for an exam outside the actor's view."""
    require_staff(actor)
    _sweep(session, now)
    exam = exam_for(session, actor, exam_id)
    attempts = _attempt_rows(session, actor, exam)
    items, pending = _item_rows(session, [a.attempt_id for a in attempts if a.finished])
    return ExamResults(exam, attempts, items, _summary(attempts, pending))


def local_text(value: datetime | None) -> str | None:
    """A stored time as Shanghai time, "YYYY-MM-DD HH:MM" (None stays None)."""
    local = as_local(value)
    return None if local is None else local.strftime("%Y-%m-%d %H:%M")


def export_rows(results: ExamResults, status_label=str, yes_no=None) -> list[list[object]]:
    """One row per attempt in EXPORT_HEADER's order: times in Shanghai, score 0–1."""
    rows = []
    for a in results.attempts:
        rows.append(
            [
                a.employee_no,
                a.name,
                a.number,
                status_label(STATUS_LABELS[a.status]),
                local_text(a.started_at),
                local_text(a.submitted_at),
                a.seconds,
                None if a.score is None else round(a.score, 4),
                a.passed if yes_no is None or a.passed is None else yes_no(a.passed),
                a.review_pending if yes_no is None else yes_no(a.review_pending),
                None if a.predicted_score is None else round(a.predicted_score, 4),
            ]
        )
    return rows


def exam_list(session: Session, actor: Employee, now: datetime) -> list[ExamListRow]:
    """The exams the actor sees, newest first (archived last), with their takers, pass
    rate and pending reviews among the attempts the actor sees."""
    require_staff(actor)
    _sweep(session, now)
    exams = session.scalars(
        select(Exam)
        .where(visible_exams(actor))
        .order_by(Exam.archived_at.is_not(None), Exam.created_at.desc(), Exam.id.desc())
    ).all()
    ids = [exam.id for exam in exams]
    people: dict[int, set[int]] = defaultdict(set)
    finished: dict[int, set[int]] = defaultdict(set)
    passed: dict[int, set[int]] = defaultdict(set)
    pending: dict[int, int] = {}
    if ids:
        attempts = session.execute(
            select(
                ExamAttempt.exam_id, ExamAttempt.employee_id, ExamAttempt.status, ExamAttempt.passed
            )  # fmt: skip
            .join(Employee, Employee.id == ExamAttempt.employee_id)
            .where(ExamAttempt.exam_id.in_(ids), takers_in_scope(actor))
        ).all()
        for exam_id, employee_id, status, did_pass in attempts:
            people[exam_id].add(employee_id)
            if status != "in_progress":
                finished[exam_id].add(employee_id)
                if did_pass:
                    passed[exam_id].add(employee_id)
        pending = dict(
            session.execute(
                select(ExamAttempt.exam_id, func.count(ExamAnswer.id))
                .join(ExamAttempt, ExamAttempt.id == ExamAnswer.attempt_id)
                .join(Employee, Employee.id == ExamAttempt.employee_id)
                .where(
                    ExamAttempt.exam_id.in_(ids),
                    ExamAnswer.review_status == "pending",
                    takers_in_scope(actor),
                )
                .group_by(ExamAttempt.exam_id)
            ).all()
        )
    return [
        ExamListRow(
            exam=exam,
            takers=len(people[exam.id]),
            pass_rate=len(passed[exam.id]) / len(finished[exam.id]) if finished[exam.id] else None,
            pending_reviews=pending.get(exam.id, 0),
            manageable=may_manage(actor, exam),
        )
        for exam in exams
    ]


def items_for_review(session: Session, item_ids: set[int]) -> dict[int, Item]:
    """The items of the review queue with their key points, in one query."""
    if not item_ids:
        return {}
    items = session.scalars(
        select(Item).where(Item.id.in_(item_ids)).options(selectinload(Item.key_points))
    ).all()
    return {item.id: item for item in items}


@dataclass(frozen=True)
class SourceItem:
    id: int
    type: str
    question: str  # an excerpt


@dataclass(frozen=True)
class SourceSection:
    id: int
    title: str
    items: list[SourceItem]


@dataclass(frozen=True)
class SourceBank:
    id: int
    title: str
    sections: list[SourceSection]


def source_tree(session: Session) -> list[SourceBank]:
    """Every bank with its live sections and their live items (the exam form's sources,
    quotas and fixed items), in the banks' order: one query."""
    found = session.execute(
        select(Bank.id, Bank.title, Section.id, Section.title, Item.id, Item.type, Item.question)
        .join(Section, Section.bank_id == Bank.id)
        .join(Item, Item.section_id == Section.id)
        .where(Section.retired_at.is_(None), Item.retired_at.is_(None))
        .order_by(Bank.title, Bank.id, Section.position, Item.position)
    ).all()
    banks: dict[int, SourceBank] = {}
    sections: dict[int, SourceSection] = {}
    for bank_id, bank_title, section_id, section_title, item_id, kind, question in found:
        if bank_id not in banks:
            banks[bank_id] = SourceBank(bank_id, bank_title, [])
        if section_id not in sections:
            sections[section_id] = SourceSection(section_id, section_title, [])
            banks[bank_id].sections.append(sections[section_id])
        sections[section_id].items.append(SourceItem(item_id, kind, excerpt(question)))
    return list(banks.values())
