"""Practice items derived from a 问答 item (quizapp.bank.derive)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from quizapp.bank import derive
from quizapp.bank.derive_text import figures, negated, wrong_figure
from quizapp.bank.export import export_bank
from quizapp.bank.model import Bank, Item, Section
from quizapp.bank.parser import parse_text, question_key
from tests.factories import bank_text

BODY = """# 报修服务
岗位：客服前台

## 业主来电报修后，维修人员应在多长时间内到场？
编号：arrive
类型：问答
标签：报修、时限
来源：服务手册
红线：是
答案：
1. 接到报修后30分钟内到场
2. 维修及时率达到95%
3. 禁止向业主收取小费
同义词：到场=到达现场

## 三轻指什么？
编号：three
答案：
- 说话轻
- 走路轻
- 操作轻

## 接听电话有哪些要求？
编号：phone
答案：
- 铃响三声之内接听
- 先说您好再报姓名
- 通话结束等对方先挂机

## 访客进入小区怎样登记？
答案：
- 查验访客的身份证件
- 填写访客登记表

## 有偿维修前须讲明什么？
编号：paid
- [ ] 人员
- [x] 费用
"""


def parsed(body: str = BODY) -> Bank:
    result = parse_text(bank_text(body))
    assert result.ok, result.errors
    return result.bank


def source_of(bank: Bank, key: str) -> tuple[Item, Section]:
    for section in bank.sections:
        for item in section.items:
            if (item.id or question_key(item.question)) == key:
                return item, section
    raise KeyError(key)


def with_items(bank: Bank, section: Section, source: Item, items) -> Bank:
    """The bank with the items inserted after the source (given its 编号)."""
    at = section.items.index(source)
    new_items = section.items[:at] + (derive.ensure_id(source), *items) + section.items[at + 1 :]
    sections = tuple(replace(s, items=new_items) if s is section else s for s in bank.sections)
    return replace(bank, sections=sections)


def of_type(items, kind: str) -> list[Item]:
    return [item for item in items if item.type == kind]


@pytest.fixture(scope="module")
def bank() -> Bank:
    return parsed()


@pytest.fixture(scope="module")
def arrive(bank):
    item, section = source_of(bank, "arrive")
    return derive.derive(item, section, bank), item, section


def test_numbers_are_blanked_with_their_units_and_equivalents(arrive):
    derivation, _item, _section = arrive
    clozes = of_type(derivation.items, "cloze")
    assert clozes
    blanks = {answer for item in clozes for blank in item.blanks for answer in blank}
    assert {"30分钟", "三十分钟", "半小时"} <= blanks
    assert {"95%", "百分之九十五"} <= blanks
    for item in clozes:
        assert 1 <= len(item.blanks) <= derive.MAX_BLANKS
        # The question is the context: the learner knows what is asked.
        assert item.question.startswith("业主来电报修后，维修人员应在多长时间内到场？答：")


def test_a_figure_changed_makes_a_false_statement_that_the_explanation_corrects(arrive):
    derivation, _item, _section = arrive
    judges = of_type(derivation.items, "judge")
    assert [j.verdict for j in judges].count(True) == 1
    changed = [j for j in judges if j.verdict is False and "15分钟" in j.question]
    assert len(changed) == 1
    assert "30分钟" in changed[0].explanation and "30分钟" not in changed[0].question


def test_a_rule_turned_round_makes_a_false_statement(arrive):
    derivation, _item, _section = arrive
    judges = of_type(derivation.items, "judge")
    turned = [j for j in judges if "可以向业主收取小费" in j.question]
    assert len(turned) == 1 and turned[0].verdict is False
    assert "禁止向业主收取小费" in turned[0].explanation


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        ("不得推诿业主", "可以推诿业主"),
        ("必须先讲明费用", "不必先讲明费用"),
        ("严禁在电梯内吸烟", "可以在电梯内吸烟"),
        ("没有预约不能进入", "有预约不能进入"),
        ("不断创新服务", None),  # 不断 is no negation
        ("真诚善意", None),
    ],
)
def test_negation(statement, expected):
    assert negated(statement) == expected


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("30分钟", "15分钟"),
        ("95%", "90%"),
        ("100%", "90%"),
        ("93%", "88%"),
        ("三声", "六声"),
        ("24小时", "12小时"),
        ("半小时", "1小时"),
        ("8:30", "9:30"),
        ("1998年", "1999年"),
    ],
)
def test_wrong_figures_are_plausible(text, wrong):
    (figure,) = figures(text)
    assert wrong_figure(figure) == wrong


def test_a_bare_number_is_blanked_but_never_changed():
    (figure,) = figures("拨打119")
    assert figure.text == "119" and wrong_figure(figure) is None
    assert figures("第一次") == [] and figures("一次性") == []


def test_choices_take_their_wrong_options_from_sibling_answers_only(bank, arrive):
    derivation, item, section = arrive
    siblings = {p for other in section.items if other is not item for p in other.key_points}
    own = set(derive.key_points(item))
    (single,) = of_type(derivation.items, "single")
    (multi,) = of_type(derivation.items, "multi")
    assert sum(c.correct for c in single.choices) == 1
    assert sum(not c.correct for c in single.choices) == 3
    assert sum(c.correct for c in multi.choices) >= 2
    assert sum(not c.correct for c in multi.choices) >= 2
    for choice_item in (single, multi):
        for choice in choice_item.choices:
            assert choice.text in (own if choice.correct else siblings), choice
        wrong = [c.text for c in choice_item.choices if not c.correct]
        right = [c.text for c in choice_item.choices if c.correct]
        assert not any(derive.similar(w, r) for w in wrong for r in right)


def test_near_duplicates_of_a_right_answer_are_never_wrong_options():
    body = """# 规范
