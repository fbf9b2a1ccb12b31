"""Company facts: the values of bank variables ({{公司名称}}) for the organisation and sites.

A hire sees an item with the values of their site: the site's value, else the
organisation's, else the bank's default. An item with a variable that has none of the
three is hidden from hires (`hidden_by_site` is the one rule every place that picks a
hire's items applies) and listed for admins (`hidden_items`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from threading import Lock
from weakref import WeakKeyDictionary

from sqlalchemy import String, cast, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from ..bank import variables as vx
from ..database import write_transaction
from ..i18n import N_
from ..models import Bank, CompanyFact, Employee, Item, Section, Site
from ..people import audit
from ..people.service import PersonError
from ..textsafety import bad_character, describe_character

_LIVE = (Item.retired_at.is_(None), Section.retired_at.is_(None))
# Items whose text uses a variable (their list is not empty).
_WITH_VARIABLES = (
    select(Item.id, Item.variables, Item.bank_id)
    .join(Section, Section.id == Item.section_id)
    .where(cast(Item.variables, String) != "[]", *_LIVE)
)


def site_values(session: Session, site_id: int | None) -> dict[str, str]:
    """The values set for a site: the organisation's, overlaid by the site's own."""
    rows = session.execute(
        select(CompanyFact.name, CompanyFact.site_id, CompanyFact.value).where(
            CompanyFact.site_id.is_(None)
            if site_id is None
            else (CompanyFact.site_id.is_(None) | (CompanyFact.site_id == site_id))
        )
    ).all()
    values = {name: value for name, site, value in rows if site is None}
    values.update({name: value for name, site, value in rows if site is not None})
    return values


def values_for(
    session: Session, names: Iterable[str], defaults: dict[str, str | None], site_id: int | None
) -> dict[str, str]:
    """The filled value of each name for people of the site (None: no site): names with
    no value at all are left out."""
    names = list(names)
    if not names:
        return {}
    return vx.resolve(names, defaults, site_values(session, site_id))


def employee_values(
    session: Session, employee: Employee | None, names: Iterable[str], defaults: dict
) -> dict[str, str]:
    """`values_for` the employee's site (the organisation's values without an employee)."""
    return values_for(session, names, defaults, employee.site_id if employee else None)


def bank_defaults(variables: Iterable[dict] | None) -> dict[str, str | None]:
    """A Bank.variables list as name → default."""
    return {v["name"]: v.get("default") for v in variables or ()}


# What `version` reads, for a caller that reads it along with its own figures.
VERSION_COLUMNS = (
    select(func.count()).select_from(CompanyFact).scalar_subquery(),
    select(func.max(CompanyFact.updated_at)).scalar_subquery(),
)


def version(session: Session) -> str:
    """Changes whenever a value is set or cleared: part of cached figures' keys."""
    return version_of(*session.execute(select(*VERSION_COLUMNS)).one())


def version_of(count: int, latest) -> str:
    return f"{count}@{latest}"


@dataclass(frozen=True)
class _VariableItems:
    """The live items whose text uses a variable, with their banks' defaults: what
    `hidden_by_site` needs of the banks, as read under one `key`."""

    key: tuple
    rows: tuple[tuple[int, tuple[str, ...], int], ...]  # (item id, variable names, bank id)
    defaults: dict[int, dict[str, str | None]]  # bank id → name → default


# Items change only when a bank is imported or published, which changes its content digest
# (and a new item raises the largest item id): read on every call, this key says whether
# the rows kept for a database (per engine: tests and tools open several) are still its
# rows. Kept per process, but checked against the database each time, so every app
# server sees an import at once.
_BANKS_KEY = select(
    Bank.id, Bank.content_hash, select(func.max(Item.id)).scalar_subquery()
).order_by(Bank.id)
_variable_items: WeakKeyDictionary[Engine, _VariableItems] = WeakKeyDictionary()
_variable_items_lock = Lock()  # gunicorn's threaded workers share it


def banks_key(session: Session) -> tuple:
    """What changes whenever any bank's items do (an import, a publish, a new or removed
    bank): rows kept per process are still the database's while this is unchanged."""
    return tuple(tuple(row) for row in session.execute(_BANKS_KEY))


