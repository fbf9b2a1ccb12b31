"""Bank authoring in the browser: company facts filled into banks, drafts a trainer is
working on, and every published revision of a bank's source."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow


class CompanyFact(db.Model):
    """The value of a bank variable ({{服务热线}}) for the whole organisation (site_id is
    None) or for one site, which then wins over the organisation's value."""

    __tablename__ = "company_fact"
    __table_args__ = (UniqueConstraint("name", "site_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), index=True)
    site_id: Mapped[int | None] = mapped_column(
        ForeignKey("site.id", ondelete="CASCADE"), index=True
    )
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employee.id", ondelete="SET NULL")
    )


class BankDraft(db.Model):
    """A bank's Markdown a trainer is preparing (uploaded, converted from a document, an
    item edit or generated practice items): kept until published or discarded, so nothing
    typed is lost."""

    __tablename__ = "bank_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("employee.id", ondelete="CASCADE"), index=True)
    # The bank the draft replaces once published (None: a new bank, slug from the text).
    bank_id: Mapped[int | None] = mapped_column(ForeignKey("bank.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # upload, from_text, edit, derive
    filename: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(Text)
    # The bank's content digest the draft was made against: publishing over a newer
    # version is refused rather than silently undoing someone else's change.
    base_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BankRevision(db.Model):
    """A bank's source as published: revision 1, 2, … with who published it and what
    changed. Downloads and diffs read it."""

    __tablename__ = "bank_revision"
    __table_args__ = (UniqueConstraint("bank_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("bank.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employee.id", ondelete="SET NULL")
    )
    # What the publish did: {"new": n, "updated": n, "retired": n, "relearning": n, ...}.
    summary: Mapped[dict] = mapped_column(JSON, default=dict)

    published_by = relationship("Employee")
