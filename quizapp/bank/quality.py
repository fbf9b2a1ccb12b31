"""Quality checks of parsed banks: problems a file can have while still being valid.

Pure Python, no Flask: `check_bank` looks at one bank, `check_banks` at several together,
adding what only shows across files — the same question twice, or two items that teach
different facts to people of the same job role (岗位).

Each finding is a `QualityWarning` with the file, line and item 编号, a short ``kind`` and
a message a trainer can act on. Hire-visible texts are the titles, and of every item the
question, answer, options, blanks, explanation (解析) and source quote (原文: the catalog
shows it, so a quote keeps out a template's XX with "……").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import islice

from .model import Bank, Item
from .parser import normalise_question

#: At most this many key points in a 问答 item: more cannot be recalled in one answer.
MAX_KEY_POINTS = 6
#: At least this many wrong options in a 多选 item.
MIN_WRONG_OPTIONS = 2
#: An item is compared with at most this many earlier items asking the same question.
MAX_COMPARED = 20

KINDS = (
    "multi-wrong-options",
    "qa-key-points",
    "placeholder",
    "editor-note",
    "duplicate",
    "contradiction",
)

# A template placeholder: XX / xx / XXX (not inside a Latin word such as XXL or Xbox, but
# also in 19XX年), 某某, or ×× standing for a company, place or date (××物业, ××市, 19××年).
# A ××× slot in a script (我是物业中心的×××, 请您问问×××) is for the speaker to fill in and
# is allowed: the grader ignores it in key points.
_PLACEHOLDER_RE = re.compile(
    r"(?<![A-Za-z])(?:X{2,}|x{2,})(?![A-Za-z])"
    r"|某某"
    r"|(?<=\d)×{2,}"
    r"|×{2,}(?=(?:物业|集团|公司|控股|有限|市|省|县|区|路|街|号|楼|小区|年|月|日))"
)
# An editor's note to the trainer left in the bank (about the document, not the topic).
_EDITOR_NOTE_RE = re.compile(
    r"原文中的|占位符|手册模板|原文为手册|培训时换成|由?培训师换成|后再导入|导入前"
    r"|识别(?:错误|有误)|未(?:列入|列为|作为)(?:要点|考点)|内容缺失|原文此题"
)
# "<subject ending in 率> [为|达到|…] <number>%": a target figure such as 维修及时率100%.
_RATE_RE = re.compile(
    r"([\u4e00-\u9fff]{1,16}率)"
    r"(?:应|要|须|需|必须)?(?:达到|达|为|是|在|不低于|保持在|控制在)?\s*[:：>≥＞]?\s*"
    r"(\d+(?:\.\d+)?)\s*[%％﹪]"
)
_SUBJECT_BREAK_RE = re.compile(r".*(?:的|中|和|及|与|、)(?=[\u4e00-\u9fff]{2,}率$)")
_NUMBER_RE = re.compile(r"\d+(?:\.\d+)?\s*[%％﹪]?")
_BLANK_RE = re.compile(r"\{\{([^{}]*)\}\}")


@dataclass(frozen=True)
class QualityWarning:
    """A quality problem at a line of a bank file."""

    path: str
    line: int
    item_id: str | None
    kind: str
    message: str

    def format(self) -> str:
        return f"{self.path}:{self.line}: warning: {self.message}"

    def to_dict(self) -> dict:
        return {
            "line": self.line,
            "item_id": self.item_id,
            "kind": self.kind,
            "message": self.message,
        }


@dataclass(frozen=True)
class _Located:
    item: Item
    path: str
    bank_id: str
    roles: tuple[str, ...]

    def where(self) -> str:
        label = self.item.id or f"line {self.item.line}"
        return f"{self.path}:{self.item.line} ({label})"


def check_bank(bank: Bank, path: str) -> list[QualityWarning]:
    """The checks of one bank on its own: options, key points, placeholders, notes."""
    found: list[QualityWarning] = []
    for line, text in [(1, bank.title)] + [(s.line, s.title) for s in bank.sections]:
        match = _PLACEHOLDER_RE.search(text)
        if match:
            found.append(
                QualityWarning(
                    path,
                    line,
                    None,
                    "placeholder",
                    f"placeholder {match.group(0)!r} in a title: write the real name, "
                    "or a variable such as {{公司名称}}",
                )
            )
    for item in bank.items:
        found.extend(_item_warnings(item, path))
    return found


def check_banks(banks: Sequence[tuple[Bank, str]]) -> list[QualityWarning]:
    """Every check of every bank, and the checks across banks: (bank, path) pairs in."""
    found: list[QualityWarning] = []
    for bank, path in banks:
        found.extend(check_bank(bank, path))
    located = [
        _Located(item, path, bank.id, section.roles)
        for bank, path in banks
        for section in bank.sections
        for item in section.items
    ]
    found.extend(_cross_warnings(located))
    return sorted(found, key=lambda w: (w.path, w.line, w.kind))


def placeholders(text: str) -> list[str]:
    """The template placeholders in ``text`` (XX, 某某, ××市 …)."""
    return [m.group(0) for m in _PLACEHOLDER_RE.finditer(text)]


def editor_notes(text: str) -> list[str]:
    """The phrases of ``text`` that mark a note to the trainer (占位符, 培训时换成 …)."""
    return [m.group(0) for m in _EDITOR_NOTE_RE.finditer(text)]


def visible_texts(item: Item) -> list[tuple[str, str]]:
    """(field name, text) of everything a hire sees of an item (the catalog shows 原文 too)."""
    texts = [("question", item.question), ("answer", item.answer)]
    texts += [("option", choice.text) for choice in item.choices]
    texts += [("blank", answer) for blank in item.blanks for answer in blank]
    texts += [("explanation", item.explanation), ("source quote", item.passage)]
    return [(name, text) for name, text in texts if text]


def _item_warnings(item: Item, path: str) -> list[QualityWarning]:
    found = []

    def warn(kind: str, message: str) -> None:
        found.append(QualityWarning(path, item.line, item.id, kind, message))

    if item.type == "multi":
        wrong = sum(1 for choice in item.choices if not choice.correct)
        if wrong < MIN_WRONG_OPTIONS:
            warn(
                "multi-wrong-options",
                f"多选 item has {wrong} wrong option(s): give it at least "
                f"{MIN_WRONG_OPTIONS} plausible wrong options",
            )
    if item.type == "qa" and len(item.key_points) > MAX_KEY_POINTS:
        warn(
            "qa-key-points",
            f"问答 item has {len(item.key_points)} key points (at most {MAX_KEY_POINTS}): "
            "split it into several items",
        )
    for name, text in visible_texts(item):
        found_placeholders = placeholders(text)
        if found_placeholders:
            fix = (
                "leave it out of the quote with ……"
                if name == "source quote"
                else "write the real text, or a variable such as {{公司名称}} declared "
                "in the front matter (变量：公司名称)"
            )
            warn("placeholder", f"placeholder {found_placeholders[0]!r} in the {name}: {fix}")
        notes = editor_notes(text)
        if notes:
            warn(
                "editor-note",
                f"note to the trainer in the {name} ({notes[0]!r}): hires see this text; "
                "remove the note",
            )
    return found


# -- across banks ------------------------------------------------------------------------


def _facts(item: Item) -> str:
    """The text that states what the item teaches as true."""
    if item.type == "qa":
        return item.answer
    if item.type == "judge":
        return item.question if item.verdict else ""
    if item.type == "cloze":
        answers = iter(blank[0] if blank else "" for blank in item.blanks)
        return _BLANK_RE.sub(lambda _m: next(answers, ""), item.question)
    correct = [choice.text for choice in item.choices if choice.correct]
    return "\n".join(correct)


def _numbers(text: str) -> frozenset[str]:
    found = (re.sub(r"\s+", "", m.group(0)) for m in _NUMBER_RE.finditer(text))
    return frozenset(re.sub("[％﹪]", "%", number) for number in found)


def _same_figures(a: Item, b: Item) -> bool:
    """Whether two items of one type teach the same figures (blanks: a shared answer each)."""
    if a.type == "cloze":
        return len(a.blanks) == len(b.blanks) and all(
            set(x) & set(y) for x, y in zip(a.blanks, b.blanks, strict=True)
        )
    return _numbers(_facts(a)) == _numbers(_facts(b))


def rate_facts(text: str) -> list[tuple[str, str]]:
    """(subject, value) of every "<…率> <number>%" in ``text``, e.g. ("维修及时率", "95%")."""
    pairs = []
    for line in re.split(r"[\n，。；;,]", text):
        for match in _RATE_RE.finditer(line):
            subject = _SUBJECT_BREAK_RE.sub("", match.group(1))
            pairs.append((subject, match.group(2) + "%"))
    return pairs


def _roles_overlap(a: _Located, b: _Located) -> bool:
    return bool(set(a.roles) & set(b.roles))


def _cross_warnings(located: list[_Located]) -> list[QualityWarning]:
    found: list[QualityWarning] = []
    seen_pairs: set[tuple[int, int]] = set()

    def warn(one: _Located, other: _Located, kind: str, message: str) -> None:
        pair = (id(one), id(other))
        if pair in seen_pairs:
            return
        seen_pairs.add(pair)
        found.append(QualityWarning(one.path, one.item.line, one.item.id, kind, message))

    by_question: dict[str, list[_Located]] = {}
    for entry in located:
        key = normalise_question(_BLANK_RE.sub("", entry.item.question))
        if key:
            by_question.setdefault(key, []).append(entry)
    for group in by_question.values():
        for n, later in enumerate(group):
            # Against the first few earlier ones only: a file of one question repeated
            # thousands of times must not take quadratic time (the parser warns anyway).
            for first in group[: min(n, MAX_COMPARED)]:
                if _roles_overlap(first, later) and _compare_same_question(first, later, warn):
                    break
    _rate_conflicts(located, warn)
    return found


def _compare_same_question(first: _Located, later: _Located, warn) -> bool:
    """Warn about `later` repeating or contradicting `first`; whether it did."""
    a, b = first.item, later.item
    if a.type == "judge" and b.type == "judge" and a.verdict != b.verdict:
        verdicts = {True: "对", False: "错"}
        warn(
            later,
            first,
            "contradiction",
            f"判断 item says {verdicts[bool(b.verdict)]} but {first.where()} says "
            f"{verdicts[bool(a.verdict)]} for the same statement: "
            "learners of the same job role get both",
        )
        return True
    if a.type == b.type and not _same_figures(a, b):
        warn(
            later,
            first,
            "contradiction",
            f"the same question as {first.where()} with a different answer: "
            "keep one, or use a variable for the organisation's figure",
        )
        return True
    if first.bank_id != later.bank_id:
        # Within one bank the parser already warns about a repeated question.
        warn(
            later,
            first,
            "duplicate",
            f"the same question as {first.where()}: learners of the same job role get it twice",
        )
        return True
    return False


def _rate_conflicts(located: Iterable[_Located], warn) -> None:
    # subject -> role -> value -> the first entry stating it
    stated: dict[str, dict[str, dict[str, _Located]]] = {}
    facts = []
    for entry in located:
        for subject, value in dict.fromkeys(rate_facts(_facts(entry.item))):
            facts.append((subject, value, entry))
            for role in entry.roles:
                stated.setdefault(subject, {}).setdefault(role, {}).setdefault(value, entry)
    for subject, value, entry in facts:
        # The first other value any of the entry's roles learns (at most two looks a role).
        other = next(
            (
                (other_value, other)
                for role in entry.roles
                for other_value, other in islice(stated[subject][role].items(), 2)
                if other_value != value
            ),
            None,
        )
        if other is not None:
            other_value, other_entry = other
            warn(
                entry,
                other_entry,
                "contradiction",
                f"{subject} is {value} here but {other_value} in {other_entry.where()}: "
                "learners of the same job role get both; use one variable "
                f"such as {{{{{subject}}}}} for the organisation's figure",
            )