def _items_with_variables(session: Session) -> _VariableItems:
    engine = session.connection().engine
    key = banks_key(session)
    with _variable_items_lock:
        kept = _variable_items.get(engine)
    if kept is not None and kept.key == key:
        return kept
    rows = tuple(
        (item_id, tuple(names or ()), bank_id)
        for item_id, names, bank_id in session.execute(_WITH_VARIABLES)
    )
    defaults = {}
    if rows:
        defaults = {
            bank_id: bank_defaults(variables)
            for bank_id, variables in session.execute(
                select(Bank.id, Bank.variables).where(Bank.id.in_({row[2] for row in rows}))
            )
        }
    found = _VariableItems(key, rows, defaults)
    # Kept only when no import committed while they were read (the key still holds).
    if banks_key(session) == key:
        with _variable_items_lock:
            _variable_items[engine] = found
    return found


def hidden_by_site(
    session: Session, site_ids: Iterable[int | None]
) -> dict[int | None, frozenset[int]]:
    """For each site (None: people without one), the live items hidden from its people
    because a variable they use has no value. One small query when no item uses a
    variable, two otherwise (the items that use one are read again only after a bank
    changed)."""
    site_ids = set(site_ids)
    variable = _items_with_variables(session)
    if not variable.rows:
        return dict.fromkeys(site_ids, frozenset())
    facts = session.execute(
        select(CompanyFact.name, CompanyFact.site_id).where(
            CompanyFact.site_id.is_(None)
            | CompanyFact.site_id.in_([s for s in site_ids if s is not None])
        )
    ).all()
    organisation = {name for name, site in facts if site is None}
    found = {}
    for site_id in site_ids:
        own = {name for name, site in facts if site is not None and site == site_id}
        known = organisation | own
        found[site_id] = frozenset(
            item_id
            for item_id, names, bank_id in variable.rows
            if any(
                name not in known and variable.defaults.get(bank_id, {}).get(name) is None
                for name in names
            )
        )
    return found


def hidden_for(session: Session, site_id: int | None) -> frozenset[int]:
    """The live items hidden from people of this site (None: people without a site)."""
    return hidden_by_site(session, [site_id])[site_id]


def is_hidden(session: Session, item_id: int, site_id: int | None) -> bool:
    """Whether one item is hidden from people of the site (two small reads at most)."""
    row = session.execute(
        select(Item.variables, Bank.variables)
        .join(Bank, Bank.id == Item.bank_id)
        .where(Item.id == item_id)
    ).first()
    if row is None or not row[0]:
        return False
    values = values_for(session, row[0], bank_defaults(row[1]), site_id)
    return bool(vx.missing(row[0], values))


# -- the admin page ---------------------------------------------------------------------


@dataclass(frozen=True)
class FactRow:
    """A variable declared by a bank, with its defaults and the values set."""

    name: str
    defaults: list[tuple[str, str | None]]  # (bank title, default) of each bank declaring it
    organisation: str | None
    sites: list[tuple[int, str, str]]  # (site id, site name, value) of sites with a value


@dataclass(frozen=True)
class HiddenItem:
    bank: str
    bank_slug: str
    item_id: int
    question: str
    missing: list[str]
    shown_at: list[str]  # names of sites whose values complete it


def fact_rows(session: Session) -> list[FactRow]:
    """Every variable a bank with live items declares, by name, with its values."""
    live_banks = select(Section.bank_id).join(Item, Item.section_id == Section.id).where(*_LIVE)
    declared: dict[str, list[tuple[str, str | None]]] = {}
    for title, variables in session.execute(
        select(Bank.title, Bank.variables).where(Bank.id.in_(live_banks)).order_by(Bank.slug)
    ):
        for variable in variables or ():
            declared.setdefault(variable["name"], []).append((title, variable.get("default")))
    set_values = session.execute(
        select(CompanyFact.name, CompanyFact.site_id, Site.name, CompanyFact.value)
        .outerjoin(Site, Site.id == CompanyFact.site_id)
        .order_by(Site.name)
    ).all()
    rows = []
    for name in sorted(declared.keys() | {row[0] for row in set_values}):
        rows.append(
            FactRow(
                name,
                declared.get(name, []),
                next((v for n, s, _sn, v in set_values if n == name and s is None), None),
                [(s, sn, v) for n, s, sn, v in set_values if n == name and s is not None],
            )
        )
    return rows


