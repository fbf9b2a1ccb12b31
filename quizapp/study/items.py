"""Items as the study pages show and grade them: immutable views, cached per process.

Every card and every answer needs an item with its options, key points and its bank's
synonyms. Items change only when a bank is re-imported, so each process keeps the views
it has built, keyed by what identifies their content exactly: the item's id, version and
content digest and its bank's digest (any edit changes one of them). A lookup costs one
small indexed read instead of loading the item, its options and its key points.

Company facts ({{公司名称}}) are filled in on every lookup, with the values of the
person's site (quizapp.facts): the cache holds the item as written, so a value set by an
admin shows at once. Grading reads the filled view, so the filled value is what counts.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from threading import Lock

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, joinedload, object_session

from ..bank import variables as vx
from ..bank.model import Choice
from ..facts.service import bank_defaults, values_for
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
    variables: tuple[str, ...] = ()  # the company facts its text uses
    defaults: dict = field(default_factory=dict)  # the bank's default of each variable
    values: dict = field(default_factory=dict)  # the values filled in (`filled`)

    def filled(self, values: dict[str, str]) -> ItemView:
        """The view with these variable values written in (missing ones left as
        {{名称}}): what a hire reads and is graded against."""
        if not self.variables or not values:
            return self

        def text(value: str) -> str:
            return vx.fill(value, values)

        return replace(
            self,
            question=text(self.question),
            answer=text(self.answer),
            explanation=text(self.explanation),
            blanks=[[text(a) for a in blank] for blank in self.blanks],
            choices=tuple(Choice(text(c.text), c.correct) for c in self.choices),
            key_points=tuple(KeyPointView(text(kp.text)) for kp in self.key_points),
            values=dict(values),
        )

    @classmethod
    def of(cls, item: Item, site_id: int | None = None) -> ItemView:
        """The item's view with company facts filled in for people of the site (None:
        the organisation's values), read through the item's session."""
        view = cls.unfilled(item)
        session = object_session(item)
        if not view.variables or session is None:
            return view
        return view.filled(values_for(session, view.variables, view.defaults, site_id))

    @classmethod
    def unfilled(cls, item: Item) -> ItemView:
        """The item's view as written: {{名称}} left in (what the cache holds)."""
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
            variables=tuple(item.variables or ()),
            defaults=bank_defaults(item.bank.variables) if item.variables else {},
        )


_CONTENT_KEY = (
    select(Item.version, Item.content_hash, Bank.content_hash)
    .join(Bank, Bank.id == Item.bank_id)
    .where(Item.id == bindparam("item_id"))
)
_CONTENT_KEYS = (
    select(Item.id, Item.version, Item.content_hash, Bank.content_hash)
    .join(Bank, Bank.id == Item.bank_id)
    .where(Item.id.in_(bindparam("item_ids", expanding=True)))
)
_ITEM = (
    select(Item)
    .where(Item.id == bindparam("item_id"))
    .options(joinedload(Item.choices), joinedload(Item.key_points), joinedload(Item.bank))
)
_views: OrderedDict[tuple, ItemView] = OrderedDict()
_lock = Lock()  # gunicorn's threaded workers share the cache


def load_item(session: Session, item_id: int, site_id: int | None = None) -> ItemView | None:
    """The item's view with company facts filled in for people of the site (None: the
    organisation's values), from the cache when its content has not changed since."""
    view = _load_view(session, item_id)
    if view is None or not view.variables:
        return view
    return view.filled(values_for(session, view.variables, view.defaults, site_id))


def load_items(
    session: Session, item_ids: Iterable[int], site_id: int | None = None
) -> dict[int, ItemView]:
    """`load_item` for several items (an exam's paper): their content keys in one read.
    Items that do not exist are absent."""
    keys = session.connection().execute(_CONTENT_KEYS, {"item_ids": sorted(set(item_ids))})
    found = {}
    for item_id, *key in keys:
        view = _cached((item_id, *key)) or _build(session, item_id)
        if view.variables:
            view = view.filled(values_for(session, view.variables, view.defaults, site_id))
        found[item_id] = view
    return found


def _load_view(session: Session, item_id: int) -> ItemView | None:
    key = session.connection().execute(_CONTENT_KEY, {"item_id": item_id}).first()
    if key is None:
        return None
    return _cached((item_id, *key)) or _build(session, item_id)


def _cached(key: tuple) -> ItemView | None:
    with _lock:
        view = _views.get(key)
        if view is not None:
            _views.move_to_end(key)
        return view


def _build(session: Session, item_id: int) -> ItemView:
    # An item has options or key points, not both, so the joins multiply nothing.
    item = session.scalars(_ITEM, {"item_id": item_id}).unique().one()
    view = ItemView.unfilled(item)
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
