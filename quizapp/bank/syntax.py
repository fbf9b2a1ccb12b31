"""The vocabulary of the bank format, shared by the parser and the exporter.

Kept in one place so that what the exporter escapes is exactly what the parser would
otherwise read as structure.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# Field names a trainer may write, in Chinese or English, mapped to one canonical name.
FIELD_ALIASES: dict[str, str] = {
    "类型": "type",
    "题型": "type",
    "type": "type",
    "编号": "id",
    "id": "id",
    "答案": "answer",
    "参考答案": "answer",
    "答": "answer",
    "answer": "answer",
    "选项": "options",
    "options": "options",
    "解析": "explanation",
    "explanation": "explanation",
    "标签": "tags",
    "tags": "tags",
    "红线": "redline",
    "redline": "redline",
    "同义词": "synonyms",
    "synonyms": "synonyms",
    "来源": "source",
    "source": "source",
    "原文": "passage",
    "passage": "passage",
    "岗位": "roles",
    "适用岗位": "roles",
    "roles": "roles",
    "派生自": "derived_from",
    "derived_from": "derived_from",
}

# The Chinese name used in messages and written by the exporter.
FIELD_LABELS: dict[str, str] = {
    "type": "类型",
    "id": "编号",
    "answer": "答案",
    "options": "选项",
    "explanation": "解析",
    "tags": "标签",
    "redline": "红线",
    "synonyms": "同义词",
    "source": "来源",
    "passage": "原文",
    "roles": "岗位",
    "derived_from": "派生自",
}

FRONT_MATTER_ALIASES: dict[str, str] = {
    "id": "id",
    "编号": "id",
    "title": "title",
    "标题": "title",
    "version": "version",
    "版本": "version",
    "language": "language",
    "语言": "language",
    "roles": "roles",
    "岗位": "roles",
    "synonyms": "synonyms",
    "同义词": "synonyms",
    "variables": "variables",
    "变量": "variables",
}

TYPE_ALIASES: dict[str, str] = {
    "qa": "qa",
    "问答": "qa",
    "问答题": "qa",
    "简答": "qa",
    "简答题": "qa",
    "single": "single",
    "单选": "single",
    "单选题": "single",
    "multi": "multi",
    "多选": "multi",
    "多选题": "multi",
    "judge": "judge",
    "判断": "judge",
    "判断题": "judge",
    "cloze": "cloze",
    "填空": "cloze",
    "填空题": "cloze",
}

# Shown in pages through gettext: the extractor finds them as N_ calls in templating.py.
TYPE_LABELS = {"qa": "问答", "single": "单选", "multi": "多选", "judge": "判断", "cloze": "填空"}

VERDICT_WORDS: dict[str, bool] = {
    "对": True,
    "正确": True,
    "√": True,
    "✓": True,
    "✔": True,
    "是": True,
    "true": True,
    "t": True,
    "yes": True,
    "错": False,
    "错误": False,
    "×": False,
    "✗": False,
    "✘": False,
    "x": False,
    "否": False,
    "false": False,
    "f": False,
    "no": False,
}

YES_NO: dict[str, bool] = {
    "是": True,
    "yes": True,
    "true": True,
    "y": True,
    "否": False,
    "no": False,
    "false": False,
    "n": False,
}

# Blocks run on over several lines; the other fields are one line.
BLOCK_FIELDS = frozenset({"answer", "explanation", "passage", "options"})

_field_names = "|".join(sorted((re.escape(k) for k in FIELD_ALIASES), key=len, reverse=True))
FIELD_RE = re.compile(rf"^({_field_names})[ \t\u3000]*[:：][ \t\u3000]*(.*)$", re.IGNORECASE)
# Something shaped like a field ("类形：问答") whose name is not one we know.
FIELD_LIKE_RE = re.compile(r"^([\u4e00-\u9fff]{1,4}|[A-Za-z]{2,12})[ \t\u3000]*[:：]")
# The title keeps its trailing spaces (strip it): a lazy (.*?) before them was quadratic.
HEADING_RE = re.compile(r"^([#＃]{1,2})(?:[ \t\u3000]+(.*))?$")

# Numbering a trainer puts in front of a question: 一、 1、 1. (1) （1） ① 第1题 Q1
QUESTION_NUMBER_RE = re.compile(
    r"^(?:第\s*\d+\s*题[、.．:：]?"
    r"|[Qq]\s*\d+[、.．:：]?"
    r"|\d+\s*[、．)）]"
    r"|\d+\.(?!\d)"
    r"|[(（]\s*\d+\s*[)）]"
    r"|[①-⑳]"
    r"|[一二三四五六七八九十百]+\s*[、.．])"
    r"[ \t\u3000]*"
)

# A list item at the top level of an answer: a key point. The spaces before the text are
# possessive (++, *+), or a line of spaces would take time quadratic in its length.
KEY_POINT_RE = re.compile(
    r"^ ?(?:[-*+•·][ \t\u3000]++"
    r"|\d+[.)][ \t\u3000]++"
    r"|\d+[ \t]*[、．][ \t\u3000]*+"
    r"|[(（]\d+[)）][ \t\u3000]*+"
    r"|[①-⑳][ \t\u3000]*+"
    r"|[一二三四五六七八九十]+[ \t]*、[ \t\u3000]*+)"
    r"(.*\S.*)$"
)

BULLET_RE = re.compile(r"^ {0,3}[-*+•][ \t\u3000]+(.*)$")
TASK_RE = re.compile(r"^\[([ xX√✓✔])\][ \t\u3000]*(.*)$")
LETTERED_RE = re.compile(
    r"^(?:([A-Za-z])[ \t]*[.．、:：)）]|[(（]([A-Za-z])[)）])[ \t\u3000]*(.*)$"
)
# An option written without a bullet, as pasted from a paper exam: "A. 选项" / "B、选项".
BARE_OPTION_RE = re.compile(r"^(?:[A-H][ \t]*[.．、]|[(（][A-H][)）])[ \t\u3000]*\S")

# No "{" inside a blank: each "{{" then looks no further than the next "{", so a line full
# of unclosed "{{" takes linear time, not quadratic.
BLANK_RE = re.compile(r"\{\{((?:[^{}\n]|\}(?!\}))*)\}\}")
UNDERSCORE_BLANK_RE = re.compile(r"_{3,}")

LIST_SEPARATORS_RE = re.compile(r"[,，、;；]")
ALTERNATIVES_RE = re.compile(r"[|｜]")
GROUP_SEPARATORS_RE = re.compile(r"[;；]")
SYNONYM_SEPARATORS_RE = re.compile(r"[=＝]")

# Matches the job_role.name column.
MAX_ROLE_LENGTH = 100

# Content limits (docs/bank-format.md, "Limits"), far above any real bank, so that no file
# can make the parser, the importer or a page slow: Python-Markdown is quadratic on nested
# brackets, lists and quotes, so Markdown never sees text over these limits.
MAX_BANK_BYTES = 20 * 1024 * 1024  # the 10,000-item benchmark bank is 2.8 MB
MAX_BANK_ITEMS = 20_000
MAX_BANK_SECTIONS = 500
MAX_LINE_LENGTH = 4_000  # characters; the longest line of question_bank/ has 294
MAX_TITLE_LENGTH = 200  # the bank's and each section's title
MAX_QUESTION_LENGTH = 2_000  # the whole question, with its continuation lines
MAX_OPTIONS = 26  # options of one item: A to Z
MAX_OPTION_LENGTH = 500
# Fields, by canonical name, in characters. 答案 and 解析 are rendered as Markdown: each
# costs Markdown well under a second even when written to be slow (docs/benchmarks.md).
MAX_FIELD_LENGTH: dict[str, int] = {
    "answer": 2_000,
    "explanation": 2_000,
    "passage": 10_000,
    "source": 500,
    "tags": 1_000,
    "synonyms": 2_000,
}
MARKDOWN_FIELDS = frozenset({"answer", "explanation"})
MAX_MARKDOWN_LENGTH = max(MAX_FIELD_LENGTH[name] for name in MARKDOWN_FIELDS)
# Lists, block quotes, and [ or ( brackets, each nested at most this deep in a Markdown field.
MAX_NESTING_DEPTH = 8

BANK_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
ITEM_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def is_heading(line: str) -> bool:
    return HEADING_RE.match(line) is not None


def is_field(line: str) -> bool:
    return FIELD_RE.match(line) is not None


def is_option(line: str) -> bool:
    return BULLET_RE.match(line) is not None or BARE_OPTION_RE.match(line) is not None


def is_block_structure(line: str) -> bool:
    """Would this line, inside an answer or explanation, end the block?"""
    return is_heading(line) or is_field(line)


def is_question_structure(line: str) -> bool:
    """Would this line, continuing a question, be read as something else?"""
    return is_block_structure(line) or is_option(line)


def split_list(value: str) -> tuple[str, ...]:
    """Split "a、b, c" (or "[a, b]") into stripped, non-empty parts."""
    value = value.strip()
    if value.startswith("[") and value.endswith("]"):
        value = value[1:-1]
    parts = (part.strip() for part in LIST_SEPARATORS_RE.split(value))
    return tuple(dict.fromkeys(part for part in parts if part))


# One level of nesting at the start of a line: a block quote '>', a list bullet or number,
# or 4 columns of indentation (Markdown nests a list item indented by 4 in the one above).
# Atomic groups: never more than one way to read a line, so finding them is linear.
_LEVEL = r"(?>[ ]{4}|[ ]{0,3}+\t|[ ]{0,3}+(?:>[ ]?+|[-*+][ \t]|\d{1,9}+[.)][ \t]))"
_TOO_DEEP_LINE_RE = re.compile(rf"^{_LEVEL}{{{MAX_NESTING_DEPTH + 1}}}", re.MULTILINE)
# Each level takes a character at least: a quick test for lines that might be too deep.
_MAYBE_DEEP_RE = re.compile(rf"^[ \t>*+\-0-9.)]{{{MAX_NESTING_DEPTH + 1}}}", re.MULTILINE)
_LEVELS_RE = re.compile(rf"{_LEVEL}+")
_RULE_RE = re.compile(r"[ \t]{0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*")  # "- - -": a line, not lists
# An escaped character, never a bracket to Markdown (a line break is never escaped).
_ESCAPED_RE = re.compile(r"\\.")
_BRACKET_RE = re.compile(r"[\[\]()]")
_OPENING = {"]": "[", ")": "("}


class NestingProblem(NamedTuple):
    """Where a text first nests deeper than allowed: a line index, and what nests."""

    line: int  # 0-based, in the text
    kind: str  # "containers" (lists and block quotes) or "brackets"


def nesting_problem(text: str) -> NestingProblem | None:
    """The first line where lists and block quotes, or [ or ( brackets, nest deeper than
    MAX_NESTING_DEPTH; None if nothing does.

    Linear in the length of the text, and meant to run before Markdown sees it:
    Python-Markdown's time grows with the square of such nesting. The measure errs on the
    safe side: it may count a level Markdown would not make.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")  # as Markdown reads them
    problems = []
    lines = _TOO_DEEP_LINE_RE.finditer(text) if _MAYBE_DEEP_RE.search(text) else ()
    for match in lines:
        # Indentation alone (no list or quote on the line) nests nothing; nor do spaces at
        # the end of a line, nor a rule.
        line_end = text.find("\n", match.start())
        line = text[match.start() : line_end if line_end >= 0 else len(text)].rstrip(" \t")
        levels = _LEVELS_RE.match(line)
        if (
            _TOO_DEEP_LINE_RE.match(line)
            and levels.group().strip(" \t")
            and not _RULE_RE.fullmatch(line)
        ):
            problems.append(NestingProblem(text.count("\n", 0, match.start()), "containers"))
            break
    line = _bracket_overflow_line(text)
    if line is not None:
        problems.append(NestingProblem(line, "brackets"))
    return min(problems, default=None)


def _bracket_overflow_line(text: str) -> int | None:
    """The index of the first line where more than MAX_NESTING_DEPTH [ or ( brackets are
    open at once, or None.

    Markdown looks for a bracket's partner only within its paragraph, and not in `code`;
    so, to be safe, a bracket is closed only by a closing bracket on its own line, on a line
    with no backtick, and one left open stays open to the end of the text.
    """
    limit = MAX_NESTING_DEPTH
    if text.count("[") <= limit and text.count("(") <= limit:
        return None
    carried = {"[": 0, "(": 0}  # left open by the lines above
    for index, line in enumerate(_ESCAPED_RE.sub("", text).split("\n")):
        closes = "`" not in line
        opened = {"[": 0, "(": 0}
        for char in _BRACKET_RE.findall(line):
            if char in opened:
                opened[char] += 1
                if carried[char] + opened[char] > limit:
                    return index
            elif closes and opened[_OPENING[char]]:
                opened[_OPENING[char]] -= 1
        for char, count in opened.items():
            carried[char] += count
    return None
