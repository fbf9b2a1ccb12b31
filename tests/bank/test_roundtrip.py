"""Export → parse gives back the same bank, for any bank Hypothesis can build."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizapp.bank.export import export_bank
from quizapp.bank.model import Bank, Choice, Item, Section, Variable
from quizapp.bank.parser import extract_key_points, normalise_question, parse_text
from tests.conftest import DATA

# Any character but line breaks and surrogates; the bank format is line-based.
CHARS = st.characters(exclude_categories=("Cs",), exclude_characters="\r\n")
# Separators of list fields ("、" between roles) and of alternatives cannot be inside values.
LIST_SEPARATORS = ",，、;；[]|｜=＝{}"
WORD_CHARS = st.characters(
    exclude_categories=("Cs", "Zs", "Zl", "Zp", "Cc"), exclude_characters=LIST_SEPARATORS
)


def clean_line(value: str) -> str:
    return value.strip()


line = (
    st.text(CHARS, min_size=1, max_size=30)
    .map(clean_line)
    .filter(lambda s: s and "{{" not in s and "}}" not in s and "___" not in s)
)
word = st.text(WORD_CHARS, min_size=1, max_size=8)


@st.composite
def markdown_block(draw, min_lines=1):
    """Several lines, any of which may look like a field or heading (the exporter escapes)."""
    tricky = st.sampled_from(
        [
            "解析：不是解析",
            "## 不是题目",
            "# 不是章节",
            "答案：不是答案",
            "- 要点",
            "1、要点",
            "\\类型：x",
            "   缩进",
        ]
    )
    lines = draw(st.lists(st.one_of(line, tricky, st.just("")), min_size=min_lines, max_size=6))
    lines = [ln.rstrip() for ln in lines]
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


@st.composite
def question_text(draw):
    first = draw(line)
    more = draw(
        st.lists(
            st.one_of(line, st.sampled_from(["- 不是选项", "A. 也不是", "类型：文字"])), max_size=2
        )
    )
    return "\n".join([first, *more])


@st.composite
def items(draw, item_id):
    kind = draw(st.sampled_from(["qa", "single", "multi", "judge", "cloze"]))
    common = {
        "id": item_id,
        "tags": tuple(draw(st.lists(word, max_size=3, unique=True))),
        "explanation": draw(st.one_of(st.just(""), markdown_block())),
        "source": draw(st.one_of(st.just(""), line)),
        "passage": draw(st.one_of(st.just(""), markdown_block())),
        "red_line": draw(st.booleans()),
    }
    synonyms = tuple(
        tuple(g)
        for g in draw(st.lists(st.lists(word, min_size=2, max_size=3, unique=True), max_size=2))
    )
    if kind == "qa":
        answer = draw(markdown_block().filter(bool))
        return Item(
            type="qa",
            question=draw(question_text()),
            answer=answer,
            key_points=extract_key_points(answer),
            synonyms=synonyms,
            **common,
        )
    if kind in ("single", "multi"):
        texts = draw(
            st.lists(line, min_size=2, max_size=5, unique_by=normalise_question).filter(
                lambda ts: all(normalise_question(t) for t in ts)
            )
        )
        if kind == "single":
            right = {draw(st.integers(0, len(texts) - 1))}
        else:
            right = set(draw(st.lists(st.integers(0, len(texts) - 1), min_size=2, unique=True)))
        choices = tuple(Choice(t, i in right) for i, t in enumerate(texts))
        return Item(type=kind, question=draw(question_text()), choices=choices, **common)
    if kind == "judge":
        return Item(
            type="judge", question=draw(question_text()), verdict=draw(st.booleans()), **common
        )
    blanks = tuple(
        tuple(b)
        for b in draw(
            st.lists(st.lists(word, min_size=1, max_size=3, unique=True), min_size=1, max_size=3)
        )
    )
    # Braces next to a blank ("{" + "{{答}}") would be read as part of it, so none in the text.
    plain = line.filter(lambda s: "{" not in s and "}" not in s)
    pieces = draw(st.lists(plain, min_size=len(blanks) + 1, max_size=len(blanks) + 1))
    question = pieces[0] + "".join(
        "{{" + "|".join(b) + "}}" + p for b, p in zip(blanks, pieces[1:], strict=True)
    )
    return Item(type="cloze", question=question, blanks=blanks, synonyms=synonyms, **common)


@st.composite
def banks(draw):
    section_titles = draw(st.lists(line, min_size=1, max_size=3, unique=True))
    ids = iter(
        draw(
            st.lists(
                st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,10}", fullmatch=True),
                min_size=12,
                max_size=12,
                unique=True,
            )
        )
    )
    sections = []
    unnamed: set[str] = set()  # questions of items without 编号: each must be unique
    for title in section_titles:
        roles = tuple(draw(st.lists(word, min_size=1, max_size=3, unique=True)))
        section_items = []
        for _ in range(draw(st.integers(1, 4))):
            item = draw(items(next(ids) if draw(st.booleans()) else None))
            if item.id is None:
                key = normalise_question(item.question)
                if key in unnamed:
                    item = replace(item, id=next(ids))
                unnamed.add(key)
            section_items.append(item)
        sections.append(Section(title=title, roles=roles, items=tuple(section_items)))
    return Bank(
        id=draw(st.from_regex(r"[a-z0-9][a-z0-9-]{0,15}", fullmatch=True)),
        title=draw(line),
        version=draw(line),
        language=draw(st.sampled_from(["zh-CN", "en"])),
        roles=tuple(draw(st.lists(word, max_size=3, unique=True))),
        synonyms=tuple(
            tuple(g)
            for g in draw(st.lists(st.lists(word, min_size=2, max_size=3, unique=True), max_size=2))
        ),
        sections=tuple(sections),
    )


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(banks())
def test_export_then_parse_gives_the_same_bank(bank):
    text = export_bank(bank)
    result = parse_text(text)
    assert result.errors == [], (text, result.errors)
    assert result.bank == bank


def test_example_bank_round_trips_through_export():
    original = parse_text((DATA / "example.md").read_text(encoding="utf-8")).bank
    exported = export_bank(original)
    assert parse_text(exported).bank == original
    # Exporting is stable: a second export is byte-identical.
    assert export_bank(parse_text(exported).bank) == exported


def test_quoted_front_matter_values_survive():
    bank = parse_text((DATA / "example.md").read_text(encoding="utf-8")).bank
    quoted = Bank(id=bank.id, title='"物业"', version="'2'", sections=bank.sections)
    assert parse_text(export_bank(quoted)).bank == quoted


VARIABLE_NAMES = st.from_regex(r"变量_[A-Za-z0-9_\u4e00-\u9fff]{0,14}", fullmatch=True)
DEFAULTS = st.one_of(
    st.none(),
    line.filter(lambda s: not any(c in s for c in ";；")),
)


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(banks(), st.lists(st.tuples(VARIABLE_NAMES, DEFAULTS), max_size=4, unique_by=lambda v: v[0]))
def test_variables_and_their_use_survive_export_then_parse(bank, declared):
    """Declared variables (with any default), used in the first item's question and
    explanation, and 派生自, come back as they were."""
    variables = tuple(Variable(name, default) for name, default in declared)
    sections = list(bank.sections)
    first, *rest = sections[0].items
    if variables:
        used = "".join("{{" + v.name + "}}" for v in variables)
        first = replace(
            first,
            question=used + first.question,
            explanation=(first.explanation + "\n" if first.explanation else "") + used,
            variables=tuple(v.name for v in variables),
        )
    first = replace(first, derived_from=first.id or "q-0")
    sections[0] = replace(sections[0], items=(first, *rest))
    bank = replace(bank, variables=variables, sections=tuple(sections))
    result = parse_text(export_bank(bank))
    assert result.errors == [], result.errors
    assert result.bank == bank