def hidden_items(session: Session, limit: int = 500) -> list[HiddenItem]:
    """Items hidden from people without a site value: a variable has no organisation
    value and no default. Each with the sites whose own values show it."""
    hidden = hidden_for(session, None)
    if not hidden:
        return []
    ids = sorted(hidden)[:limit]
    items = session.execute(
        select(Item.id, Item.question, Item.variables, Bank.slug, Bank.title, Bank.variables)
        .join(Bank, Bank.id == Item.bank_id)
        .where(Item.id.in_(ids))
        .order_by(Bank.slug, Item.position)
    ).all()
    organisation = site_values(session, None)
    by_site: dict[str, set[str]] = {}
    for name, site in session.execute(
        select(CompanyFact.name, Site.name).join(Site, Site.id == CompanyFact.site_id)
    ):
        by_site.setdefault(site, set()).add(name)
    found = []
    for item_id, question, names, slug, title, variables in items:
        values = vx.resolve(names, bank_defaults(variables), organisation)
        lacking = vx.missing(names, values)
        shown_at = sorted(site for site, set_ in by_site.items() if set(lacking) <= set_)
        found.append(HiddenItem(title, slug, item_id, question, lacking, shown_at))
    return found


def set_value(
    session: Session,
    name: str,
    site_id: int | None,
    value: str,
    actor: Employee,
    now: datetime,
) -> None:
    """Set a variable's value for the organisation (site_id None) or a site. Raises
    PersonError (field name, value or site) with nothing changed."""
    name = name.strip()
    value = value.strip()
    _check_name(name)
    if not value:
        raise PersonError("value", N_("请输入值；要清除请用“清除”"))
    problem = vx.value_problem(value)
    if problem is not None:
        raise PersonError("value", _VALUE_PROBLEMS[problem], limit=vx.MAX_VALUE_LENGTH)
    ch = bad_character(value)
    if ch is not None:
        raise PersonError(
            "value", N_("值含有不允许的字符 %(character)s"), character=describe_character(ch)
        )
    with write_transaction(session):
        site = _site(session, site_id)
        row = _fact(session, name, site_id)
        old = row.value if row is not None else None
        if row is None:
            row = CompanyFact(name=name, site_id=site_id, value=value)
            session.add(row)
        row.value = value
        row.updated_at = now
        row.updated_by_id = actor.id
        record(session, actor, name, site, old, value, now)


def clear_value(
    session: Session, name: str, site_id: int | None, actor: Employee, now: datetime
) -> bool:
    """Remove a variable's value for the organisation or a site. False if none was set."""
    name = name.strip()
    _check_name(name)
    with write_transaction(session):
        site = _site(session, site_id)
        row = _fact(session, name, site_id)
        if row is None:
            return False
        record(session, actor, name, site, row.value, None, now)
        session.delete(row)
    return True


def record(
    session: Session,
    actor: Employee | None,
    name: str,
    site: Site | None,
    old: str | None,
    new: str | None,
    now: datetime,
) -> None:
    """Audit one change of a value (new None: cleared)."""
    detail = {"site": site.name if site else None, "old": old}
    if new is not None:
        detail["new"] = new
    action = "company_fact_set" if new is not None else "company_fact_clear"
    audit.record(session, action, actor, target=name, detail=detail, now=now)


_VALUE_PROBLEMS = {
    f"longer than {vx.MAX_VALUE_LENGTH} characters": N_("值不能超过 %(limit)s 个字"),
    "more than one line": N_("值只能有一行"),
    "contains {{ or }}": N_("值不能含有 {{ 或 }}"),
}


def _check_name(name: str) -> None:
    if not vx.is_name(name):
        raise PersonError("name", N_("变量名须为 1–20 个汉字、字母、数字或下划线"))


def _site(session: Session, site_id: int | None) -> Site | None:
    if site_id is None:
        return None
    site = session.get(Site, site_id)
    if site is None:
        raise PersonError("site", N_("没有这个项目"))
    return site


def _fact(session: Session, name: str, site_id: int | None) -> CompanyFact | None:
    return session.scalar(
        select(CompanyFact)
        .where(
            CompanyFact.name == name,
            CompanyFact.site_id.is_(None) if site_id is None else CompanyFact.site_id == site_id,
        )
        .execution_options(populate_existing=True)
    )
