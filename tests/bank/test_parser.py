"""The bank parser: each item type, Chinese numbering and punctuation, CRLF/BOM, warnings."""

from __future__ import annotations

import pytest

from quizapp.bank.model import Choice
from quizapp.bank.parser import extract_key_points, parse_bytes, parse_text
from tests.conftest import DATA
from tests.factories import bank_text


def parse_ok(body: str):
    result = parse_text(bank_text(body))
    assert result.errors == [], result.errors
    return result.bank


def only_item(body: str):
    bank = parse_ok("# 报修处理\n\n" + body)
    [item] = bank.items
    return item


def test_front_matter_and_sections():
    bank = parse_ok(
        "# 报修处理\n岗位：客服前台\n\n## 问题一？\n答案：对\n\n# 投诉\n\n## 问题二？\n答案：错\n"
    )
    assert (bank.id, bank.title, bank.version, bank.language) == (
        "sample",
        "示例题库",
        "1",
        "zh-CN",
    )
    assert bank.roles == ("客服前台", "贴心管家")
    assert [s.title for s in bank.sections] == ["报修处理", "投诉"]
    # A section's own 岗位 line wins; without one it takes the bank's defaults.
    assert bank.sections[0].roles == ("客服前台",)
    assert bank.sections[1].roles == ("客服前台", "贴心管家")
    assert bank.all_roles() == ["客服前台", "贴心管家"]


def test_front_matter_in_chinese_keys_and_full_width_colons():
    text = "---\n编号：telecom\n标题：联通营业厅应知应会\n版本：2\n语言：zh-CN\n岗位：[营业厅营业员, 10010客服代表]\n---\n\n# 业务\n\n## 问？\n答案：对\n"
    bank = parse_text(text).bank
    assert (bank.id, bank.title, bank.version) == ("telecom", "联通营业厅应知应会", "2")
    assert bank.roles == ("营业厅营业员", "10010客服代表")


def test_qa_item_with_key_points_and_metadata():
    item = only_item(
        "## 一、业主来电报修，怎样处理？\n"
        "类型：问答\n编号：repair-flow\n红线：是\n标签：报修、流程\n"
        "答案：\n1. 值班人员登记\n2. 开出维修单交工程部\n   （注明地址）\n3. 通知贴心管家\n"
        "同义词：维修单=工作维修单；回访=电话回访\n"
        "解析：报修是一个闭环。\n来源：浅谈物业客服的礼仪\n原文：客户服务部接到业主来电\n值班人员登记\n"
    )
    assert item.type == "qa"
    assert item.question == "业主来电报修，怎样处理？"
    assert item.id == "repair-flow"
    assert item.red_line is True
    assert item.tags == ("报修", "流程")
    assert item.key_points == ("值班人员登记", "开出维修单交工程部", "通知贴心管家")
    assert item.answer.startswith("1. 值班人员登记\n2. 开出维修单交工程部\n   （注明地址）")
    assert item.synonyms == (("维修单", "工作维修单"), ("回访", "电话回访"))
    assert item.explanation == "报修是一个闭环。"
    assert item.source == "浅谈物业客服的礼仪"
    assert item.passage == "客户服务部接到业主来电\n值班人员登记"


@pytest.mark.parametrize(
    "answer, points",
    [
        ("- 说话轻\n- 走路轻\n- 操作轻", ("说话轻", "走路轻", "操作轻")),
        ("* 说话轻\n+ 走路轻", ("说话轻", "走路轻")),
        ("1、说话轻\n2、走路轻", ("说话轻", "走路轻")),
        ("(1)说话轻\n（2）走路轻", ("说话轻", "走路轻")),
        ("①说话轻\n②走路轻", ("说话轻", "走路轻")),
        ("一、说话轻\n二、走路轻", ("说话轻", "走路轻")),
        ("1. 说话轻\n   - 细节不算要点\n2. 走路轻", ("说话轻", "走路轻")),
        ("三轻是说话、走路和操作都要轻。", ()),
    ],
)
def test_key_points_in_every_numbering_style(answer, points):
    assert extract_key_points(answer) == points


@pytest.mark.parametrize(
    "heading",
    [
        "## 一、三轻指什么？",
        "## 1、三轻指什么？",
        "## 1. 三轻指什么？",
        "## 1．三轻指什么？",
        "## (1) 三轻指什么？",
        "## （1）三轻指什么？",
        "## ①三轻指什么？",
        "## 第1题 三轻指什么？",
        "## Q1. 三轻指什么？",
        "## 三轻指什么？",
    ],
)
def test_question_numbering_is_dropped(heading):
    item = only_item(f"{heading}\n答案：说话轻、走路轻、操作轻\n")
    assert item.question == "三轻指什么？"


def test_a_number_that_is_part_of_the_question_stays():
    item = only_item("## 1.5米以下的儿童可以单独乘梯吗？\n答案：错\n")
    assert item.question == "1.5米以下的儿童可以单独乘梯吗？"
    item = only_item("## 10-5-F-L是什么？\n答案：服务距离规范\n")
    assert item.question == "10-5-F-L是什么？"


