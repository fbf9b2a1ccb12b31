"""The question banks in question_bank/ against the seed documents they were built from.

Every explicit question of the seeds' Q&A lists (``1、…?答:…``, ``1.…?答:…`` and
``一、…?答:…``) is extracted from the seed text with a regular expression and must have an
item in the banks. An item made from an explicit seed question quotes that question in its
``原文：`` field, so the rule is: a seed question is covered when its normalised text (NFKC,
punctuation and spaces removed) occurs in the normalised passage or question of some item.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

import pytest

from quizapp.bank import quality
from quizapp.bank.model import ITEM_TYPES
from quizapp.bank.parser import parse_file
from quizapp.grading import grade_cloze

REPO = Path(__file__).resolve().parents[1]
BANK_DIR = REPO / "question_bank"
SEEDS = REPO / "docs" / "sources"

MIN_ITEMS = {"property": 150, "telecom": 40}
MIN_TYPES = 4

CN_DIGITS = "一二三四五六七八九十"
# Numbering in front of a seed question: "12、" / "12." anywhere (not after another digit),
# "十二、" only at the start of a line (Chinese numerals occur inside sentences too).
NUMBERING = re.compile(
    rf"(?<![0-9.])\d{{1,2}}[、.．](?!\d)|(?:^|(?<=\n))[{CN_DIGITS}]{{1,3}}[、．]",
    re.MULTILINE,
)
ANSWER_MARK = re.compile(r"答\s*[:：]")
TRAILING_NOTE = re.compile(r"\s*[(（][^()（）]*[)）]\s*$")


def normalise(text: str) -> str:
    """NFKC, lower case, and nothing but letters, digits and CJK characters."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).lower())


def extract_seed_questions(text: str) -> list[str]:
    """The explicit questions of a seed's Q&A lists: the text between a question's
    numbering and its "答:" (the last numbering since the previous answer wins), without
    a trailing note such as "(适用于其他接待员)" and without the final "?"."""
    questions = []
    previous_end = 0
    for answer in ANSWER_MARK.finditer(text):
        window = text[previous_end : answer.start()]
        previous_end = answer.end()
        numberings = list(NUMBERING.finditer(window))
        if not numberings:
            continue
        question = window[numberings[-1].end() :].strip()
        question = TRAILING_NOTE.sub("", question).strip().rstrip("?？。.").strip()
        if 4 <= len(question) <= 80:
            questions.append(question)
    return questions


@cache
def seed_questions() -> list[tuple[str, str]]:
    """(seed file name, question) for every explicit question in every seed."""
    # The seeds are part of the repository (docs/sources); without them this must fail.
    assert SEEDS.is_dir(), f"seed documents not found at {SEEDS}"
    found = []
    for path in sorted(SEEDS.glob("*.txt")):
        for question in extract_seed_questions(path.read_text(encoding="utf-8")):
            found.append((path.name, question))
    return found


@cache
def parsed_banks() -> dict[str, object]:
    return {path.stem: parse_file(path) for path in sorted(BANK_DIR.glob("*.md"))}


def all_items():
    for name, result in parsed_banks().items():
        if result.bank is None:
            continue
        for item in result.bank.items:
            yield name, item


def test_extractor_reads_the_seed_lists():
    questions = seed_questions()
    # The seeds hold six explicit Q&A lists: water utility, show flat, property basics,
    # company profile, the sales-centre list of 40 and the telecom list of 33.
    assert len(questions) >= 95, questions
    texts = [q for _, q in questions]
    assert "公司本部职能部门的组织架构是怎样的" in texts
    assert "客服人员的规范用语有哪些" in texts
    assert "什么是安全生产的四懂、四能、四会" in texts
    assert "样板房环境监督的内容有哪些" in texts


def test_every_explicit_seed_question_has_an_item():
    haystacks = [
        (name, item.id, normalise(item.passage + item.question)) for name, item in all_items()
    ]
    covered, missing = [], []
    for seed, question in seed_questions():
        # A template's placeholder (XX集团) is left out of an item's quote with "……".
        for placeholder in quality.placeholders(question):
            question = question.replace(placeholder, "")
        needle = normalise(question)
        hits = [f"{name}:{item_id}" for name, item_id, text in haystacks if needle in text]
        (covered if hits else missing).append((seed, question, hits))
    total = len(covered) + len(missing)
    print(f"\nseed question coverage: {len(covered)}/{total} ({100 * len(covered) / total:.1f}%)")
    per_bank: dict[str, int] = {}
    for _, _, hits in covered:
        bank = hits[0].split(":")[0]
        per_bank[bank] = per_bank.get(bank, 0) + 1
    print("  by bank: " + ", ".join(f"{b} {n}" for b, n in sorted(per_bank.items())))
    for seed, question, _ in missing:
        print(f"  MISSING {seed}: {question}")
    assert not missing, [q for _, q, _ in missing]


def test_banks_parse_without_errors_or_warnings():
    results = parsed_banks()
    assert {"property", "telecom"} <= set(results)
    for name, result in results.items():
        problems = [p.format(f"{name}.md") for p in result.errors + result.warnings]
        assert not problems, problems
        assert result.bank is not None
        assert result.bank.id == name, "bank id should match the file name"
        assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", result.bank.id)
        assert result.bank.language == "zh-CN"


@pytest.mark.parametrize("name", sorted(MIN_ITEMS))
def test_main_banks_are_big_enough_and_varied(name):
    bank = parsed_banks()[name].bank
    counts = bank.count_by_type()
    print(f"\n{name}: {len(bank.items)} items {counts}")
    assert len(bank.items) >= MIN_ITEMS[name]
    assert sum(1 for t in ITEM_TYPES if counts[t]) >= MIN_TYPES


