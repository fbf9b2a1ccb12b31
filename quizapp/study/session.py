"""Today's session: the plan (due reviews first, then new items), and the cards shown.

A card carries a signed ticket (what was shown, to whom, at which revision of their
memory state), checked when the answer comes (quizapp.study.answers).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import String, and_, bindparam, case, cast, distinct, func, or_, select
from sqlalchemy.orm import Session, joinedload

from .. import srs
from ..bank import variables as vx
from ..facts.service import bank_defaults, site_values
from ..i18n import N_
from ..models import Employee, Item, ItemVersion, MemoryState, ReviewLog
from ..questions import question_type
from .curriculum import RoleItems, required_item, role_items, role_settings
from .errors import StudyError
from .items import ItemView, load_item
from .memory import to_srs


def day_bounds(now: datetime, settings: srs.RoleSettings) -> tuple[date, datetime]:
    """Today's study day and the moment it started."""
    today = srs.study_day(now, settings)
    return today, srs.day_start(today, settings)


def _was_new():
    # state_before is JSON: SQLAlchemy stores None as JSON null; SQL NULL counts the same.
    return or_(ReviewLog.state_before.is_(None), cast(ReviewLog.state_before, String) == "null")


@dataclass(frozen=True)
class TodayCounts:
    answered: int  # answers (not retries) given since the start of today's study day
    introduced: int  # new items first answered today (they count against the daily cap)
    unscheduled: int = 0  # retries and practice answers today (time spent, no schedule)

    @property
    def seconds(self) -> int:
        """Today's study time as the planner sizes it (srs.SECONDS_PER_*): retries and
        practice take time too, so the day's limit counts them (docs/scheduling.md)."""
        reviews = self.answered - self.introduced + self.unscheduled
        return self.introduced * srs.SECONDS_PER_NEW + reviews * srs.SECONDS_PER_REVIEW


_IS_REVIEW = ReviewLog.kind == "review"
_TODAY_COUNTS = select(
    func.count(case((_IS_REVIEW, 1))),
    func.count(distinct(case((and_(_IS_REVIEW, _was_new()), ReviewLog.item_id)))),
    func.count(case((ReviewLog.kind.in_(("retry", "practice")), 1))),
).where(
    ReviewLog.employee_id == bindparam("employee_id"),
    ReviewLog.server_time >= bindparam("start", type_=ReviewLog.server_time.type),
    ReviewLog.undone_at.is_(None),
)


def today_counts(session: Session, employee: Employee, now: datetime) -> TodayCounts:
    """Today's answers and new items, in one indexed read of today's review log."""
    _today, start = day_bounds(now, role_settings(employee.job_role))
    answered, introduced, unscheduled = (
        session.connection()
        .execute(_TODAY_COUNTS, {"employee_id": employee.id, "start": start})
        .one()
    )
    return TodayCounts(answered or 0, introduced or 0, unscheduled or 0)


def today_plan(
    session: Session,
    employee: Employee,
    now: datetime,
    more: bool = False,
    items: RoleItems | None = None,
    counts: TodayCounts | None = None,
) -> srs.SessionPlan:
    """The cards of today's session (the scheduler's plan over what the person must learn).
    `items` and `counts`, when the caller has read them, are not read again."""
    if items is None:
        items = role_items(session, employee, now)
    if counts is None:
        counts = today_counts(session, employee, now)
    return srs.plan_session(
        items.states,
        list(items.required),
        items.red_line,
        now,
        role_settings(employee.job_role),
        go_live=employee.go_live_date,
        already_introduced_today=counts.introduced,
        deadlines=items.deadlines or None,
        study_more=more,
        studied_today_seconds=counts.seconds,
    )


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
    practice: bool = False  # shown in 练错题 (quizapp.study.mistakes)

    def to_dict(self) -> dict:
        return {
            "e": self.employee_id,
            "i": self.item_id,
            "r": self.revision,
            "v": self.item_version,
            "t": self.shown_at,
            "o": list(self.order),
            "x": self.retry,
            "p": self.practice,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Ticket:
        return cls(
            data["e"],
            data["i"],
            data["r"],
            data["v"],
            data["t"],
            tuple(data["o"]),
            bool(data["x"]),
            bool(data.get("p", False)),  # tickets signed before practice existed
        )


@dataclass
class Card:
    item: ItemView
    ticket: Ticket
    is_new: bool
    red_line: bool
    changes: dict | None = None  # what changed since the version the employee learnt
    # self-rating word → study days until the item comes back after it (0: later today)
    intervals: dict[str, int] = field(default_factory=dict)

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
    practice: bool = False,
) -> Card:
    """The card for one item, with a fresh ticket (options shuffled for this showing).
    `items` (from role_items, when the caller has it) saves reading the memory state again."""
    if items is not None:
        red_line = items.required.get(item_id)
        state = items.states.get(item_id)
        revision, changed_from = items.revisions.get(item_id, (0, None))
    else:
        red_line = required_item(session, employee, item_id, now)
        row = session.scalar(
            select(MemoryState).where(
                MemoryState.employee_id == employee.id, MemoryState.item_id == item_id
            )
        )
        state = to_srs(row) if row else None
        revision, changed_from = (row.revision, row.changed_from_version) if row else (0, None)
    if red_line is None:
        raise StudyError(404, N_("这道题不在你的学习内容中"))
    item = load_item(session, item_id, employee.site_id)
    order = list(range(len(item.choices)))
    random.SystemRandom().shuffle(order)
    ticket = Ticket(
        employee.id,
        item_id,
        revision,
        item.version,
        now.timestamp(),
        tuple(order),
        retry,
        practice and state is not None,
    )
    card = Card(item, ticket, is_new=state is None, red_line=red_line)
    if changed_from:
        card.changes = content_changes(session, item, changed_from)
    if question_type(item.type).self_rated:
        card.intervals = next_intervals(state, item_id, now, role_settings(employee.job_role))
    return card


