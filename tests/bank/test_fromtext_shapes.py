"""How the converter generalises: small 应知应会 lists of other shapes and industries.

Each document in tests/data/fromtext/shapes/ was written by hand in the shape of a real
list (a bank teller list with 问：/答：, a hospital list with 一、 sections and 答案： on
the next line, a hotel list whose questions have no question mark, a utility list with
（一） sections and ①②③ sub-points, a list pasted from a PDF with repeated page headers,
page numbers and broken lines, an exam with 第1题 and 参考答案：, a list in traditional
characters, a retail list with the answer after the ？ on the same line, a call-centre
list mixing marked and unmarked answers under a （一） heading, Q1：/A：, 问题1：/回答：, a
Word table's 序号/问题/答案 cells, bare section names, 【答案】 alone on its line, full-width
digits, a.b.c. sub-points, 第一部分 headings). Its `.expected.json`
holds the pairs read from the document by hand, in the shape of
tests/data/fromtext/README.md. Scoring is the one of test_fromtext.py.
"""

from __future__ import annotations

import json

import pytest

from quizapp.bank.fromtext import extract_pairs
from tests.bank.test_fromtext import _score, qa
from tests.conftest import DATA

SHAPES = DATA / "fromtext" / "shapes"
DOCUMENTS = sorted(path.stem for path in SHAPES.glob("*.txt"))


def _measure(name: str) -> tuple[float, float, int, int, list]:
    text = (SHAPES / f"{name}.txt").read_text(encoding="utf-8")
    expected = json.loads((SHAPES / f"{name}.expected.json").read_text(encoding="utf-8"))
    found = extract_pairs(text)
    precision, recall, missing = _score(found, expected)
    return precision, recall, len(found), len(expected), missing


def test_every_document_has_its_expected_pairs():
    assert len(DOCUMENTS) >= 6
    for name in DOCUMENTS:
        assert (SHAPES / f"{name}.expected.json").is_file(), name


def test_precision_and_recall_over_all_shapes():
    matched_found = matched_expected = found_total = expected_total = 0.0
    report = []
    for name in DOCUMENTS:
        precision, recall, found, expected, missing = _measure(name)
        print(f"\n{name}: precision {precision:.2f}, recall {recall:.2f} ({expected} expected)")
        report.append((name, missing))
        matched_found += precision * found
        matched_expected += recall * expected
        found_total += found
        expected_total += expected
    precision = matched_found / max(found_total, 1)
    recall = matched_expected / max(expected_total, 1)
    print(f"overall: precision {precision:.3f}, recall {recall:.3f} ({expected_total:.0f} pairs)")
    assert precision >= 0.95 and recall >= 0.95, [r for r in report if r[1]]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_each_shape_is_read_well(name):
    precision, recall, _, _, missing = _measure(name)
    assert precision >= 0.8 and recall >= 0.8, missing


BASE = "1、电话铃响几声内必须接听？\n答：三声之内。\n2、客户投诉怎么处理？\n答：\n1）热情接待\n2）认真记录\n3）及时回复\n"
ANSWERED = [
    ("电话铃响几声内必须接听？", "三声之内。"),
    ("客户投诉怎么处理？", "热情接待\n认真记录\n及时回复"),
]


def test_a_division_heading_after_sub_points_starts_a_new_list():
    pairs = extract_pairs(BASE + "（一）安全\n3．发现火情第一步做什么\n立即报警，拨打119。\n")
    assert [(p.question, p.answer) for p in pairs] == [
        *ANSWERED,
        ("发现火情第一步做什么", "立即报警，拨打119。"),
    ]
    assert pairs[2].section == "（一）安全"
    assert pairs[1].key_points == ("热情接待", "认真记录", "及时回复")


def test_the_next_question_number_after_sub_points_is_a_question():
    assert qa(BASE + "3、发现火情第一步做什么\n立即报警，拨打119。\n") == [
        *ANSWERED,
        ("发现火情第一步做什么", "立即报警，拨打119。"),
    ]


def test_sub_points_in_the_questions_own_style_stay_sub_points():
    text = "1、客服的主要工作有哪些？\n答：\n1.接听电话\n2.如何处理投诉\n3.怎样回访客户\n2、几点上班？\n答：八点半。"
    assert qa(text) == [
        ("客服的主要工作有哪些？", "接听电话\n如何处理投诉\n怎样回访客户"),
        ("几点上班？", "八点半。"),
    ]


def test_the_last_sub_point_is_not_glued_to_a_following_numbered_line():
    assert qa(BASE + "二、安全知识\n") == ANSWERED  # a last heading ends the answer
    pairs = extract_pairs(BASE + "二、安全知识\n三、消防：\n")
    assert pairs[1].answer.split("\n")[-3:] == ["3）及时回复", "二、安全知识", "三、消防："]
    for pair in pairs:
        assert all("二、" not in point for point in pair.key_points)
    nested = "1、投诉怎么处理？\n答：1）接待\n2）回复\n（1）电话回复\n（2）上门回复"
    # Sub-sub-points under the last point: nothing is glued or lost.
    assert qa(nested)[0][1].split("\n") == ["1）接待", "2）回复", "电话回复", "上门回复"]


