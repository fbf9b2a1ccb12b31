"""Read models for the bank pages: counts from SQL aggregates, one query per table."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, selectinload

from ..bank.model import ITEM_TYPES
from ..models import Bank, Item, Section, SectionRole


@dataclass(frozen=True)
class SectionSummary:
    id: int
    title: str
    roles: list[str]
    items: int
    red_line: int


@dataclass(frozen=True)
class BankSummary:
    slug: str
    title: str
    version: str
    items: int
    by_type: dict[str, int]
    sections: list[SectionSummary]


def bank_summaries(session: Session) -> list[BankSummary]:
    banks = session.scalars(select(Bank).order_by(Bank.slug)).all()
    live = (Item.retired_at.is_(None),)
    type_counts: dict[tuple[int, str], int] = {
        (bank_id, item_type): count
        for bank_id, item_type, count in session.execute(
            select(Item.bank_id, Item.type, func.count())
            .where(*live)
            .group_by(Item.bank_id, Item.type)
        )
    }
    section_counts = {
        section_id: (count, red)
        for section_id, count, red in session.execute(
            select(
                Item.section_id,
                func.count(),
                func.sum(case((Item.red_line, 1), else_=0)),
            )
            .where(*live)
            .group_by(Item.section_id)
        )
    }
    sections = session.scalars(
        select(Section)
        .where(Section.retired_at.is_(None))
        .order_by(Section.bank_id, Section.position)
        .options(selectinload(Section.role_links).selectinload(SectionRole.job_role))
    ).all()
    by_bank: dict[int, list[SectionSummary]] = {}
    for section in sections:
        count, red = section_counts.get(section.id, (0, 0))
        by_bank.setdefault(section.bank_id, []).append(
            SectionSummary(
                section.id, section.title, [r.name for r in section.roles], count, red or 0
            )
        )
    summaries = []
    for bank in banks:
        by_type = {t: type_counts.get((bank.id, t), 0) for t in ITEM_TYPES}
        summaries.append(
            BankSummary(
                bank.slug,
                bank.title,
                bank.version,
                sum(by_type.values()),
                by_type,
                by_bank.get(bank.id, []),
            )
        )
    return summaries


@dataclass(frozen=True)
class SectionDetail:
    title: str
    roles: list[str]
    items: list[Item]


@dataclass(frozen=True)
class BankDetail:
    slug: str
    title: str
    version: str
    language: str
    sections: list[SectionDetail]


def bank_detail(session: Session, slug: str) -> BankDetail | None:
    bank = session.scalar(select(Bank).where(Bank.slug == slug))
    if bank is None:
        return None
    items = session.scalars(
        select(Item)
        .where(Item.bank_id == bank.id, Item.retired_at.is_(None))
        .order_by(Item.position)
        .options(selectinload(Item.choices), selectinload(Item.key_points))
    ).all()
    by_section: dict[int, list[Item]] = {}
    for item in items:
        by_section.setdefault(item.section_id, []).append(item)
    sections = session.scalars(
        select(Section)
        .where(Section.bank_id == bank.id, Section.retired_at.is_(None))
        .order_by(Section.position)
        .options(selectinload(Section.role_links).selectinload(SectionRole.job_role))
    ).all()
    return BankDetail(
        bank.slug,
        bank.title,
        bank.version,
        bank.language,
        [
            SectionDetail(s.title, [r.name for r in s.roles], by_section.get(s.id, []))
            for s in sections
        ],
    )