def test_single_choice_task_list():
    item = only_item("## 有偿维修前须讲明什么？\n类型：单选\n- [ ] 人员\n- [x] 费用\n- [ ] 时间\n")
    assert item.type == "single"
    assert item.choices == (Choice("人员", False), Choice("费用", True), Choice("时间", False))


def test_single_choice_lettered_with_answer_line():
    item = only_item(
        "## 有偿维修前须讲明什么？\n类型：单选题\nA. 人员\nB、费用\n（C）时间\n答案：B\n"
    )
    assert item.choices == (Choice("人员", False), Choice("费用", True), Choice("时间", False))


def test_multi_choice_lettered_answer_in_several_spellings():
    for answer in ("ABD", "A、B、D", "a,b,d", "A B D"):
        item = only_item(
            f"## 哪些属于每周工作？\n类型：多选\n选项：\n- A. 回访\n- B. 跟进投诉\n- C. 发放征询表\n- D. 检查回访\n答案：{answer}\n"
        )
        assert item.type == "multi"
        assert [c.correct for c in item.choices] == [True, True, False, True]


def test_multi_choice_with_one_correct_option_is_warned():
    result = parse_text(bank_text("# 报修\n\n## 哪些对？\n类型：多选\n- [x] 甲\n- [ ] 乙\n"))
    assert result.errors == []
    assert [w.line for w in result.warnings] == [10]
    assert "only one correct option" in result.warnings[0].message


@pytest.mark.parametrize(
    "word, verdict",
    [
        ("对", True),
        ("正确", True),
        ("√", True),
        ("true", True),
        ("错", False),
        ("错误", False),
        ("×", False),
        ("False", False),
    ],
)
def test_judge_verdicts(word, verdict):
    item = only_item(f"## 电话铃响三声之内必须接听。\n类型：判断\n答案：{word}\n")
    assert item.type == "judge"
    assert item.verdict is verdict


def test_cloze_with_several_blanks_and_alternatives():
    item = only_item(
        "## 咨询须在{{ 3 | 三 }}个工作日内查实，{{10｜十}}个工作日内回复。\n类型：填空\n"
    )
    assert item.type == "cloze"
    assert item.blanks == (("3", "三"), ("10", "十"))
    assert item.question == "咨询须在{{3|三}}个工作日内查实，{{10|十}}个工作日内回复。"


def test_cloze_with_underscore_blanks_and_answers_listed():
    item = only_item("## 咨询须在____个工作日内查实，______个工作日内回复。\n答案：3|三；10\n")
    assert item.type == "cloze"
    assert item.blanks == (("3", "三"), ("10",))
    assert item.question == "咨询须在{{3|三}}个工作日内查实，{{10}}个工作日内回复。"


def test_types_are_inferred_when_not_written():
    bank = parse_ok(
        "# 报修\n\n## 问答？\n答案：登记\n\n## 判断。\n答案：对\n\n## 单选？\n- [x] 甲\n- [ ] 乙\n\n"
        "## 多选？\n- [x] 甲\n- [x] 乙\n\n## 填空{{甲}}。\n"
    )
    assert [item.type for item in bank.items] == ["qa", "judge", "single", "multi", "cloze"]


def test_multi_line_question():
    item = only_item(
        "## 业主投诉邻居装修噪音。\n此时已是晚上十点，业主情绪激动。\n你应该怎么做？\n答案：先安抚\n"
    )
    assert (
        item.question == "业主投诉邻居装修噪音。\n此时已是晚上十点，业主情绪激动。\n你应该怎么做？"
    )


def test_crlf_and_byte_order_mark():
    text = bank_text("# 报修\n\n## 问题？\n答案：\n- 登记\n- 派单\n")
    crlf = ("\ufeff" + text.replace("\n", "\r\n")).encode("utf-8")
    result = parse_bytes(crlf)
    assert result.errors == []
    assert result.bank == parse_text(text).bank
    assert result.bank.items[0].key_points == ("登记", "派单")
    # Old Mac line ends (CR alone) too.
    assert parse_bytes(text.replace("\n", "\r").encode("utf-8")).bank == result.bank


def test_unicode_line_separators_are_text_not_line_breaks():
    item = only_item("## 问题\u2028续？\n答案：甲\u0085乙\n")
    assert item.question == "问题\u2028续？"
    assert item.answer == "甲\u0085乙"


def test_full_width_punctuation_everywhere():
    item = only_item(
        "## （1）客服“三轻”指什么？\n类型：问答\n编号：three-light\n红线：否\n答案：\n（1）说话轻\n（2）走路轻\n"
    )
    assert item.question == "客服“三轻”指什么？"
    assert item.key_points == ("说话轻", "走路轻")


def test_english_field_names():
    item = only_item(
        "## What are the three lights?\ntype: qa\nid: three\nanswer:\n- speak softly\n- walk softly\nexplanation: Be quiet.\n"
    )
    assert (item.type, item.id, item.key_points, item.explanation) == (
        "qa",
        "three",
        ("speak softly", "walk softly"),
        "Be quiet.",
    )


