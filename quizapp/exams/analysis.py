"""Item analysis, read side: which questions are too hard, which separate strong from
weak employees the wrong way, which items hires keep forgetting, and what people actually
answered. The figures are defined in quizapp.exams.stats (pure); this module reads the
rows in a fixed number of queries (no query per item or per person) and hands them over.

Whose data: the hires (active people with the employee access role, as
quizapp.study.standing.hires) in the viewer's scope — HR and admins everyone, a trainer
exactly their trainees (``Employee.trainer_id``), anyone else nobody. Exam figures come
from the answers of submitted attempts (``submitted``/``auto_submitted``); study figures
from the review log (answers that still count: not undone, not the one-off retry, not an
exam answer's own review entry) and the memory states. Key-point coverage pools typed
exam and study answers. Items are bank content, visible to every logged-in person; only
the answers are scoped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, case, exists, false, func, select
from sqlalchemy.orm import Session

from ..i18n import N_
from ..models.assignment import ExamAnswer, ExamAttempt
from ..models.bank import Bank, Item, JobRole, Section
from ..models.people import Employee
from ..models.study import MemoryState, ReviewLog
from ..study.standing import hires
from . import stats

SUBMITTED = ("submitted", "auto_submitted")
EXCERPT = 60  # characters of the question shown in tables
ANSWERS_SHOWN = 200  # the drill-down's default cap
MAX_ANSWERS_SHOWN = 1000

FLAG_LABELS = {
    stats.HARD: N_("几乎人人答错"),
    stats.NEGATIVE: N_("强者反而更易错（题目或答案可能有歧义）"),
}


def scope(actor: Employee) -> list[ColumnElement[bool]]:
    """Conditions on Employee selecting the people whose answers ``actor`` may see."""
    if actor.has_role("hr", "admin"):
        return [hires()]
    if actor.has_role("trainer"):
        return [hires(), Employee.trainer_id == actor.id]
    return [false()]


@dataclass(frozen=True)
class ItemInfo:
    """What identifies an item on the pages (the columns of `_info_query`, in order)."""

    item_id: int
    key: str
    type: str
    question: str
    red_line: bool
    retired: bool
    bank_id: int
    bank: str
    section_id: int
    section: str

    @property
    def excerpt(self) -> str:
        text = " ".join(self.question.split())
        return text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"


@dataclass(frozen=True)
class ItemRow:
    info: ItemInfo
    summary: stats.ItemSummary

    @property
    def flags(self) -> tuple[str, ...]:
        return self.summary.flags


@dataclass(frozen=True)
class Analysis:
    """Items with data (flagged first, then the hardest), per-section groups (most
    flagged first), per-job-role groups (of the answering hires), and each flag's items."""

    items: tuple[ItemRow, ...]
    sections: tuple[stats.GroupSummary, ...]
    roles: tuple[stats.GroupSummary, ...]
    flags: dict[str, tuple[int, ...]]


_MEMORY = ("learners", "lapses", "forgetting", "difficulty_sum", "difficulty_count")
_REVIEWS = ("reviews", "reviews_right", "overruled")


@dataclass
class _Raw:
    """One item's (or one item and job role's) figures while reading."""

    correct: list[int] = field(default_factory=list)
    totals: list[float | None] = field(default_factory=list)
    coverages: list[float | None] = field(default_factory=list)
    counts: dict[str, float] = field(default_factory=lambda: defaultdict(int))

    def count(self, names: tuple[str, ...], values: Iterable) -> None:
        for name, value in zip(names, values, strict=True):
            self.counts[name] += value or 0

    def add(self, other: _Raw) -> None:
        self.correct += other.correct
        self.totals += other.totals
        self.coverages += other.coverages
        self.count(tuple(other.counts), other.counts.values())

    def summary(self, item_id: int) -> stats.ItemSummary:
        return stats.summarise(
            item_id,
            correct=self.correct,
            totals=self.totals,
            coverages=self.coverages,
            **self.counts,
        )


def _info_query():
    return (
        select(
            Item.id,
            Item.key,
            Item.type,
            Item.question,
            Item.red_line,
            Item.retired_at.is_not(None),
            Item.bank_id,
            Bank.title,
            Item.section_id,
            Section.title,
        )
        .join(Section, Section.id == Item.section_id)
        .join(Bank, Bank.id == Item.bank_id)
    )