岗位：客服前台

## 接听电话的要求？
编号：phone
答案：
- 铃响三声之内接听
- 先说您好

## 来电时怎样接听？
编号：phone2
答案：
- 铃响3声之内接听电话
- 先说“您好”
- 记录来电内容

## 三轻指什么？
编号：three
答案：
- 说话轻
- 走路轻
- 操作轻
"""
    bank = parsed(body)
    item, section = source_of(bank, "phone")
    pool = derive.sibling_points(item, section, derive.key_points(item))
    assert "铃响3声之内接听电话" not in pool and "先说“您好”" not in pool
    assert "记录来电内容" in pool


def test_types_are_skipped_with_a_reason_when_siblings_are_too_few():
    body = """# 规范
岗位：客服前台

## 本公司的管理方针是什么？
编号：policy
答案：服务改善生活

## 三轻指什么？
编号：three
答案：
- 说话轻
- 走路轻
"""
    bank = parsed(body)
    item, section = source_of(bank, "policy")
    derivation = derive.derive(item, section, bank)
    reasons = {skip.type: skip for skip in derivation.skipped}
    assert reasons["single"] == derive.Skip("single", "few-siblings", 3, 2)
    assert reasons["multi"] == derive.Skip("multi", "few-points", 2, 1)
    assert not of_type(derivation.items, "single") and not of_type(derivation.items, "multi")
    assert of_type(derivation.items, "judge")  # a true statement, and a sibling's as false


def test_a_list_of_terms_becomes_a_list_with_one_blank():
    bank = parsed()
    item, section = source_of(bank, "three")
    clozes = of_type(derive.derive(item, section, bank).items, "cloze")
    assert clozes[0].question == "三轻指什么？答：说话轻、{{走路轻}}、操作轻。"


def test_derived_items_have_unique_fresh_ids_and_record_their_source(bank, arrive):
    derivation, item, _section = arrive
    ids = [d.id for d in derivation.items]
    assert len(ids) == len(set(ids)) and len(ids) >= 6
    assert all(i.startswith("arrive-d") for i in ids)
    assert not set(ids) & {other.id for other in bank.items}
    for derived in derivation.items:
        assert derived.derived_from == "arrive"
        assert derived.tags == item.tags and derived.source == item.source
        assert derived.red_line is True
    assert of_type(derivation.items, "cloze")[0].synonyms == item.synonyms


def test_ids_skip_taken_ones_and_stay_within_the_limit():
    body = BODY.replace("编号：three", "编号：arrive-d1")
    bank = parsed(body)
    assert derive.allocate_ids(bank, "arrive", 2) == ["arrive-d2", "arrive-d3"]
    long = "a" * 64
    assert all(len(i) <= 64 for i in derive.allocate_ids(bank, long, 12))


def test_a_source_without_id_is_given_its_question_key():
    bank = parsed()
    item, section = source_of(bank, question_key("访客进入小区怎样登记？"))
    assert item.id is None
    derivation = derive.derive(item, section, bank)
    assert derivation.source.id == question_key(item.question)
    assert {d.derived_from for d in derivation.items} == {question_key(item.question)}


def test_only_qa_items_are_derived_from(bank):
    item, section = source_of(bank, "paid")
    with pytest.raises(ValueError):
        derive.derive(item, section, bank)


@pytest.mark.parametrize("key", ["arrive", "three", "phone"])
def test_every_derived_item_parses_back_and_keeps_its_source(bank, key):
    item, section = source_of(bank, key)
    derivation = derive.derive(item, section, bank)
    text = export_bank(with_items(bank, section, item, derivation.items))
    result = parse_text(text)
    assert result.ok, result.errors
    assert not [w for w in result.warnings if "派生自" in w.message]
    back = {i.id: i for i in result.bank.items}
    for derived in derivation.items:
        assert back[derived.id] == derived
    # …and again: parse → export → parse keeps derived_from.
    again = parse_text(export_bank(result.bank))
    assert again.ok and again.bank == result.bank
    assert {i.derived_from for i in again.bank.items if (i.id or "").startswith(key + "-d")} == {
        key
    }


def test_naughty_answers_never_crash_and_always_parse_back(blns):
    checked = 0
    for number, naughty in enumerate(blns):
        body = f"""# 规范
