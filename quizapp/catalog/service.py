"""Read models for the bank pages: counts from SQL aggregates, one query per table.

Items using company facts ({{公司名称}}) are shown with the organisation's value (or the
bank's default) in 〔 〕, or 〔名称：未设置〕 while there is none: staff see what a hire will
read, and what is missing.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, selectinload

from ..bank import variables as vx
from ..bank.model import ITEM_TYPES, Choice
from ..facts.service import bank_defaults, site_values
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
    type_counts: dict[tuple[int, str], int] = {
        (bank_id, item_type): count
        for bank_id, item_type, count in session.execute(
            select(Item.bank_id, Item.type, func.count())
            .where(Item.retired_at.is_(None))
            .group_by(Item.bank_id, Item.type)
        )
    }
    by_bank = _section_summaries(session)
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


def _section_summaries(
    session: Session, bank_id: int | None = None
) -> dict[int, list[SectionSummary]]:
    """Live sections with their live item counts, by bank (one bank, or all)."""
    items_of = (Item.bank_id == bank_id,) if bank_id is not None else ()
    sections_of = (Section.bank_id == bank_id,) if bank_id is not None else ()
    section_counts = {
        section_id: (count, red)
        for section_id, count, red in session.execute(
            select(
                Item.section_id,
                func.count(),
                func.sum(case((Item.red_line, 1), else_=0)),
            )
            .where(Item.retired_at.is_(None), *items_of)
            .group_by(Item.section_id)
        )
    }
    sections = session.scalars(
        select(Section)
        .where(Section.retired_at.is_(None), *sections_of)
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
    return by_bank


# The bank page shows a bank a page of items at a time: a bank may hold 20,000 items.
ITEMS_PER_PAGE = 50
MAX_QUERY_LENGTH = 100


@dataclass(frozen=True)
class NumberedItem:
    number: int  # its place in its section, from 1
    item: Item | FilledItem


@dataclass(frozen=True)
class _KeyPoint:
    text: str


class FilledItem:
    """An item as the bank page shows it, company facts written in and marked; every
    other attribute is the stored item's."""

    def __init__(self, item: Item, values: dict[str, str]) -> None:
        def text(value: str) -> str:
            return vx.fill(value, values)

        self._item = item
        self.question = text(item.question)
        self.answer = text(item.answer)
        self.explanation = text(item.explanation)
        self.passage = text(item.passage)
        self.choices = [Choice(text(c.text), c.correct) for c in item.choices]
        self.key_points = [_KeyPoint(text(kp.text)) for kp in item.key_points]
        self.blanks = [[text(a) for a in blank] for blank in item.blanks or []]

    def __getattr__(self, name: str):
        return getattr(self._item, name)


def _unset_label() -> str:
    from flask_babel import gettext  # the page's language; this module stays usable without

    return gettext("未设置")


def marked_values(names, defaults: dict, organisation: dict, unset: str) -> dict[str, str]:
    """Each name's organisation value (or default) in 〔 〕, or 〔名称：未设置〕."""
    found = vx.resolve(names, defaults, organisation)
    return {
        name: f"〔{found[name]}〕" if name in found else f"〔{name}：{unset}〕" for name in names
    }


@dataclass(frozen=True)
class ItemGroup:
    """The items of one section that are on the page."""

    section: SectionSummary
    items: list[NumberedItem]


@dataclass(frozen=True)
class BankPage:
    """One page of a bank: its contents (every section), and up to ITEMS_PER_PAGE items
    of the whole bank or of one section, optionally only those whose question matches."""

    slug: str
    title: str
    version: str
    language: str
    sections: list[SectionSummary]
    section: SectionSummary | None  # the one section shown, or None: the whole bank
    query: str
    groups: list[ItemGroup]
    page: int
    pages: int
    matches: int  # items on all pages


def clean_query(text: str) -> str:
    """A search as typed, made safe to look for: no control characters, not too long."""
    text = text[: MAX_QUERY_LENGTH * 10]  # whatever the URL held, look at little of it
    kept = "".join(char for char in text if unicodedata.category(char) not in ("Cc", "Cs"))
    return " ".join(kept.split())[:MAX_QUERY_LENGTH]


def bank_page(
    session: Session, slug: str, section_id: int | None = None, query: str = "", page: int = 1
) -> BankPage | None:
    """A page of the bank; None if there is no such bank, section or page.

    The section and the page are compared with what exists before any of them reaches a
    query, so any number a URL holds (however large) is safe. `query` is matched, as a
    substring of the question and ignoring case, after `clean_query`.
    """
    bank = session.scalar(select(Bank).where(Bank.slug == slug))
    if bank is None or page < 1:
        return None
    sections = _section_summaries(session, bank.id).get(bank.id, [])
    by_id = {section.id: section for section in sections}
    if section_id is not None and section_id not in by_id:
        return None
    query = clean_query(query)
    matching = [Item.bank_id == bank.id, Item.retired_at.is_(None)]
    if section_id is not None:
        matching.append(Item.section_id == section_id)
    if query:
        matching.append(Item.question.icontains(query, autoescape=True))
    matches = session.scalar(select(func.count()).select_from(Item).where(*matching)) or 0
    pages = max(1, -(-matches // ITEMS_PER_PAGE))
    if page > pages:
        return None
    # An item's number in its section, whatever the page shows.
    numbered = (
        select(
            Item.id.label("item_id"),
            func.row_number()
            .over(partition_by=Item.section_id, order_by=Item.position)
            .label("number"),
        )
        .where(Item.bank_id == bank.id, Item.retired_at.is_(None))
        .subquery()
    )
    rows = session.execute(
        select(Item, numbered.c.number)
        .join(numbered, numbered.c.item_id == Item.id)
        .where(*matching)
        .order_by(Item.position)
        .limit(ITEMS_PER_PAGE)
        .offset((page - 1) * ITEMS_PER_PAGE)
        .options(selectinload(Item.choices), selectinload(Item.key_points))
    ).all()
    uses_facts = any(item.variables for item, _number in rows)
    organisation = site_values(session, None) if uses_facts else {}
    defaults = bank_defaults(bank.variables)
    unset = _unset_label() if uses_facts else ""
    groups: list[ItemGroup] = []
    for item, number in rows:
        if item.variables:
            item = FilledItem(item, marked_values(item.variables, defaults, organisation, unset))
        if not groups or groups[-1].section.id != item.section_id:
            groups.append(ItemGroup(by_id[item.section_id], []))
        groups[-1].items.append(NumberedItem(number, item))
    return BankPage(
        bank.slug,
        bank.title,
        bank.version,
        bank.language,
        sections,
        by_id.get(section_id) if section_id is not None else None,
        query,
        groups,
        page,
        pages,
        matches,
    )