def _count(condition: ColumnElement[bool]):
    """How many rows meet ``condition`` (0 for none), as an aggregate column."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _of(query, person, item):
    """``query`` joined to the person (Employee) and the item (Item) of its rows."""
    return query.join(Employee, Employee.id == person).join(Item, Item.id == item)


def _not_from_exam() -> ColumnElement[bool]:
    """A review-log entry that is not an exam answer's own entry (counted there)."""
    return ~exists().where(ExamAnswer.review_log_id == ReviewLog.id)


def _read(session: Session, where: list[ColumnElement[bool]]) -> dict[tuple, _Raw]:
    """Every figure per (item, job role of the hire): four queries."""
    raw: dict[tuple[int, int | None], _Raw] = defaultdict(_Raw)
    exam_rows = session.execute(
        _of(
            select(
                ExamAnswer.item_id,
                Employee.job_role_id,
                ExamAnswer.correct,
                ExamAttempt.score,
                ExamAnswer.key_points_hit,
            ).join(ExamAttempt, ExamAttempt.id == ExamAnswer.attempt_id),
            ExamAttempt.employee_id,
            ExamAnswer.item_id,
        ).where(ExamAttempt.status.in_(SUBMITTED), *where)
    )
    for item_id, role_id, correct, score, hits in exam_rows:
        bucket = raw[item_id, role_id]
        if correct is not None:  # not graded yet: no facility, no discrimination
            bucket.correct.append(1 if correct else 0)
            bucket.totals.append(score)
        bucket.coverages.append(stats.coverage(hits))

    memory_rows = session.execute(
        _of(
            select(
                MemoryState.item_id,
                Employee.job_role_id,
                func.count(),
                func.coalesce(func.sum(MemoryState.lapses), 0),
                _count(MemoryState.lapses >= stats.LEECH_LAPSES),
                func.coalesce(func.sum(MemoryState.difficulty), 0.0),
                func.count(MemoryState.difficulty),
            ),
            MemoryState.employee_id,
            MemoryState.item_id,
        )
        .where(*where)
        .group_by(MemoryState.item_id, Employee.job_role_id)
    )
    for item_id, role_id, *values in memory_rows:
        raw[item_id, role_id].count(_MEMORY, values)

    study = [ReviewLog.kind == "review", ReviewLog.undone_at.is_(None), _not_from_exam(), *where]
    review_rows = session.execute(
        _of(
            select(
                ReviewLog.item_id,
                Employee.job_role_id,
                func.count(),
                _count(ReviewLog.correct.is_(True)),
                _count(ReviewLog.overruled.is_(True)),
            ),
            ReviewLog.employee_id,
            ReviewLog.item_id,
        )
        .where(*study)
        .group_by(ReviewLog.item_id, Employee.job_role_id)
    )
    for item_id, role_id, *values in review_rows:
        raw[item_id, role_id].count(_REVIEWS, values)

    # Key-point coverage of typed study answers (问答 only: the others have no key points).
    typed_rows = session.execute(
        _of(
            select(ReviewLog.item_id, Employee.job_role_id, ReviewLog.key_points_hit),
            ReviewLog.employee_id,
            ReviewLog.item_id,
        ).where(Item.type == "qa", *study)
    )
    for item_id, role_id, hits in typed_rows:
        raw[item_id, role_id].coverages.append(stats.coverage(hits))
    return raw


def _order(row: ItemRow) -> tuple:
    """Flagged first (most flags first), then the lowest facility, then the bank's order."""
    facility, info = row.summary.facility, row.info
    return (
        -len(row.flags),
        facility is None,
        facility or 0,
        info.bank,
        info.section_id,
        info.item_id,
    )