def next_intervals(
    state: srs.MemoryState | None, item_id: int, now: datetime, settings: srs.RoleSettings
) -> dict[str, int]:
    """For the four self-rating buttons: in how many study days the item would come back
    after each (0: later today). The template words it ("8 天后")."""
    current = state or srs.MemoryState.new(item_id, now)
    shown = {}
    for rating in srs.Rating:
        after, _review = srs.apply_answer(current, rating, now, settings)
        shown[rating.word] = max(0, srs.study_days_between(now, after.due, settings))
    return shown


def content_changes(session: Session, item: ItemView, old_version: int) -> dict | None:
    """What changed in the item's right answer since the version the employee learnt."""
    old = session.scalar(
        select(ItemVersion).where(
            ItemVersion.item_id == item.id, ItemVersion.version == old_version
        )
    )
    if old is None:
        return None
    before = _filled_content(old.content, item.values)
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


def _filled_content(content: dict, values: dict[str, str]) -> dict:
    """An old version's content with the company facts the item shows now filled in, so
    a value is not taken for a change of the answer."""
    if not values:
        return content

    def text(value: str) -> str:
        return vx.fill(value, values)

    return {
        **content,
        "answer": text(content.get("answer", "")),
        "key_points": [text(p) for p in content.get("key_points", [])],
        "choices": [{**c, "text": text(c["text"])} for c in content.get("choices", [])],
        "blanks": [[text(a) for a in blank] for blank in content.get("blanks") or []],
    }


@dataclass(frozen=True)
class DaySummary:
    answered: int
    correct: int
    seconds: int
    to_review: list[ToReview]


@dataclass(frozen=True)
class ToReview:
    """An item answered wrong today, as the done page lists it (company facts filled)."""

    id: int
    type: str
    question: str


def day_summary(session: Session, employee: Employee, now: datetime) -> DaySummary:
    """Today's answers, how many were right, the time spent, and what to look at again."""
    _today, start = day_bounds(now, role_settings(employee.job_role))
    logs = session.scalars(
        select(ReviewLog).where(
            ReviewLog.employee_id == employee.id,
            ReviewLog.server_time >= start,
            ReviewLog.undone_at.is_(None),
            ReviewLog.kind.in_(("review", "retry")),
        )
    ).all()
    wrong_ids = [log.item_id for log in logs if log.correct is False and log.kind == "review"]
    wrong = (
        session.scalars(
            select(Item).where(Item.id.in_(wrong_ids)).options(joinedload(Item.bank))
        ).all()
        if wrong_ids
        else []
    )
    values = site_values(session, employee.site_id) if any(i.variables for i in wrong) else {}
    to_review = [
        ToReview(
            item.id,
            item.type,
            vx.fill(
                item.question,
                vx.resolve(item.variables or (), bank_defaults(item.bank.variables), values),
            ),
        )
        for item in wrong
    ]
    return DaySummary(
        answered=sum(1 for log in logs if log.kind == "review"),
        correct=sum(1 for log in logs if log.correct and log.kind == "review"),
        seconds=sum(min(log.response_ms or 0, 300_000) for log in logs) // 1000,
        to_review=to_review,
    )
