"""Write a `Bank` back to the Markdown bank format.

The output parses back to an equal bank (tests/bank/test_roundtrip.py checks this with
Hypothesis), so export → edit → import is a safe loop for trainers.
"""

from __future__ import annotations

from . import syntax as sx
from .model import Bank, Item, Section, Variable
from .parser import escape, split_lines


def export_bank(bank: Bank) -> str:
    """Render the bank as Markdown text (LF line ends, no byte-order mark)."""
    out = [
        "---",
        f"id: {bank.id}",
        f"title: {_quoted(bank.title)}",
        f"version: {_quoted(bank.version)}",
    ]
    out.append(f"language: {bank.language}")
    if bank.roles:
        out.append(f"roles: {'、'.join(bank.roles)}")
    if bank.synonyms:
        out.append(f"synonyms: {_synonyms(bank.synonyms)}")
    if bank.variables:
        out.append(f"变量：{_quoted(_variables(bank.variables))}")
    out.append("---")
    for section in bank.sections:
        out.append("")
        out.extend(_section(section))
    return "\n".join(out) + "\n"


def _section(section: Section) -> list[str]:
    out = [f"# {section.title}"]
    if section.roles:
        out.append(f"岗位：{'、'.join(section.roles)}")
    for number, item in enumerate(section.items, start=1):
        out.append("")
        out.extend(_item(item, number))
    return out


def _item(item: Item, number: int) -> list[str]:
    # Always number the question: the parser drops exactly one number, so a question that
    # itself begins with "1、" survives the round trip.
    first, *rest = split_lines(item.question) or [""]
    out = [f"## {number}、{first}"]
    out.extend(escape(line, sx.is_question_structure) for line in rest)
    out.append(f"类型：{sx.TYPE_LABELS[item.type]}")
    if item.id:
        out.append(f"编号：{item.id}")
    if item.red_line:
        out.append("红线：是")
    if item.tags:
        out.append(f"标签：{'、'.join(item.tags)}")
    for choice in item.choices:
        out.append(f"- [{'x' if choice.correct else ' '}] {choice.text}")
    if item.type == "qa":
        out.extend(_block("答案", item.answer))
    elif item.type == "judge":
        out.append(f"答案：{'对' if item.verdict else '错'}")
    if item.synonyms:
        out.append(f"同义词：{_synonyms(item.synonyms)}")
    if item.explanation:
        out.extend(_block("解析", item.explanation))
    if item.derived_from:
        out.append(f"派生自：{item.derived_from}")
    if item.source:
        out.append(f"来源：{item.source}")
    if item.passage:
        out.extend(_block("原文", item.passage))
    return out


def _block(label: str, text: str) -> list[str]:
    lines = [escape(line, sx.is_block_structure) for line in split_lines(text)]
    if len(lines) == 1 and lines[0] == lines[0].lstrip() and lines[0] == split_lines(text)[0]:
        return [f"{label}：{lines[0]}"]
    return [f"{label}：", *lines]


def _quoted(value: str) -> str:
    # The parser drops one pair of surrounding quotes, so a value in quotes gets another.
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return f'"{value}"'
    return value


def _synonyms(groups: tuple[tuple[str, ...], ...]) -> str:
    return "；".join("=".join(group) for group in groups)


def _variables(variables: tuple[Variable, ...]) -> str:
    return "；".join(v.name if v.default is None else f"{v.name}={v.default}" for v in variables)
