"""Items as the study pages show and grade them: immutable views, cached per process.

Every card and every answer needs an item with its options, key points and its bank's
synonyms. Items change only when a bank is re-imported, so each process keeps the views
it has built, keyed by what identifies their content exactly: the item's id, version and
content digest and its bank's digest (any edit changes one of them). A lookup costs one
small indexed read instead of loading the item, its options and its key points.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, joinedload

from ..bank.model import Choice
from ..models import Bank, Item

CACHE_SIZE = 4096  # items; a company's banks hold a few thousand at most


@dataclass(frozen=True)
class KeyPointView:
    text: str


@dataclass(frozen=True)
class ItemView:
    """The fields of models.Item the study pages and grading read, with its choices and
    key points in order and its bank's synonyms."""

    id: int
    type: str
    version: int
    question: str
    answer: str
    verdict: bool | None
    blanks: list  # one list of accepted answers per blank
    synonyms: list
    explanation: str
    choices: tuple[Choice, ...]
    key_points: tuple[KeyPointView, ...]
    bank_synonyms: list
    red_line: bool = False  # a wrong fact (figure, polarity) makes a typed answer wrong

    @classmethod
    def of(cls, item: Item) -> ItemView:
        return cls(
            id=item.id,
            type=item.type,
            version=item.version,
            question=item.question,
            answer=item.answer,
            verdict=item.verdict,
            blanks=item.blanks or [],
            synonyms=item.synonyms or [],
            explanation=item.explanation,
            choices=tuple(Choice(c.text, c.correct) for c in item.choices),
            key_points=tuple(KeyPointView(kp.text) for kp in item.key_points),
            bank_synonyms=item.bank.synonyms or [],
            red_line=bool(item.red_line),
        )


_CONTENT_KEY = (
    select(Item.version, Item.content_hash, Bank.content_hash)
    .join(Bank, Bank.id == Item.bank_id)
    .where(Item.id == bindparam("item_id"))
)
_ITEM = (
    select(Item)
    .where(Item.id == bindparam("item_id"))
    .options(joinedload(Item.choices), joinedload(Item.key_points), joinedload(Item.bank))
)
_views: OrderedDict[tuple, ItemView] = OrderedDict()
_lock = Lock()  # gunicorn's threaded workers share the cache


def load_item(session: Session, item_id: int) -> ItemView | None:
    """The item's view, from the cache when its content has not changed since."""
    key = session.connection().execute(_CONTENT_KEY, {"item_id": item_id}).first()
    if key is None:
        return None
    key = (item_id, *key)
    with _lock:
        view = _views.get(key)
        if view is not None:
            _views.move_to_end(key)
            return view
    # An item has options or key points, not both, so the joins multiply nothing.
    item = session.scalars(_ITEM, {"item_id": item_id}).unique().one()
    view = ItemView.of(item)
    # Stored under the digests read with the item itself: a re-import committed between
    # the two reads must not file new content under the old key.
    key = (item_id, item.version, item.content_hash, item.bank.content_hash)
    with _lock:
        _views[key] = view
        if len(_views) > CACHE_SIZE:
            _views.popitem(last=False)
    return view


def clear() -> None:
    with _lock:
        _views.clear()
