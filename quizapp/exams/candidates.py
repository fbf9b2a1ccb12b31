"""The live items an exam may draw from, read once per process and bank version.

A class starting an exam together draws 100 papers within two seconds, each from the same
few hundred live items; reading and filtering them was most of a start's cost. Items,
their sections and order change only when a bank is imported or published, which changes
the banks' key (`facts.service.banks_key`), so the rows are kept under that key, checked
against the database on every call: every app server sees an import at once.
"""

from __future__ import annotations

from threading import Lock
from typing import NamedTuple
from weakref import WeakKeyDictionary

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from ..facts.service import banks_key
from ..models import Item, Section


class LiveItem(NamedTuple):
    item_id: int
    section_id: int
    type: str
    bank_id: int


# In the banks' order, then the sections' and the items' (the order a paper is drawn in).
_LIVE_ITEMS = (
    select(Item.id, Item.section_id, Item.type, Item.bank_id)
    .join(Section, Section.id == Item.section_id)
    .where(Item.retired_at.is_(None), Section.retired_at.is_(None))
    .order_by(Item.bank_id, Section.position, Item.position)
)
_kept: WeakKeyDictionary[Engine, tuple[tuple, tuple[LiveItem, ...]]] = WeakKeyDictionary()
_kept_lock = Lock()  # gunicorn's threaded workers share it


def live_items(session: Session) -> tuple[LiveItem, ...]:
    """Every live item (not retired, in a live section), in drawing order."""
    engine = session.connection().engine
    key = banks_key(session)
    with _kept_lock:
        kept = _kept.get(engine)
    if kept is not None and kept[0] == key:
        return kept[1]
    rows = tuple(LiveItem(*row) for row in session.execute(_LIVE_ITEMS))
    # Kept only when no import committed while they were read (the key still holds).
    if banks_key(session) == key:
        with _kept_lock:
            _kept[engine] = (key, rows)
    return rows