@pytest.mark.parametrize(
    "heading", ["【安全知识】", "# 安全知识", "第二章 安全知识", "二、安全知识"]
)
def test_a_heading_or_numbered_line_is_never_joined_to_a_broken_line(heading):
    from quizapp.bank.fromtext_clean import join_lines

    long_line = "客户来电时先确认客户身份并记录来电号码和来电时间以及来电事由"
    assert join_lines(f"{long_line}\n{heading}") == f"{long_line}\n{heading}"
    assert join_lines(f"{long_line}\n之后再处理。") == f"{long_line}之后再处理。"


def test_unmarked_questions_continue_a_list_of_unmarked_questions():
    text = "1、退房时间是几点\n中午12点。\n2、早餐的时间和地点\n早上6:30至10:00，在二楼西餐厅。\n"
    assert qa(text) == [
        ("退房时间是几点", "中午12点。"),
        ("早餐的时间和地点", "早上6:30至10:00，在二楼西餐厅。"),
    ]
    marked = "1、如何处理？\n答：致歉。\n2、营业时间\n午餐11:00-14:00。"
    assert qa(marked) == [("如何处理？", "致歉。"), ("营业时间", "午餐11:00-14:00。")]
    # …but such a line does not start a list, nor continue the answer's own sub-points.
    assert qa("1、早餐的时间和地点\n早上六点半。\n") == []
    marked = "1、几点上班？\n答：\n1、早班八点\n2、晚班时间\n下午两点。"
    assert qa(marked) == [("几点上班？", "早班八点\n晚班时间下午两点。")]
    assert qa("1、几点上班？\n答：八点。\n3、晚班时间\n下午两点。") == [
        ("几点上班？", "八点。\n3、晚班时间\n下午两点。")
    ]


def test_q_and_a_labels():
    text = (
        "Q1：犹豫期是多长时间？\nA：15日。\nQ2：几点上班？A：八点半。\nQ：在哪里办理？\nA：柜面。"
    )
    assert qa(text) == [
        ("犹豫期是多长时间？", "15日。"),
        ("几点上班？", "八点半。"),
        ("在哪里办理？", "柜面。"),
    ]
    # "A：" inside a sentence or a word is not an answer label.
    assert qa("1、方案A：先报修是否可行？\n答：可行。") == [("方案A：先报修是否可行？", "可行。")]


def test_a_word_table_row_number_cell_numbers_the_question():
    text = "序号\n问题\n答案\n1\n几点上班？\n八点半。\n2\n在哪里打卡？\n一楼大厅。\n"
    pairs = extract_pairs(text)
    assert [(p.question, p.answer, p.line) for p in pairs] == [
        ("几点上班？", "八点半。", 5),
        ("在哪里打卡？", "一楼大厅。", 8),
    ]


def test_page_numbers_are_not_table_rows():
    header = "员工培训手册"
    page = "一、几点上班？\n答：八点半，不得迟到，迟到要登记并扣除当月绩效分数。"
    text = f"{page}\n1\n{header}\n二、在哪里打卡？\n答：一楼。\n2\n{header}\n三、穿什么？\n答：工装。\n3\n{header}"
    assert [a for _, a in qa(text)] == [
        "八点半，不得迟到，迟到要登记并扣除当月绩效分数。",
        "一楼。",
        "工装。",
    ]


def test_a_bare_section_name_between_marked_questions_is_a_heading():
    text = "1、几点上班？\n答：八点半。\n消防安全\n2、发现烟雾怎么做？\n答：报告消防中心。\n"
    pairs = extract_pairs(text)
    assert [(p.question, p.answer, p.section) for p in pairs] == [
        ("几点上班？", "八点半。", ""),
        ("发现烟雾怎么做？", "报告消防中心。", "消防安全"),
    ]
    # A short last line of an answer that does not follow a finished sentence stays.
    text = "1、带什么？\n答：\n身份证\n工牌\n2、几点到？\n答：八点。\n"
    assert qa(text)[0] == ("带什么？", "身份证\n工牌")
    text = "1、带什么？\n答：见下图。\n(见图)\n2、几点到？\n答：八点。\n"
    assert qa(text)[0] == ("带什么？", "见下图。\n(见图)")


def test_an_answer_label_alone_on_its_line_is_not_a_heading():
    text = "（一）什么是洗钱？\n【答案】\n掩饰违法所得的来源。\n（二）保存几年？\n【答案】五年。"
    pairs = extract_pairs(text)
    assert [(p.question, p.answer, p.section) for p in pairs] == [
        ("什么是洗钱？", "掩饰违法所得的来源。", ""),
        ("保存几年？", "五年。", ""),
    ]


def test_question_and_reply_labels():
    text = "问题1：几点上班？\n回答：八点半。\n问题2：在哪打卡？回答：一楼。\n问题：穿什么？\n回答：工装。"
    assert qa(text) == [
        ("几点上班？", "八点半。"),
        ("在哪打卡？", "一楼。"),
        ("穿什么？", "工装。"),
    ]
    # Inside a sentence they are words: "存在的问题：" is no question, "回答：" mid-line no label.
    assert qa("1、发现存在的问题：怎么办？\n答：如实回答：并上报。") == [
        ("发现存在的问题：怎么办？", "如实回答：并上报。")
    ]
