"""The vocabulary of the bank format, shared by the parser and the exporter.

Kept in one place so that what the exporter escapes is exactly what the parser would
otherwise read as structure.
"""

from __future__ import annotations

import re

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
HEADING_RE = re.compile(r"^([#＃]{1,2})(?:[ \t\u3000]+(.*?))?[ \t\u3000]*$")

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

# A list item at the top level of an answer: a key point.
KEY_POINT_RE = re.compile(
    r"^ ?(?:[-*+•·][ \t\u3000]+"
    r"|\d+[.)][ \t\u3000]+"
    r"|\d+[ \t]*[、．][ \t\u3000]*"
    r"|[(（]\d+[)）][ \t\u3000]*"
    r"|[①-⑳][ \t\u3000]*"
    r"|[一二三四五六七八九十]+[ \t]*、[ \t\u3000]*)"
    r"(.*\S.*)$"
)

BULLET_RE = re.compile(r"^ {0,3}[-*+•][ \t\u3000]+(.*)$")
TASK_RE = re.compile(r"^\[([ xX√✓✔])\][ \t\u3000]*(.*)$")
LETTERED_RE = re.compile(
    r"^(?:([A-Za-z])[ \t]*[.．、:：)）]|[(（]([A-Za-z])[)）])[ \t\u3000]*(.*)$"
)
# An option written without a bullet, as pasted from a paper exam: "A. 选项" / "B、选项".
BARE_OPTION_RE = re.compile(r"^(?:[A-H][ \t]*[.．、]|[(（][A-H][)）])[ \t\u3000]*\S")

BLANK_RE = re.compile(r"\{\{(.*?)\}\}")
UNDERSCORE_BLANK_RE = re.compile(r"_{3,}")

LIST_SEPARATORS_RE = re.compile(r"[,，、;；]")
ALTERNATIVES_RE = re.compile(r"[|｜]")
GROUP_SEPARATORS_RE = re.compile(r"[;；]")
SYNONYM_SEPARATORS_RE = re.compile(r"[=＝]")

# Matches the job_role.name column.
MAX_ROLE_LENGTH = 100

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