def test_every_section_has_roles_and_every_item_has_id_source_and_passage():
    for name, result in parsed_banks().items():
        bank = result.bank
        assert bank.roles, name
        seen = set()
        for section in bank.sections:
            assert section.roles, f"{name}: section {section.title} has no roles"
            assert section.items, f"{name}: section {section.title} is empty"
            for item in section.items:
                assert item.id, f"{name}: {item.question} has no 编号"
                assert item.id not in seen, f"{name}: duplicate 编号 {item.id}"
                seen.add(item.id)
                assert item.source.startswith("《"), f"{name}:{item.id} has no 来源"
                assert item.passage, f"{name}:{item.id} has no 原文"


def test_red_line_items_exist_where_a_trainer_needs_them():
    red = {(name, item.id) for name, item in all_items() if item.red_line}
    ids = {item_id for _, item_id in red}
    assert "tel-fire-response" in ids
    assert "prop-complaint-flow" in ids
    assert "prop-repair-fee" in ids
    assert len(red) >= 20


def test_banks_have_no_quality_warnings():
    banks = [(result.bank, f"{name}.md") for name, result in parsed_banks().items()]
    assert len(banks) == 7
    found = [w.format() for w in quality.check_banks(banks)]
    assert not found, found


def hire_visible_texts():
    for name, result in parsed_banks().items():
        bank = result.bank
        yield name, "title", bank.title
        for section in bank.sections:
            yield name, "section", section.title
            for item in section.items:
                for field_name, text in quality.visible_texts(item):
                    yield name, f"{item.id} {field_name}", text


def test_no_hire_visible_text_holds_a_placeholder_or_an_editor_note():
    texts = list(hire_visible_texts())
    assert len(texts) > 1000
    for name, where, text in texts:
        assert "XX" not in text.upper(), (name, where, text)
        assert "某某" not in text, (name, where, text)
        assert not quality.placeholders(text), (name, where, text)
        assert not quality.editor_notes(text), (name, where, text)
        for note in ("原文中的", "占位符", "培训时换成", "培训师换成", "手册模板"):
            assert note not in text, (name, where, text)


def test_multi_and_qa_items_are_fair_to_learners():
    for name, item in all_items():
        if item.type == "multi":
            wrong = [c.text for c in item.choices if not c.correct]
            assert len(wrong) >= 2, (name, item.id)
            assert not {"驾驶技能", "编程能力", "喂"} & set(wrong), (name, item.id)
        if item.type == "qa":
            assert len(item.key_points) <= 6, (name, item.id)


def test_company_facts_are_variables():
    bank = parsed_banks()["property"].bank
    defaults = {v.name: v.default for v in bank.variables}
    assert defaults == {
        "公司名称": None,
        "公司地址": None,
        "顾客满意率": "95%",
        "维修及时率": "95%",
    }
    items = {item.id: item for item in bank.items}
    assert items["prop-co-address"].answer == "{{公司地址}}"
    assert "{{公司名称}}" in items["prop-co-profile"].question
    # One organisation, one figure: every item about 维修及时率 uses the variable.
    about_repairs = [i for i in bank.items if "维修及时率" in i.question + i.answer]
    assert len(about_repairs) >= 3
    for item in about_repairs:
        assert "维修及时率" in item.variables, item.id
        assert not re.search(r"维修及时率[^{}\n]{0,3}\d", item.question + item.answer), item.id


def test_no_statement_for_front_desk_says_not_knowing_is_fine():
    # 四不要: never tell a guest "不知道/不清楚", never push their question onto others.
    for name, result in parsed_banks().items():
        for section in result.bank.sections:
            if "客服前台" not in section.roles:
                continue
            for item in section.items:
                if item.type == "judge" and item.verdict:
                    assert "不清楚" not in item.question, (name, item.id)
    ids = {item.id for _, item in all_items()}
    assert "prop-phone-ok-4" not in ids
    assert "basic-four-dont-judge" in ids


@pytest.mark.parametrize(
    "typed",
    ["25-27℃", "25到27度", "25至27度", "25～27℃", "25~27", "二十五到二十七度", "25度到27度"],
)
def test_the_temperature_blank_takes_natural_ranges(typed):
    [item] = [i for _, i in all_items() if "样板房的室内温度应控制在" in i.question]
    assert grade_cloze(item.blanks, [typed]).correct, typed
    assert not grade_cloze(item.blanks, ["20到25度"]).correct


@pytest.mark.parametrize(
    "question, typed",
    [
        ("电话铃响", "3声"),
        ("贴心管家须在", "4小时"),
        ("贴心管家须在", "四个小时"),
        ("推介", "2到3个"),
    ],
)
def test_number_blanks_take_the_unit_too(question, typed):
    [item] = [i for _, i in all_items() if i.type == "cloze" and question in i.question]
    answers = [typed] + [blank[0] for blank in item.blanks[1:]]
    assert grade_cloze(item.blanks, answers).correct, (question, typed)


def test_split_items_keep_their_first_part_and_facts():
    ids = {item.id: item for _, item in all_items()}
    assert ids["tel-fire-4-4-4"].key_points[0] == "懂本岗位的火灾危险性"
    assert [
        len(ids[i].key_points) for i in ("tel-fire-4-4-4", "tel-fire-4-can", "tel-fire-4-master")
    ] == [4, 4, 4]
    assert all(ids[i].red_line for i in ("tel-fire-4-4-4", "tel-fire-4-can", "tel-fire-4-master"))
    assert "会使用灭火器材" in ids["tel-fire-4-master"].key_points
    assert ids["util-tier-adjust"].red_line
    assert "每户每月32立方米以下（含32立方米）" in ids["util-tier"].key_points[0]
