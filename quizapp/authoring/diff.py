"""What publishing a draft would change: items added, changed (which fields, and whether
the right answer changed) and retired, compared with the bank as it stands.

Pure: two `model.Bank` values in, a `BankDiff` out. Items are matched the way the loader
matches them (quizapp.bank.loader: the trainer's 编号, else the question's digest; an id
newly given to an item that had none keeps the item), so the preview says what the
import will do. How many people each change sends back to relearning needs the database:
the caller passes the count of memory states per item key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..bank import model
from ..bank.loader import item_key, question_key

# The parts of an item a trainer edits, in the order a change is described.
FIELDS = (
    "type",
    "question",
    "answer",
    "choices",
    "verdict",
    "blanks",
    "explanation",
    "tags",
    "red_line",
    "synonyms",
    "source",
    "passage",
    "id",
)


@dataclass(frozen=True)
class ItemChange:
    """One item added, changed or retired.

    Attributes:
        key: the item's identity in its bank (its 编号 or its question's digest).
        question: the question (the new one for an added or changed item).
        section: the title of the section it is (or was) in.
        fields: for a changed item, the names (FIELDS) of what changed; "section" too
            when it moved to another section.
        answer_changed: the right answer changed: learners relearn it.
        resets: memory states the change resets (people who had started the item).
    """

    key: str
    question: str
    section: str
    fields: tuple[str, ...] = ()
    answer_changed: bool = False
    resets: int = 0


@dataclass(frozen=True)
class BankDiff:
    bank_id: str
    new_bank: bool
    added: tuple[ItemChange, ...] = ()
    changed: tuple[ItemChange, ...] = ()
    retired: tuple[ItemChange, ...] = ()
    unchanged: int = 0
    # Title, version, roles or section changes without any item change.
    bank_fields: tuple[str, ...] = field(default=())

    @property
    def resets(self) -> int:
        return sum(change.resets for change in self.changed)

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.retired or self.bank_fields)

    def summary(self) -> dict:
        """JSON-ready counts, as a bank revision stores them."""
        return {
            "new_bank": self.new_bank,
            "added": len(self.added),
            "changed": len(self.changed),
            "answer_changed": sum(1 for c in self.changed if c.answer_changed),
            "retired": len(self.retired),
            "unchanged": self.unchanged,
            "resets": self.resets,
        }


def _located(bank: model.Bank | None) -> list[tuple[model.Item, str]]:
    if bank is None:
        return []
    return [(item, section.title) for section in bank.sections for item in section.items]


def changed_fields(old: model.Item, new: model.Item) -> tuple[str, ...]:
    """The names of the parts that differ between two versions of an item."""
    before, after = old.content(), new.content()
    names = []
    for name in FIELDS:
        if name == "answer":
            differs = before["answer"] != after["answer"] or (
                before["key_points"] != after["key_points"]
            )
        else:
            differs = before[name] != after[name]
        if differs:
            names.append(name)
    return tuple(names)


def diff_banks(
    old: model.Bank | None,
    new: model.Bank,
    states_by_key: Mapping[str, int] | None = None,
) -> BankDiff:
    """Compare the bank as it stands (None: a new bank) with the draft.

    `states_by_key`: memory states per item key of the old bank (people who started the
    item); an item whose right answer changes resets that many.
    """
    states_by_key = states_by_key or {}
    existing = {item_key(item): (item, title) for item, title in _located(old)}
    by_question = {question_key(item.question): key for key, (item, _) in existing.items()}
    matched: set[str] = set()
    added: list[ItemChange] = []
    changed: list[ItemChange] = []
    unchanged = 0
    for item, title in _located(new):
        key = item_key(item)
        old_key = key if key in existing else None
        if old_key is None and item.id:
            candidate = by_question.get(question_key(item.question))
            if candidate is not None and existing[candidate][0].id is None:
                old_key = candidate
        if old_key is None or old_key in matched:
            added.append(ItemChange(key, item.question, title))
            continue
        matched.add(old_key)
        before, old_title = existing[old_key]
        names = changed_fields(before, item)
        if old_title != title:
            names += ("section",)
        if not names:
            unchanged += 1
            continue
        answer_changed = before.answer_hash != item.answer_hash
        changed.append(
            ItemChange(
                key,
                item.question,
                title,
                names,
                answer_changed,
                states_by_key.get(old_key, 0) if answer_changed else 0,
            )
        )
    retired = tuple(
        ItemChange(key, item.question, title)
        for key, (item, title) in existing.items()
        if key not in matched
    )
    return BankDiff(
        new.id,
        old is None,
        tuple(added),
        tuple(changed),
        retired,
        unchanged,
        _bank_fields(old, new),
    )


def _bank_fields(old: model.Bank | None, new: model.Bank) -> tuple[str, ...]:
    if old is None:
        return ()
    fields = ("title", "version", "language", "roles", "synonyms", "variables")
    names = [name for name in fields if getattr(old, name, None) != getattr(new, name, None)]
    before = [(s.title, s.roles) for s in old.sections]
    after = [(s.title, s.roles) for s in new.sections]
    if before != after:
        names.append("sections")
    return tuple(names)
