"""Editing one item through a form, validated by the bank parser itself.

The new bank text is the current bank's export with this one item replaced; it is parsed,
and each error inside the item's block is mapped back to the form field whose line it is
on. Pure: no Flask, no database.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..bank import model
from ..bank import syntax as sx
from ..bank.export import export_bank
from ..bank.loader import item_key
from ..bank.parser import parse_text, split_lines

# The form's fields, and the bank-format field each one is written as.
FORM_FIELDS = ("question", "answer", "options", "verdict", "explanation", "tags", "red_line")
_LABEL_FIELDS = {
    "类型": "question",
    "编号": "question",
    "红线": "red_line",
    "标签": "tags",
    "同义词": "synonyms",
    "解析": "explanation",
    "来源": "form",
    "原文": "form",
}
_SENTINEL = "\u2063quizapp-item-being-edited\u2063"


@dataclass(frozen=True)
class OptionInput:
    text: str
    correct: bool = False


@dataclass(frozen=True)
class ItemInput:
    """What the form sent. Only the fields of the item's type are used."""

    question: str
    answer: str = ""
    options: tuple[OptionInput, ...] = ()
    verdict: bool | None = None
    explanation: str = ""
    tags: str = ""
    red_line: bool = False
    synonyms: str = ""


@dataclass
class ItemEdit:
    """The outcome: the new bank text and item when valid, else errors by form field."""

    text: str
    item: model.Item | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)
    unchanged: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and self.item is not None


def item_input(item: model.Item) -> ItemInput:
    """The form's initial values for an item."""
    return ItemInput(
        question=item.question,
        answer=item.answer,
        options=tuple(OptionInput(c.text, c.correct) for c in item.choices),
        verdict=item.verdict,
        explanation=item.explanation,
        tags="、".join(item.tags),
        red_line=item.red_line,
        synonyms="；".join("=".join(group) for group in item.synonyms),
    )


def find_item(bank: model.Bank, key: str) -> tuple[int, int] | None:
    """(section index, item index) of the item with this key."""
    for s, section in enumerate(bank.sections):
        for i, item in enumerate(section.items):
            if item_key(item) == key:
                return s, i
    return None


def _synonym_groups(text: str) -> tuple[tuple[str, ...], ...]:
    groups = []
    for group in sx.GROUP_SEPARATORS_RE.split(text):
        words = tuple(w.strip() for w in sx.SYNONYM_SEPARATORS_RE.split(group) if w.strip())
        if words:
            groups.append(words)
    return tuple(groups)


def edited(item: model.Item, values: ItemInput) -> model.Item:
    """The item with the form's values (not yet validated: the parser does that)."""
    changes: dict = {
        "question": values.question.strip("\n"),
        "explanation": values.explanation.strip("\n"),
        "tags": sx.split_list(values.tags),
        "red_line": values.red_line,
        "synonyms": _synonym_groups(values.synonyms),
    }
    if item.type == "qa":
        changes["answer"] = values.answer.strip("\n")
    elif item.type in ("single", "multi"):
        changes["choices"] = tuple(
            model.Choice(option.text.strip(), option.correct)
            for option in values.options
            if option.text.strip()
        )
    elif item.type == "judge":
        changes["verdict"] = values.verdict
    return replace(item, **changes)


def _with_item(bank: model.Bank, where: tuple[int, int], item: model.Item) -> model.Bank:
    s, i = where
    section = bank.sections[s]
    items = section.items[:i] + (item,) + section.items[i + 1 :]
    sections = bank.sections[:s] + (replace(section, items=items),) + bank.sections[s + 1 :]
    return replace(bank, sections=sections)


def _block(bank: model.Bank, where: tuple[int, int], item: model.Item) -> int:
    """The line (from 1) where the item's block starts in the exported bank."""
    marked = export_bank(_with_item(bank, where, replace(item, question=_SENTINEL)))
    for number, line in enumerate(split_lines(marked), start=1):
        if line.startswith("## ") and line.endswith(_SENTINEL):
            return number
    raise AssertionError("the edited item is not in the exported bank")


# Errors the parser reports at the item's first line, by what they are about.
_ITEM_LINE_TOPICS = (("option", "options"), ("verdict", "verdict"), ("答案", "answer"))


def _field_at(lines: list[str], start: int, line: int, item: model.Item, message: str) -> str:
    """The form field an error at `line` (inside the item's block) belongs to."""
    if line == start:
        for word, name in _ITEM_LINE_TOPICS:
            if word in message and (name != "answer" or item.type == "qa"):
                return name
    for number in range(line, start, -1):
        text = lines[number - 1]
        if text.startswith("- ["):
            return "options"
        if text.startswith("答案："):
            return "verdict" if item.type == "judge" else "answer"
        for label, name in _LABEL_FIELDS.items():
            if text.startswith(f"{label}："):
                return name
    return "question"


def edit_item(bank: model.Bank, key: str, values: ItemInput) -> ItemEdit:
    """Replace the item with this key by the form's values and parse the result."""
    where = find_item(bank, key)
    if where is None:
        raise KeyError(key)
    original = bank.sections[where[0]].items[where[1]]
    item = edited(original, values)
    start = _block(bank, where, item)
    text = export_bank(_with_item(bank, where, item))
    lines = split_lines(text)
    end = next(
        (n for n in range(start + 1, len(lines) + 1) if lines[n - 1].startswith("#")),
        len(lines) + 1,
    )
    result = parse_text(text, f"{bank.id}.md")
    outcome = ItemEdit(text)
    for problem in result.errors:
        inside = start <= problem.line < end
        name = _field_at(lines, start, problem.line, item, problem.message) if inside else "form"
        outcome.errors.setdefault(name, []).append(problem.message)
    if outcome.errors:
        return outcome
    new = result.bank.sections[where[0]].items[where[1]]
    outcome.item = new
    outcome.unchanged = new == original
    return outcome
