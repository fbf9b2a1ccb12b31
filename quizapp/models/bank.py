"""Question banks as stored: banks, sections (tagged with job roles), items and versions.

An item's identity (`Item.id`, which learning progress will point at) survives edits of
its content: each edit bumps `Item.version` and appends an `ItemVersion` snapshot.
Removed items and sections are retired, never deleted.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow


class JobRole(db.Model):
    """A job role (岗位), such as 客服前台 or 10010客服代表: decides what a hire must learn."""

    __tablename__ = "job_role"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Scheduling settings of the role (quizapp.srs.RoleSettings).
    desired_retention: Mapped[float] = mapped_column(Float, default=0.9, server_default="0.9")
    daily_new_cap: Mapped[int] = mapped_column(Integer, default=20, server_default="20")
    session_minutes: Mapped[int] = mapped_column(Integer, default=10, server_default="10")
    day_boundary_hour: Mapped[int] = mapped_column(Integer, default=4, server_default="4")
    timezone: Mapped[str] = mapped_column(
        String(50), default="Asia/Shanghai", server_default="Asia/Shanghai"
    )
    # Readiness a hire of this role must reach by go-live (quizapp.readiness).
    readiness_target: Mapped[float] = mapped_column(Float, default=0.9, server_default="0.9")

    def __repr__(self) -> str:
        return f"<JobRole {self.name}>"


class SectionRole(db.Model):
    """A job role that must learn a section, in the order the bank file names them."""

    __tablename__ = "section_role"

    section_id: Mapped[int] = mapped_column(
        ForeignKey("section.id", ondelete="CASCADE"), primary_key=True
    )
    job_role_id: Mapped[int] = mapped_column(
        ForeignKey("job_role.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer)

    job_role: Mapped[JobRole] = relationship()


class Bank(db.Model):
    __tablename__ = "bank"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(Text)
    version: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(20))
    synonyms: Mapped[list] = mapped_column(JSON, default=list)
    default_roles: Mapped[list] = mapped_column(JSON, default=list)
    source_path: Mapped[str | None] = mapped_column(Text)
    # Digest of the exported bank text: a re-import of an unchanged file is a no-op.
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The trainer who may edit the bank in the browser (admins may edit every bank).
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("employee.id", ondelete="SET NULL"), index=True
    )
    # Company facts the bank uses ({{公司名称}}): [{"name": ..., "default": ... or None}].
    variables: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")

    sections: Mapped[list[Section]] = relationship(
        back_populates="bank", order_by="Section.position", cascade="all, delete-orphan"
    )
    items: Mapped[list[Item]] = relationship(back_populates="bank", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Bank {self.slug}>"


class Section(db.Model):
    __tablename__ = "section"
    __table_args__ = (UniqueConstraint("bank_id", "title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("bank.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    bank: Mapped[Bank] = relationship(back_populates="sections")
    role_links: Mapped[list[SectionRole]] = relationship(
        order_by="SectionRole.position", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def roles(self) -> list[JobRole]:
        return [link.job_role for link in self.role_links]

    items: Mapped[list[Item]] = relationship(back_populates="section", order_by="Item.position")


class Item(db.Model):
    __tablename__ = "item"
    __table_args__ = (UniqueConstraint("bank_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("bank.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("section.id"), index=True)
    # The trainer's 编号, or a digest of the question when the item has none.
    key: Mapped[str] = mapped_column(String(80))
    explicit_id: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(10))
    version: Mapped[int] = mapped_column(Integer, default=1)
    content_hash: Mapped[str] = mapped_column(String(64))
    # Changes when what counts as the right answer changes (not when only hints do).
    answer_hash: Mapped[str] = mapped_column(String(64))

    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text, default="")
    verdict: Mapped[bool | None] = mapped_column(Boolean)
    blanks: Mapped[list] = mapped_column(JSON, default=list)
    tags: Mapped[list] = mapped_column(JSON, default=list)
    synonyms: Mapped[list] = mapped_column(JSON, default=list)
    explanation: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")
    passage: Mapped[str] = mapped_column(Text, default="")
    red_line: Mapped[bool] = mapped_column(Boolean, default=False)
    # Names of the company facts the item's text uses: hidden from hires while one is unset.
    variables: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    # The key of the 问答 item a generated practice item was derived from.
    derived_from: Mapped[str | None] = mapped_column(String(80))

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    bank: Mapped[Bank] = relationship(back_populates="items")
    section: Mapped[Section] = relationship(back_populates="items")
    choices: Mapped[list[Choice]] = relationship(
        order_by="Choice.position", cascade="all, delete-orphan", passive_deletes=True
    )
    key_points: Mapped[list[KeyPoint]] = relationship(
        order_by="KeyPoint.position", cascade="all, delete-orphan", passive_deletes=True
    )
    versions: Mapped[list[ItemVersion]] = relationship(
        order_by="ItemVersion.version", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def retired(self) -> bool:
        return self.retired_at is not None


class Choice(db.Model):
    """An option of a 单选/多选 item, in the bank's order (shuffled only when shown)."""

    __tablename__ = "choice"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    correct: Mapped[bool] = mapped_column(Boolean)


class KeyPoint(db.Model):
    """One idea of a 问答 answer that grading checks a typed answer for."""

    __tablename__ = "key_point"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)


class ItemVersion(db.Model):
    """A snapshot of an item's content at each version: the history behind every edit."""

    __tablename__ = "item_version"
    __table_args__ = (UniqueConstraint("item_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    answer_hash: Mapped[str] = mapped_column(String(64))
    content: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