def item_analysis(
    session: Session,
    actor: Employee,
    *,
    bank_id: int | None = None,
    section_id: int | None = None,
    job_role_id: int | None = None,
) -> Analysis:
    """The item analysis of the items (of one bank or section when given) from the answers
    and memory states of the hires in ``actor``'s scope (of one job role when given).
    Six queries, however many items and people."""
    items = [Item.bank_id == bank_id] if bank_id is not None else []
    items += [Item.section_id == section_id] if section_id is not None else []
    people = scope(actor)
    people += [Employee.job_role_id == job_role_id] if job_role_id is not None else []
    raw = _read(session, [*people, *items])
    per_item: dict[int, _Raw] = defaultdict(_Raw)
    per_role: dict[int | None, list[stats.ItemSummary]] = defaultdict(list)
    for (item_id, role_id), bucket in raw.items():
        per_item[item_id].add(bucket)
        per_role[role_id].append(bucket.summary(item_id))
    if not per_item:
        return Analysis(items=(), sections=(), roles=(), flags={flag: () for flag in stats.FLAGS})

    infos = [ItemInfo(*row) for row in session.execute(_info_query().where(*items))]
    rows = sorted(
        (
            ItemRow(info, per_item[info.item_id].summary(info.item_id))
            for info in infos
            if info.item_id in per_item
        ),
        key=_order,
    )
    by_section: dict[int, list[ItemRow]] = defaultdict(list)
    for row in rows:
        by_section[row.info.section_id].append(row)
    sections = sorted(
        (
            stats.pool(
                key,
                f"{members[0].info.bank} · {members[0].info.section}",
                [member.summary for member in members],
            )
            for key, members in by_section.items()
        ),
        key=lambda group: (-group.flagged, group.label or ""),
    )
    names = dict(session.execute(select(JobRole.id, JobRole.name)).all())
    roles = sorted(
        (
            stats.pool(role_id, names.get(role_id), summaries)
            for role_id, summaries in per_role.items()
        ),
        key=lambda group: (group.label is None, group.label or ""),
    )
    flags = {flag: tuple(r.info.item_id for r in rows if flag in r.flags) for flag in stats.FLAGS}
    return Analysis(items=tuple(rows), sections=tuple(sections), roles=tuple(roles), flags=flags)


@dataclass(frozen=True)
class GivenAnswer:
    """One answer as given, described by one of text … blanks (none: blank, unreadable)."""

    source: str  # "exam" or "study"
    at: datetime | None
    employee_no: str
    name: str
    correct: bool | None
    coverage: float | None = None
    overruled: bool = False
    retry: bool = False
    text: str | None = None
    self_rating: str | None = None
    choices: tuple[str, ...] = ()
    verdict: bool | None = None
    blanks: tuple[str, ...] = ()


@dataclass(frozen=True)
class ItemAnswers:
    info: ItemInfo
    choices: tuple[str, ...]
    key_points: tuple[str, ...]
    answers: tuple[GivenAnswer, ...]  # most recent first, at most the limit
    exam_answers: int  # in scope, of submitted attempts
    reviews: int  # study answers that count (retries aside)
    overruled: int  # of those, how many the hire overruled

    @property
    def overrule_share(self) -> float | None:
        return self.overruled / self.reviews if self.reviews else None


def _given(answer: object, choices: tuple[str, ...]) -> dict:
    """The fields of GivenAnswer that describe a stored answer dict (of any shape)."""
    if not isinstance(answer, dict):
        return {}
    if isinstance(answer.get("self_rating"), str):
        return {"self_rating": answer["self_rating"]}
    if "text" in answer:
        return {"text": str(answer.get("text") or "")}
    if isinstance(answer.get("choices"), list):
        picked = [i for i in answer["choices"] if type(i) is int and 0 <= i < len(choices)]
        return {"choices": tuple(f"{chr(ord('A') + i)}. {choices[i]}" for i in picked)}
    if "verdict" in answer:
        verdict = answer["verdict"]
        return {"verdict": verdict if isinstance(verdict, bool) else None}
    if isinstance(answer.get("blanks"), list):
        return {"blanks": tuple(str(value) for value in answer["blanks"])}
    return {}


def _given_answer(source: str, row, choices: tuple[str, ...]) -> GivenAnswer:
    values = row._mapping
    return GivenAnswer(
        source=source,
        at=values["at"],
        employee_no=values["employee_no"],
        name=values["name"],
        correct=values["correct"],
        coverage=stats.coverage(values["key_points_hit"]),
        overruled=bool(values.get("overruled")),
        retry=values.get("kind") == "retry",
        **_given(values["answer"], choices),
    )


