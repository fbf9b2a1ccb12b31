"""The bank as plain values: what the parser produces and the exporter and loader consume.

Line numbers are kept for error messages but excluded from equality, so a bank parsed from
an exported file compares equal to the bank it was exported from.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property

ITEM_TYPES = ("qa", "single", "multi", "judge", "cloze")
# What counts as the right answer: a change here sends learners back to relearning.
_ANSWER_FIELDS = ("type", "answer", "key_points", "choices", "verdict", "blanks")


def _digest(data: dict) -> str:
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Choice:
    text: str
    correct: bool


@dataclass(frozen=True)
class Item:
    type: str
    question: str
    id: str | None = None
    # qa: the Markdown answer; its top-level list items are the key points.
    answer: str = ""
    key_points: tuple[str, ...] = ()
    choices: tuple[Choice, ...] = ()
    verdict: bool | None = None
    # cloze: one tuple of accepted answers per blank, in order of appearance.
    blanks: tuple[tuple[str, ...], ...] = ()
    tags: tuple[str, ...] = ()
    explanation: str = ""
    source: str = ""
    passage: str = ""
    red_line: bool = False
    synonyms: tuple[tuple[str, ...], ...] = ()
    # Names of the bank variables ({{公司名称}}) the item's text uses, in order of first use.
    variables: tuple[str, ...] = ()
    # The key (编号) of the 问答 item a generated practice item was derived from.
    derived_from: str | None = None
    line: int = field(default=0, compare=False)

    def content(self) -> dict:
        """Everything that makes up the item's content, as JSON-ready values."""
        # Written out rather than dataclasses.asdict: this runs for every item of an import.
        return {
            "type": self.type,
            "question": self.question,
            "id": self.id,
            "answer": self.answer,
            "key_points": list(self.key_points),
            "choices": [{"text": c.text, "correct": c.correct} for c in self.choices],
            "verdict": self.verdict,
            "blanks": [list(blank) for blank in self.blanks],
            "tags": list(self.tags),
            "explanation": self.explanation,
            "source": self.source,
            "passage": self.passage,
            "red_line": self.red_line,
            "synonyms": [list(group) for group in self.synonyms],
            # Only when set: the digest of an item without it stays what it was.
            **({"derived_from": self.derived_from} if self.derived_from is not None else {}),
        }

    @cached_property
    def content_hash(self) -> str:
        """A digest of the content: equal for equal items, different after any edit."""
        return _digest(self.content())

    @cached_property
    def answer_hash(self) -> str:
        """A digest of what counts as the right answer (not the wording of hints)."""
        content = self.content()
        return _digest({k: content[k] for k in _ANSWER_FIELDS})


@dataclass(frozen=True)
class Variable:
    """A company fact a bank's text may use as {{name}}: filled per organisation or site;
    `default` is used while no value is set (None: the item is hidden until one is)."""

    name: str
    default: str | None = None


@dataclass(frozen=True)
class Section:
    title: str
    roles: tuple[str, ...]
    items: tuple[Item, ...]
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Bank:
    id: str
    title: str
    version: str = "1"
    language: str = "zh-CN"
    roles: tuple[str, ...] = ()
    synonyms: tuple[tuple[str, ...], ...] = ()
    sections: tuple[Section, ...] = ()
    variables: tuple[Variable, ...] = ()

    @property
    def items(self) -> list[Item]:
        return [item for section in self.sections for item in section.items]

    def all_roles(self) -> list[str]:
        """Every job role named by the bank or its sections, in first-seen order."""
        seen: dict[str, None] = {}
        for role in self.roles:
            seen.setdefault(role)
        for section in self.sections:
            for role in section.roles:
                seen.setdefault(role)
        return list(seen)

    def count_by_type(self) -> dict[str, int]:
        counts = dict.fromkeys(ITEM_TYPES, 0)
        for item in self.items:
            counts[item.type] += 1
        return counts


@dataclass(frozen=True)
class Problem:
    """An error or warning at a line of a bank file."""

    line: int
    message: str

    def format(self, filename: str) -> str:
        return f"{filename}:{self.line}: {self.message}"


@dataclass
class ParseResult:
    bank: Bank | None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    filename: str = "<text>"

    @property
    def ok(self) -> bool:
        return not self.errors and self.bank is not None
