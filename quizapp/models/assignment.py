"""Assignments and exams: what a trainer (for their trainees) or HR/admin (for anyone)
gives people to learn or to pass, with dates.

Both reach an audience the same way (`Audience`): a job role (optionally at one site), a
site, or named people. Audiences are resolved when asked, never copied into rows per
person, so a standing assignment of a job role reaches hires created or imported later.
A trainer's assignment or exam reaches only that trainer's own trainees (`trainer_id`).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from ..extensions import db
from .bank import JobRole
from .people import Employee, Site
from .types import UTCDateTime, utcnow

AUDIENCES = ("role", "site", "people")


class Audience:
    """Who an assignment or exam reaches: `audience` is "role" (job_role_id, and site_id
    when set), "site" (site_id) or "people" (the owner's person rows); `trainer_id`, when
    set, narrows it to that trainer's trainees (a trainer's own assignment)."""

    audience: Mapped[str] = mapped_column(String(10), default="role")
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @declared_attr
    def job_role_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("job_role.id"), index=True)

    @declared_attr
    def site_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("site.id"), index=True)

    @declared_attr
    def trainer_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("employee.id"), index=True)

    @declared_attr
    def created_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("employee.id"))

    @declared_attr
    def job_role(cls) -> Mapped[JobRole | None]:
        return relationship(JobRole)

    @declared_attr
    def site(cls) -> Mapped[Site | None]:
        return relationship(Site)

    @declared_attr
    def trainer(cls) -> Mapped[Employee | None]:
        return relationship(Employee, foreign_keys=[cls.trainer_id])

    @declared_attr
    def created_by(cls) -> Mapped[Employee | None]:
        return relationship(Employee, foreign_keys=[cls.created_by_id])

    @property
    def archived(self) -> bool:
        return self.archived_at is not None


class Assignment(Audience, db.Model):
    """Banks, sections or tags (`contents`) to learn by a due date, or an exam to pass.

    The due date is fixed (`due_on`) or, for a standing assignment, `due_days` after the
    later of the person's hire date and `starts_on`. Target: with `exam_id`, a passed
    attempt of that exam; otherwise every assigned item predicted at or above the
    person's job-role readiness target on the due date.
    """

    __tablename__ = "assignment"
    __table_args__ = (
        CheckConstraint("audience IN ('role', 'site', 'people')", name="known_audience"),
        CheckConstraint(
            "(due_on IS NOT NULL) <> (due_days IS NOT NULL)", name="one_kind_of_due_date"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int | None] = mapped_column(ForeignKey("exam.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)
    due_days: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")

    contents: Mapped[list[AssignmentContent]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="AssignmentContent.id"
    )
    people: Mapped[list[AssignmentPerson]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )
    exam: Mapped[Exam | None] = relationship()


class AssignmentContent(db.Model):
    """One thing to learn: a whole bank, one section, or the items of a bank carrying a
    tag (bank_id and tag)."""

    __tablename__ = "assignment_content"
    __table_args__ = (
        CheckConstraint(
            "(bank_id IS NOT NULL AND section_id IS NULL)"
            " OR (section_id IS NOT NULL AND bank_id IS NULL AND tag IS NULL)",
            name="bank_or_section",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignment.id", ondelete="CASCADE"), index=True
    )
    bank_id: Mapped[int | None] = mapped_column(ForeignKey("bank.id", ondelete="CASCADE"))
    section_id: Mapped[int | None] = mapped_column(ForeignKey("section.id", ondelete="CASCADE"))
    tag: Mapped[str | None] = mapped_column(String(100))


class AssignmentPerson(db.Model):
    """A person named in an assignment (audience "people")."""

    __tablename__ = "assignment_person"

    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignment.id", ondelete="CASCADE"), primary_key=True
    )
    employee_id: Mapped[int] = mapped_column(
        ForeignKey("employee.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Exam(Audience, db.Model):
    """A quiz (小测) or mock exam (模拟考试) template: where its items come from, how many,
    how they are drawn, the time limit, pass mark, attempts, window and reveal rule.

    `draw`: "fixed" (the `fixed_items` in order), "random" (a fresh draw per attempt from
    the `quotas`) or "readiness" (per person, the items of lowest predicted recall within
    the quotas). `layout`: "single" (one question per screen) or "paper" (scrollable).
    `reveal`: "at_once" (right answers after submitting) or "after_close" (after
    `closes_at`). `time_limit_s` None: untimed.
    """

    __tablename__ = "exam"
    __table_args__ = (
        CheckConstraint("audience IN ('role', 'site', 'people')", name="known_audience"),
        CheckConstraint("kind IN ('quiz', 'mock')", name="known_kind"),
        CheckConstraint("draw IN ('fixed', 'random', 'readiness')", name="known_draw"),
        CheckConstraint("layout IN ('single', 'paper')", name="known_layout"),
        CheckConstraint("reveal IN ('at_once', 'after_close')", name="known_reveal"),
        CheckConstraint("attempts_allowed >= 1", name="some_attempts"),
        CheckConstraint("pass_mark >= 0 AND pass_mark <= 1", name="pass_mark_share"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), default="quiz")
    draw: Mapped[str] = mapped_column(String(10), default="random")
    layout: Mapped[str] = mapped_column(String(10), default="single")
    shuffle_options: Mapped[bool] = mapped_column(Boolean, default=True)
    time_limit_s: Mapped[int | None] = mapped_column(Integer)
    pass_mark: Mapped[float] = mapped_column(Float, default=0.8)
    attempts_allowed: Mapped[int] = mapped_column(Integer, default=1)
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reveal: Mapped[str] = mapped_column(String(12), default="at_once")

    sources: Mapped[list[ExamSource]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="ExamSource.id"
    )
    quotas: Mapped[list[ExamQuota]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="ExamQuota.id"
    )
    fixed_items: Mapped[list[ExamFixedItem]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="ExamFixedItem.position"
    )
    people: Mapped[list[ExamPerson]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )


class ExamSource(db.Model):
    """A bank (every live section) or one section the exam draws from."""

    __tablename__ = "exam_source"
    __table_args__ = (
        CheckConstraint("(bank_id IS NULL) <> (section_id IS NULL)", name="bank_or_section"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exam.id", ondelete="CASCADE"), index=True)
    bank_id: Mapped[int | None] = mapped_column(ForeignKey("bank.id", ondelete="CASCADE"))
    section_id: Mapped[int | None] = mapped_column(ForeignKey("section.id", ondelete="CASCADE"))


class ExamQuota(db.Model):
    """How many items to draw: of one question type (or any), from one section (or any of
    the sources)."""

    __tablename__ = "exam_quota"
    __table_args__ = (CheckConstraint("count >= 1", name="positive_count"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exam.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int | None] = mapped_column(ForeignKey("section.id", ondelete="CASCADE"))
    type: Mapped[str | None] = mapped_column(String(10))
    count: Mapped[int] = mapped_column(Integer)


class ExamFixedItem(db.Model):
    """An item of a fixed paper, in order."""

    __tablename__ = "exam_fixed_item"
    __table_args__ = (UniqueConstraint("exam_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exam.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)


class ExamPerson(db.Model):
    """A person named as a taker of an exam (audience "people")."""

    __tablename__ = "exam_person"

    exam_id: Mapped[int] = mapped_column(
        ForeignKey("exam.id", ondelete="CASCADE"), primary_key=True
    )
    employee_id: Mapped[int] = mapped_column(
        ForeignKey("employee.id", ondelete="CASCADE"), primary_key=True, index=True
    )


ATTEMPT_STATUSES = ("in_progress", "submitted", "auto_submitted")


def _open_slot(context) -> int | None:
    # Follows the status when a row is inserted without one (the ORM fills the default in
    # for None too): 1 while in progress, else NULL.
    status = context.get_current_parameters().get("status", "in_progress")
    return 1 if status == "in_progress" else None


class ExamAttempt(db.Model):
    """One sitting of an exam by one person.

    Race-free starts: `number` is unique per (exam, person), and `open_slot` is 1 while
    the attempt is in progress and NULL after, under a unique constraint with the exam and
    person (NULLs never collide), so no two attempts of one person are ever open at once
    and no two get the same number, whatever the concurrency.
    """

    __tablename__ = "exam_attempt"
    __table_args__ = (
        UniqueConstraint("exam_id", "employee_id", "number"),
        UniqueConstraint("exam_id", "employee_id", "open_slot", name="one_open_attempt"),
        CheckConstraint(
            "status IN ('in_progress', 'submitted', 'auto_submitted')", name="known_status"
        ),
        CheckConstraint(
            "(status = 'in_progress') = (open_slot IS NOT NULL)", name="open_while_in_progress"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exam.id", ondelete="CASCADE"), index=True)
    employee_id: Mapped[int] = mapped_column(
        ForeignKey("employee.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="in_progress")
    open_slot: Mapped[int | None] = mapped_column(Integer, default=_open_slot)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # started_at + the time limit (and never after the exam closes); None: untimed.
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Share of points (0–1) once submitted; provisional while review_pending.
    score: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    review_pending: Mapped[bool] = mapped_column(Boolean, default=False)
    # Readiness check: the mean predicted recall of the drawn items when drawn.
    predicted_score: Mapped[float | None] = mapped_column(Float)

    exam: Mapped[Exam] = relationship()
    employee: Mapped[Employee] = relationship()
    answers: Mapped[list[ExamAnswer]] = relationship(
        back_populates="attempt",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ExamAnswer.position",
    )


class ExamAnswer(db.Model):
    """One drawn item of an attempt and what the person answered.

    `revision` counts saves: a page shown at revision n can save only while the answer is
    still at n, so a stale page (back button, old tab) cannot overwrite a newer answer.
    """

    __tablename__ = "exam_answer"
    __table_args__ = (UniqueConstraint("attempt_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("exam_attempt.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    item_version: Mapped[int] = mapped_column(Integer)
    # The options' order as shown (indexes into the item's choices).
    choice_order: Mapped[list] = mapped_column(JSON, default=list)
    predicted_recall: Mapped[float | None] = mapped_column(Float)
    answer: Mapped[dict | None] = mapped_column(JSON)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Grading: the grader's score (0–1), rating and key points; the final score after a
    # trainer's review (else the grader's).
    auto_score: Mapped[float | None] = mapped_column(Float)
    correct: Mapped[bool | None] = mapped_column(Boolean)
    rating: Mapped[int | None] = mapped_column(Integer)
    key_points_hit: Mapped[list | None] = mapped_column(JSON)
    final_score: Mapped[float | None] = mapped_column(Float)
    # "none" (objective), "pending" (a 问答 answer awaiting a trainer) or "done".
    review_status: Mapped[str] = mapped_column(String(10), default="none")
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_comment: Mapped[str] = mapped_column(Text, default="")
    # The review-log entry this answer made (an exam answer counts once as a review).
    review_log_id: Mapped[int | None] = mapped_column(
        ForeignKey("review_log.id", ondelete="SET NULL")
    )

    attempt: Mapped[ExamAttempt] = relationship(back_populates="answers")