def item_answers(
    session: Session, actor: Employee, item_id: int, limit: int = ANSWERS_SHOWN
) -> ItemAnswers | None:
    """What the hires in ``actor``'s scope answered to one item (exam answers of submitted
    attempts and study answers, retries included, most recent first, at most ``limit``)
    and how often they overruled the grader; None when the item does not exist. Four
    queries."""
    found = session.execute(_info_query().where(Item.id == item_id)).first()
    if found is None:
        return None
    item = session.get(Item, item_id)
    choices = tuple(choice.text for choice in item.choices)
    people = scope(actor)
    limit = max(1, min(int(limit), MAX_ANSWERS_SHOWN))
    # Totals over every answer in scope ride along each row (window functions).
    exam_rows = session.execute(
        select(
            func.coalesce(ExamAnswer.saved_at, ExamAttempt.submitted_at).label("at"),
            Employee.employee_no,
            Employee.name,
            ExamAnswer.answer,
            ExamAnswer.correct,
            ExamAnswer.key_points_hit,
            func.count().over().label("total"),
        )
        .join(ExamAttempt, ExamAttempt.id == ExamAnswer.attempt_id)
        .join(Employee, Employee.id == ExamAttempt.employee_id)
        .where(ExamAnswer.item_id == item_id, ExamAttempt.status.in_(SUBMITTED), *people)
        .order_by(ExamAttempt.submitted_at.desc(), ExamAnswer.id.desc())
        .limit(limit)
    ).all()
    counted = ReviewLog.kind == "review"
    review_rows = session.execute(
        select(
            ReviewLog.server_time.label("at"),
            Employee.employee_no,
            Employee.name,
            ReviewLog.answer,
            ReviewLog.correct,
            ReviewLog.key_points_hit,
            ReviewLog.overruled,
            ReviewLog.kind,
            func.sum(case((counted, 1), else_=0)).over().label("reviews"),
            func.sum(case((counted & ReviewLog.overruled.is_(True), 1), else_=0))
            .over()
            .label("overrules"),
        )
        .join(Employee, Employee.id == ReviewLog.employee_id)
        .where(
            ReviewLog.item_id == item_id,
            ReviewLog.kind.in_(("review", "retry")),
            ReviewLog.undone_at.is_(None),
            _not_from_exam(),
            *people,
        )
        .order_by(ReviewLog.server_time.desc(), ReviewLog.id.desc())
        .limit(limit)
    ).all()
    answered = [_given_answer("exam", row, choices) for row in exam_rows]
    answered += [_given_answer("study", row, choices) for row in review_rows]
    answered.sort(key=lambda given: (given.at is not None, given.at), reverse=True)
    return ItemAnswers(
        info=ItemInfo(*found),
        choices=choices,
        key_points=tuple(point.text for point in item.key_points),
        answers=tuple(answered[:limit]),
        exam_answers=exam_rows[0].total if exam_rows else 0,
        reviews=int(review_rows[0].reviews or 0) if review_rows else 0,
        overruled=int(review_rows[0].overrules or 0) if review_rows else 0,
    )


@dataclass(frozen=True)
class Leech:
    """An item many hires keep forgetting (stats.is_leech)."""

    info: ItemInfo
    studied: int  # hires with a memory state of it
    forgetting: int  # of them, hires with at least stats.LEECH_LAPSES lapses
    lapses: int  # summed over the hires who studied it

    @property
    def share(self) -> float:
        return self.forgetting / self.studied if self.studied else 0.0


def leeches(session: Session, actor: Employee) -> list[Leech]:
    """Items the hires in ``actor``'s scope keep forgetting, most-affected first (most
    hires forgetting, then the highest share, then the most lapses). Two queries."""
    counted = session.execute(
        select(
            MemoryState.item_id,
            func.count(),
            _count(MemoryState.lapses >= stats.LEECH_LAPSES),
            func.coalesce(func.sum(MemoryState.lapses), 0),
        )
        .join(Employee, Employee.id == MemoryState.employee_id)
        .where(*scope(actor))
        .group_by(MemoryState.item_id)
        .having(func.max(MemoryState.lapses) >= stats.LEECH_LAPSES)
    ).all()
    found = {
        item_id: (studied, forgetting, lapses)
        for item_id, studied, forgetting, lapses in counted
        if stats.is_leech(forgetting, studied)
    }
    infos: dict[int, ItemInfo] = {}
    ids = sorted(found)
    for start in range(0, len(ids), 500):  # bounded IN lists
        query = _info_query().where(Item.id.in_(ids[start : start + 500]))
        infos.update((row[0], ItemInfo(*row)) for row in session.execute(query))
    result = [Leech(infos[item_id], *found[item_id]) for item_id in ids if item_id in infos]
    return sorted(result, key=lambda leech: (-leech.forgetting, -leech.share, -leech.lapses))