岗位：客服前台

## 第{number}题：{naughty.splitlines()[0] if naughty.strip() else "问"}？
编号：n{number}
类型：问答
答案：
- {naughty}
- 接到报修后30分钟内到场 {naughty}
- 禁止{naughty}

## 三轻指什么？
编号：three
答案：
- 说话轻
- 走路轻
- 操作轻
- {naughty}

## 接听电话有哪些要求？
编号：phone
答案：
- 铃响三声之内接听
- 先说您好再报姓名
"""
        result = parse_text(bank_text(body))
        if not result.ok:
            continue  # the naughty text is no valid bank to begin with
        bank = result.bank
        item, section = source_of(bank, f"n{number}")
        derivation = derive.derive(item, section, bank)
        text = export_bank(with_items(bank, section, item, derivation.items))
        back = parse_text(text)
        assert back.ok, (naughty, back.errors)
        checked += bool(derivation.items)
    assert checked > len(blns) * 0.9


def test_key_terms_are_nouns_not_the_verbs_framing_them_and_blanks_never_touch():
    body = """# 岗位要求
岗位：客服前台

## 银行客户咨询岗位的要求有哪些？
编号：ask
答案：
- 熟悉银行的产品和服务，能解答客户常见问题
- 倾听和理解客户需求，提供恰当的解决方案
- 一、二、三类186靓号用户入网即是VIP
"""
    bank = parsed(body)
    item, section = source_of(bank, "ask")
    clozes = of_type(derive.derive(item, section, bank).items, "cloze")
    answers = {blank[0] for cloze in clozes for blank in cloze.blanks}
    assert "常见问题" in answers or "解决方案" in answers
    assert not answers & {"熟悉", "提供", "理解", "熟悉银行", "提供恰当", "银行", "客户"}
    assert all("}}{{" not in cloze.question for cloze in clozes)