def test_escaped_structure_inside_an_answer_is_text():
    item = only_item(
        "## 问题？\n答案：\n第一行\n\\解析：这一行是答案的一部分\n\\## 也是\n解析：这才是解析\n"
    )
    assert item.answer == "第一行\n解析：这一行是答案的一部分\n## 也是"
    assert item.explanation == "这才是解析"


def test_warnings_for_suspicious_but_legal_input():
    result = parse_text(
        bank_text(
            "# 报修\n\n## 报修流程？\n答案：登记\n解析：\n\n## 报修 流程？\n编号：repair-2\n答案：登记\n\n"
            "## 投诉流程？\n类形：问答\n答案：记录\n"
        )
    )
    assert result.errors == []
    messages = sorted((w.line, w.message.split(" ")[0]) for w in result.warnings)
    assert messages == [
        (12, "empty"),  # 解析： with nothing after it
        (14, "the"),  # the same question twice (told apart by an 编号)
        (19, "'类形'"),  # a misspelt field name, read as question text
    ]


def test_the_same_question_twice_without_an_id_is_an_error():
    # Both would be stored under the same identity: the import would fail half-way.
    result = parse_text(
        bank_text("# 报修\n\n## 报修流程？\n答案：登记\n\n## 报修 流程？\n答案：记录\n")
    )
    assert [(e.line, e.message.split(" (")[0]) for e in result.errors] == [
        (13, "the same question twice without 编号")
    ]


def test_every_error_is_reported_not_just_the_first():
    result = parse_text(
        bank_text(
            "# 报修\n\n## 单选？\n类型：单选\n- [x] 甲\n- [x] 乙\n\n"
            "## 判断。\n类型：判断\n\n## 填空。\n类型：填空\n\n## 问答？\n类型：论述\n"
        )
    )
    assert result.bank is None
    assert [e.line for e in result.errors] == [10, 15, 18, 22]


def test_job_role_names_fit_the_database():
    result = parse_text(bank_text("# 报修\n岗位：" + "长" * 101 + "\n\n## 问？\n答案：对\n"))
    assert [(e.line, e.message[:40]) for e in result.errors] == [
        (9, "job role name longer than 100 characters")
    ]


# Each malformed bank in tests/data/malformed gives its own error at its own line.
MALFORMED = {
    "unclosed_front_matter.md": [(1, "never closed")],
    "missing_front_matter.md": [(1, "missing front matter")],
    "missing_id.md": [(1, "front matter has no id")],
    "bad_bank_id.md": [(2, "is not a slug")],
    "unknown_front_matter_key.md": [(4, "unknown front matter key 'author'")],
    "empty_file.md": [(1, "the file is empty")],
    "not_utf8.md": [(4, "not UTF-8")],
    "unknown_type.md": [(10, "unknown type '论述'")],
    "single_two_correct.md": [(9, "exactly one correct option, but 2 are marked")],
    "single_no_correct.md": [(9, "exactly one correct option, but none are marked")],
    "multi_no_correct.md": [(9, "多选 item has no correct option")],
    "single_one_option.md": [(9, "at least two options")],
    "duplicate_option.md": [(13, "the same option twice (first at line 11)")],
    "judge_no_verdict.md": [(9, "判断 item has no verdict")],
    "judge_bad_verdict.md": [(11, "判断 answer must be 对 or 错")],
    "cloze_no_blank.md": [(9, "填空 item has no blank")],
    "cloze_empty_blank.md": [(9, "empty answer in blank {{三|}}")],
    "duplicate_ids.md": [(14, "duplicate item id 'q1' (first at line 10)")],
    "empty_question.md": [(9, "empty question")],
    "empty_answer.md": [(11, "empty answer")],
    "heading_no_items.md": [(12, "section '投诉处理' has no items")],
    "section_no_roles.md": [(6, "section '报修' has no job roles")],
    "item_before_section.md": [(7, "item before any section"), (8, "the bank has no sections")],
    "answer_letter_out_of_range.md": [(14, "答案 names option E, but the options are ABC")],
    "lettered_without_answer.md": [(11, "lettered options need 答案")],
    "unknown_field.md": [(12, "unknown field '难度'")],
    "bad_redline.md": [(10, "红线 must be 是 or 否")],
    "roles_misplaced.md": [
        (10, "岗位 (job roles) belongs on the line right under a section heading")
    ],
    "duplicate_field.md": [(12, "解析 given twice in this item (first at line 11)")],
}


def test_every_malformed_bank_is_covered():
    files = {path.name for path in (DATA / "malformed").glob("*.md")}
    assert files == set(MALFORMED)
    assert len(files) >= 15


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_bank_gives_its_precise_error(name):
    result = parse_bytes((DATA / "malformed" / name).read_bytes(), filename=name)
    assert result.bank is None
    found = [(e.line, e.message) for e in result.errors]
    assert len(found) == len(MALFORMED[name]), found
    for (line, fragment), (got_line, message) in zip(MALFORMED[name], found, strict=True):
        assert got_line == line, (name, found)
        assert fragment in message, (name, found)
