"""Store parsed banks in the database, keeping item identity across edits.

An item is matched by its trainer-given id, else by a digest of its question. A match with
the same content is left alone; a match with new content gets a new version; items no
longer in the file are retired. The caller owns the transaction: it commits once after all
files are loaded, or rolls back, so an import is all-or-nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, object_session, selectinload

from ..models import Bank, Choice, Item, ItemVersion, JobRole, KeyPoint, Section, SectionRole
from . import model
from .export import export_bank
from .parser import question_key


class BankImportError(Exception):
    """The files cannot be imported together (the database was not touched)."""


@dataclass
class ImportReport:
    bank_id: str
    created_bank: bool = False
    unchanged_bank: bool = False
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0
    restored: int = 0
    # Database ids of items whose right answer changed: learners must relearn them.
    answer_changed: list[int] = field(default_factory=list)

    def summary(self) -> str:
        if self.unchanged_bank:
            return f"{self.bank_id}: unchanged ({self.unchanged} items)"
        verb = "created" if self.created_bank else "updated"
        return (
            f"{self.bank_id}: {verb}; {self.new} new, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.retired} retired, {self.restored} restored"
        )


def bank_hash(bank: model.Bank) -> str:
    return hashlib.sha256(export_bank(bank).encode("utf-8")).hexdigest()


def item_key(item: model.Item) -> str:
    """The identity of an item within its bank."""
    return item.id or question_key(item.question)


def import_banks(
    session: Session, banks: list[tuple[model.Bank, str]], now: datetime
) -> list[ImportReport]:
    """Load (bank, source path) pairs into the session. Does not commit."""
    seen: dict[str, str] = {}
    for bank, path in banks:
        if bank.id in seen:
            raise BankImportError(
                f"{path}: bank id {bank.id!r} is also used by {seen[bank.id]}; "
                "each bank needs its own id"
            )
        seen[bank.id] = path
    roles = _job_roles(session, {role for bank, _ in banks for role in bank.all_roles()}, now)
    return [_import_bank(session, bank, path, roles, now) for bank, path in banks]


def _job_roles(session: Session, names: set[str], now: datetime) -> dict[str, JobRole]:
    existing = {
        role.name: role for role in session.scalars(select(JobRole).where(JobRole.name.in_(names)))
    }
    for name in sorted(names - existing.keys()):
        existing[name] = JobRole(name=name, created_at=now)
        session.add(existing[name])
    return existing


def _import_bank(
    session: Session,
    parsed: model.Bank,
    path: str,
    roles: dict[str, JobRole],
    now: datetime,
) -> ImportReport:
    report = ImportReport(parsed.id)
    digest = bank_hash(parsed)
    row = session.scalar(select(Bank).where(Bank.slug == parsed.id))
    if row is not None and row.content_hash == digest:
        report.unchanged_bank = True
        report.unchanged = len(parsed.items)
        return report
    if row is None:
        report.created_bank = True
        row = Bank(slug=parsed.id, created_at=now)
        session.add(row)
    _assign(
        row,
        title=parsed.title,
        version=parsed.version,
        language=parsed.language,
        synonyms=[list(group) for group in parsed.synonyms],
        default_roles=list(parsed.roles),
        variables=[{"name": v.name, "default": v.default} for v in parsed.variables],
        source_path=path,
        content_hash=digest,
        imported_at=now,
    )

    sections_by_title = {s.title: s for s in row.sections} if not report.created_bank else {}
    kept_sections = set()
    section_rows: list[Section] = []
    for position, section in enumerate(parsed.sections):
        section_row = sections_by_title.get(section.title)
        if section_row is None:
            section_row = Section(bank=row, title=section.title, position=position)
            session.add(section_row)
        _assign(section_row, position=position, retired_at=None)
        _set_section_roles(section_row, [roles[name] for name in section.roles])
        kept_sections.add(section.title)
        section_rows.append(section_row)
    for title, section_row in sections_by_title.items():
        if title not in kept_sections and section_row.retired_at is None:
            section_row.retired_at = now

    existing: dict[str, Item] = {}
    if not report.created_bank:
        existing = {
            item.key: item
            for item in session.scalars(
                select(Item)
                .where(Item.bank_id == row.id)
                .options(selectinload(Item.choices), selectinload(Item.key_points))
            )
        }
    by_question = {question_key(item.question): item for item in existing.values()}
    matched: set[int] = set()
    new_items: list[tuple[Section, model.Item, str, int]] = []
    position = 0
    for section, section_row in zip(parsed.sections, section_rows, strict=True):
        for parsed_item in section.items:
            key = item_key(parsed_item)
            item_row = existing.get(key)
            if item_row is None and parsed_item.id:
                # An id newly given to an item that had none: same item, not a new one.
                candidate = by_question.get(question_key(parsed_item.question))
                if (
                    candidate is not None
                    and not candidate.explicit_id
                    and id(candidate) not in matched
                ):
                    item_row = candidate
            if item_row is None or id(item_row) in matched:
                new_items.append((section_row, parsed_item, key, position))
            else:
                matched.add(id(item_row))
                _update_item(item_row, section_row, parsed_item, key, position, now, report)
            position += 1
    for item_row in existing.values():
        if id(item_row) not in matched and item_row.retired_at is None:
            item_row.retired_at = now
            report.retired += 1
    if new_items:
        _insert_items(session, row, new_items, now)
        report.new = len(new_items)
    return report


def _insert_items(
    session: Session,
    bank: Bank,
    new_items: list[tuple[Section, model.Item, str, int]],
    now: datetime,
) -> None:
    """Insert new items and their children in a few bulk statements.

    A first import of a big bank is mostly new items; one ORM object per row (with its
    choices, key points and first version) made a 10,000-item import several times slower.
    """
    session.flush()  # the bank and new sections need their ids
    item_rows = [
        {
            "bank_id": bank.id,
            "section_id": section.id,
            "key": key,
            "explicit_id": parsed.id is not None,
            "position": position,
            "version": 1,
            "created_at": now,
            "updated_at": now,
            **_content_columns(parsed),
        }
        for section, parsed, key, position in new_items
    ]
    # Ids are read back by key: INSERT … RETURNING in parameter order is quadratic in
    # SQLAlchemy's batching on SQLite for tens of thousands of rows.
    session.execute(insert(Item), item_rows)
    keys = {key for _section, _parsed, key, _position in new_items}
    id_by_key = {
        key: item_id
        for item_id, key in session.execute(
            select(Item.id, Item.key).where(Item.bank_id == bank.id)
        )
        if key in keys
    }
    choices, key_points, versions = [], [], []
    for _section, parsed, key, _position in new_items:
        item_id = id_by_key[key]
        choices += [
            {"item_id": item_id, "position": i, "text": c.text, "correct": c.correct}
            for i, c in enumerate(parsed.choices)
        ]
        key_points += [
            {"item_id": item_id, "position": i, "text": text}
            for i, text in enumerate(parsed.key_points)
        ]
        versions.append({"item_id": item_id, **_version_columns(parsed, 1, now)})
    for table, rows in ((Choice, choices), (KeyPoint, key_points), (ItemVersion, versions)):
        if rows:
            session.execute(insert(table), rows)


def _set_section_roles(section: Section, wanted: list[JobRole]) -> None:
    # Reuse the existing link rows: replacing them would insert a row with the same key
    # before the old one is deleted.
    links = {link.job_role.name: link for link in section.role_links}
    wanted_names = [role.name for role in wanted]
    for name, link in list(links.items()):
        if name not in wanted_names:
            section.role_links.remove(link)
    for position, role in enumerate(wanted):
        link = links.get(role.name)
        if link is None:
            section.role_links.append(SectionRole(job_role=role, position=position))
        elif link.position != position:
            link.position = position


def _update_item(
    item: Item,
    section: Section,
    parsed: model.Item,
    key: str,
    position: int,
    now: datetime,
    report: ImportReport,
) -> None:
    if item.retired_at is not None:
        item.retired_at = None
        report.restored += 1
    _assign(item, section=section, position=position, key=key, explicit_id=parsed.id is not None)
    if item.content_hash == parsed.content_hash:
        report.unchanged += 1
        return
    columns = _content_columns(parsed)
    if item.answer_hash != columns["answer_hash"]:
        report.answer_changed.append(item.id)
    _assign(item, **columns)
    item.version += 1
    item.updated_at = now
    item.choices = _choice_rows(parsed)
    item.key_points = _key_point_rows(parsed)
    # Added through the session, not item.versions, which would load every old version.
    session = object_session(item)
    session.add(ItemVersion(item_id=item.id, **_version_columns(parsed, item.version, now)))
    report.updated += 1


def _content_columns(parsed: model.Item) -> dict:
    return {
        "type": parsed.type,
        "content_hash": parsed.content_hash,
        "answer_hash": parsed.answer_hash,
        "question": parsed.question,
        "answer": parsed.answer,
        "verdict": parsed.verdict,
        "blanks": [list(blank) for blank in parsed.blanks],
        "tags": list(parsed.tags),
        "synonyms": [list(group) for group in parsed.synonyms],
        "explanation": parsed.explanation,
        "source": parsed.source,
        "passage": parsed.passage,
        "red_line": parsed.red_line,
        "variables": list(parsed.variables),
        "derived_from": parsed.derived_from,
    }


def _choice_rows(parsed: model.Item) -> list[Choice]:
    return [
        Choice(position=i, text=choice.text, correct=choice.correct)
        for i, choice in enumerate(parsed.choices)
    ]


def _key_point_rows(parsed: model.Item) -> list[KeyPoint]:
    return [KeyPoint(position=i, text=text) for i, text in enumerate(parsed.key_points)]


def _version_columns(parsed: model.Item, version: int, now: datetime) -> dict:
    return {
        "version": version,
        "content_hash": parsed.content_hash,
        "answer_hash": parsed.answer_hash,
        "content": parsed.content(),
        "created_at": now,
    }


def _assign(row, **values) -> None:
    """Set only the attributes that differ, so unchanged rows are not written."""
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)


def item_from_row(item: Item) -> model.Item:
    """The stored item as a parser dataclass (for export)."""
    return model.Item(
        type=item.type,
        question=item.question,
        id=item.key if item.explicit_id else None,
        answer=item.answer,
        key_points=tuple(kp.text for kp in item.key_points),
        choices=tuple(model.Choice(c.text, c.correct) for c in item.choices),
        verdict=item.verdict,
        blanks=tuple(tuple(blank) for blank in item.blanks),
        tags=tuple(item.tags),
        explanation=item.explanation,
        source=item.source,
        passage=item.passage,
        red_line=item.red_line,
        synonyms=tuple(tuple(group) for group in item.synonyms),
        variables=tuple(item.variables or ()),
        derived_from=item.derived_from,
    )


def load_bank(session: Session, slug: str) -> model.Bank | None:
    """The bank as it stands in the database: live sections and items only."""
    row = session.scalar(select(Bank).where(Bank.slug == slug))
    if row is None:
        return None
    items = session.scalars(
        select(Item)
        .where(Item.bank_id == row.id, Item.retired_at.is_(None))
        .order_by(Item.position)
        .options(selectinload(Item.choices), selectinload(Item.key_points))
    ).all()
    by_section: dict[int, list[model.Item]] = {}
    for item in items:
        by_section.setdefault(item.section_id, []).append(item_from_row(item))
    sections = tuple(
        model.Section(
            title=section.title,
            roles=tuple(role.name for role in section.roles),
            items=tuple(by_section.get(section.id, ())),
        )
        for section in row.sections
        if section.retired_at is None
    )
    return model.Bank(
        id=row.slug,
        title=row.title,
        version=row.version,
        language=row.language,
        roles=tuple(row.default_roles),
        synonyms=tuple(tuple(group) for group in row.synonyms),
        sections=sections,
        variables=tuple(model.Variable(v["name"], v.get("default")) for v in (row.variables or ())),
    )
