"""Quality checks of banks (quizapp.bank.quality) and their report by `quizapp bank check`."""

from __future__ import annotations

import json
import time

import pytest

from quizapp.bank import quality
from quizapp.bank.model import Bank, Choice, Item, Section
from quizapp.bank.parser import parse_text
from quizapp.bank.quality import QualityWarning, check_bank, check_banks


def make_bank(body: str, bank_id: str = "sample", roles: str = "客服前台", extra: str = ""):
    text = f"---\nid: {bank_id}\ntitle: 示例题库\nroles: {roles}\n{extra}---\n\n# 基础\n\n{body}"
    result = parse_text(text, filename=f"{bank_id}.md")
    assert result.errors == [], result.errors
    return result.bank


def kinds(warnings: list[QualityWarning]) -> list[str]:
    return [w.kind for w in warnings]


MULTI_ONE_WRONG = (
    "## 以下哪些是敬语？\n类型：多选\n编号：polite\n- [x] 请\n- [x] 谢谢\n- [ ] 知道了\n"
)
MULTI_TWO_WRONG = MULTI_ONE_WRONG + "- [ ] 没事儿\n"


def qa_item(points: int, item_id: str = "steps") -> str:
    answer = "".join(f"{n}. 第{n}步要点\n" for n in range(1, points + 1))
    return f"## 处理流程有哪些步骤？\n类型：问答\n编号：{item_id}\n答案：\n{answer}"


# -- one bank --------------------------------------------------------------------------


def test_multi_with_one_wrong_option_is_reported_with_file_line_and_id():
    bank = make_bank(MULTI_ONE_WRONG)
    [warning] = check_bank(bank, "sample.md")
    assert warning == QualityWarning(
        "sample.md",
        9,
        "polite",
        "multi-wrong-options",
        "多选 item has 1 wrong option(s): give it at least 2 plausible wrong options",
    )
    assert warning.format() == f"sample.md:9: warning: {warning.message}"
    assert warning.to_dict() == {
        "line": 9,
        "item_id": "polite",
        "kind": "multi-wrong-options",
        "message": warning.message,
    }


def test_multi_with_two_wrong_options_passes():
    assert check_bank(make_bank(MULTI_TWO_WRONG), "sample.md") == []


def test_qa_with_more_than_six_key_points():
    assert kinds(check_bank(make_bank(qa_item(7)), "b.md")) == ["qa-key-points"]
    assert "12 key points (at most 6)" in check_bank(make_bank(qa_item(12)), "b.md")[0].message
    assert check_bank(make_bank(qa_item(6)), "b.md") == []


@pytest.mark.parametrize(
    "text",
    [
        "XX物业服务集团",
        "原名浙江XX物业管理有限公司",
        "成立于19XX年",
        "地址是xx市中山路",
        "请联系XXX",
        "某某小区的业主",
        "××市××路",
        "成立于19××年",
        "××物业服务中心",
        "XX",
    ],
)
def test_placeholder_regex_finds_template_placeholders(text):
    assert quality.placeholders(text), text


@pytest.mark.parametrize(
    "text",
    [
        "XXL码的制服",
        "XXXL",
        "MAXX 品牌",
        "Xbox 游戏机",
        "X光片",
        "您好，我是物业中心的×××",
        "请您问问×××好吗？",
        "您的×××表填写有误",
        "实际话务量 × 100%",
        "某些业主",
        "某人来电",
        "按2×3排列",
        "CXXI",
    ],
)
def test_placeholder_regex_leaves_words_and_script_slots_alone(text):
    assert quality.placeholders(text) == [], text


def test_placeholder_in_question_answer_explanation_and_quote():
    bank = make_bank(
        "## XX集团的核心价值观是什么？\n类型：问答\n编号：values\n答案：\n1. 真诚\n2. 善意\n"
        "解析：某某集团的理念。\n原文：3、XX集团的企业核心价值观是什么?答:真诚、善意。\n"
    )
    messages = [w.message for w in check_bank(bank, "b.md")]
    assert kinds(check_bank(bank, "b.md")) == ["placeholder"] * 3
    assert any("in the question" in m for m in messages)
    assert any("in the explanation" in m for m in messages)
    assert any("in the source quote" in m and "……" in m for m in messages)


def test_placeholder_in_a_section_title():
    text = (
        "---\nid: t\ntitle: 题库\nroles: 客服前台\n---\n\n# 公司概况（示例：XX物业）\n\n"
        + qa_item(2)
    )
    bank = parse_text(text).bank
    [warning] = check_bank(bank, "t.md")
    assert (warning.kind, warning.line, warning.item_id) == ("placeholder", 7, None)


def test_variables_are_not_placeholders():
    bank = make_bank(
        "## 本公司（{{公司名称}}）的地址是什么？\n类型：问答\n编号：addr\n答案：{{公司地址}}\n",
        extra="变量：公司名称；公司地址\n",
    )
    assert check_bank(bank, "b.md") == []


@pytest.mark.parametrize(
    "text",
    [
        "原文中的“XX”是手册模板的占位符，培训时换成本公司的实际名称。",
        "原文为手册模板，由培训师换成实际地址后再导入。",
        "原文中数值有识别错误，故未列入要点。",
        "符号识别有误，未作为考点。",
        "原文此题只保存了第（1）条，其余内容缺失。",
    ],
)
def test_editor_notes_are_found(text):
    assert quality.editor_notes(text), text


@pytest.mark.parametrize(
    "text",
    [
        "原文“通启”即通知、转达。",
        "手册把“为客人指引方向时，用一个手指”列在“不允许”一栏。",
        "培训结束后要进行考核。",
        "要点是先登记再派工。",
    ],
)
def test_ordinary_explanations_are_not_editor_notes(text):
    assert quality.editor_notes(text) == [], text


def test_editor_note_in_explanation_is_reported():
    bank = make_bank(qa_item(2) + "解析：原文中的“XX”是占位符，培训时换成实际名称。\n")
    found = check_bank(bank, "b.md")
    assert sorted(kinds(found)) == ["editor-note", "placeholder"]
    assert "explanation" in next(w for w in found if w.kind == "editor-note").message


def test_rate_facts():
    assert quality.rate_facts("1. 业主对物业管理服务的综合满意率93%以上") == [("综合满意率", "93%")]
    assert quality.rate_facts("维修及时率达95%以上，设备完好率100%") == [
        ("维修及时率", "95%"),
        ("设备完好率", "100%"),
    ]
    assert quality.rate_facts("客户接待服务满意率>95%") == [("客户接待服务满意率", "95%")]
    assert quality.rate_facts("维修返修率为0") == []
    assert quality.rate_facts("维修及时率{{维修及时率}}") == []


# -- across banks ----------------------------------------------------------------------


def judge(item_id: str, verdict: str, statement: str = "电话铃响三声内必须接听。") -> str:
    return f"## {statement}\n类型：判断\n编号：{item_id}\n答案：{verdict}\n"


def test_duplicate_question_across_banks_of_one_role():
    a = make_bank(qa_item(2, "a-steps"), "a")
    b = make_bank(qa_item(2, "b-steps"), "b")
    [warning] = check_banks([(a, "a.md"), (b, "b.md")])
    assert (warning.path, warning.item_id, warning.kind) == ("b.md", "b-steps", "duplicate")
    assert "a.md:9 (a-steps)" in warning.message


def test_same_question_for_different_roles_is_fine():
    a = make_bank(qa_item(2, "a-steps"), "a", roles="客服前台")
    b = make_bank(qa_item(2, "b-steps"), "b", roles="营业厅营业员")
    assert check_banks([(a, "a.md"), (b, "b.md")]) == []


def test_a_repeated_question_within_one_bank_is_left_to_the_parser():
    bank = make_bank(qa_item(2, "one") + "\n" + qa_item(2, "two"))
    assert check_banks([(bank, "a.md")]) == []


@pytest.mark.parametrize("first, second", [("对", "错"), ("错", "对")])
def test_judge_with_the_same_statement_and_opposite_verdicts(first, second):
    a = make_bank(judge("a-ring", first), "a")
    b = make_bank(judge("b-ring", second), "b")
    [warning] = check_banks([(a, "a.md"), (b, "b.md")])
    assert (warning.path, warning.kind, warning.item_id) == ("b.md", "contradiction", "b-ring")
    assert f"says {second} but a.md:9 (a-ring) says {first}" in warning.message
    # Either order of the files: one warning, on the later item.
    [again] = check_banks([(b, "b.md"), (a, "a.md")])
    assert (again.path, again.kind) == ("a.md", "contradiction")


def test_judge_with_the_same_verdict_is_a_duplicate_not_a_contradiction():
    a = make_bank(judge("a-ring", "对"), "a")
    b = make_bank(judge("b-ring", "对"), "b")
    assert kinds(check_banks([(a, "a.md"), (b, "b.md")])) == ["duplicate"]


def test_same_question_with_different_figures_in_the_answer():
    question = "## 回访率要达到多少？\n类型：问答\n编号：{id}\n答案：{answer}\n"
    a = make_bank(question.format(id="a-visit", answer="100%"), "a")
    b = make_bank(question.format(id="b-visit", answer="95%"), "b")
    [warning] = check_banks([(a, "a.md"), (b, "b.md")])
    assert warning.kind == "contradiction"
    assert "with a different answer" in warning.message
    same = make_bank(question.format(id="b-visit", answer="100%"), "b")
    assert kinds(check_banks([(a, "a.md"), (same, "b.md")])) == ["duplicate"]


def test_same_cloze_with_different_blank_answers():
    a = make_bank("## 电话铃响{{三|3}}声内接听。\n编号：a-ring\n", "a")
    b = make_bank("## 电话铃响{{四|4}}声内接听。\n编号：b-ring\n", "b")
    assert kinds(check_banks([(a, "a.md"), (b, "b.md")])) == ["contradiction"]
    same = make_bank("## 电话铃响{{3|三声}}声内接听。\n编号：b-ring\n", "b")
    assert kinds(check_banks([(a, "a.md"), (same, "b.md")])) == ["duplicate"]


REPAIR_QA = "## 公司质量目标是什么？\n类型：问答\n编号：{id}\n答案：\n1. 维修及时率{rate}\n2. 设备完好率100%\n"


def test_rate_stated_with_different_values_for_one_role_both_directions():
    qa = make_bank(REPAIR_QA.format(id="targets", rate="95%"), "a")
    statement = "本公司的维修及时率为100%。"
    true_judge = make_bank(judge("rate-judge", "对", statement), "b")
    found = check_banks([(qa, "a.md"), (true_judge, "b.md")])
    assert kinds(found) == ["contradiction", "contradiction"]
    by_path = {w.path: w for w in found}
    assert "维修及时率 is 95% here but 100% in b.md:9 (rate-judge)" in by_path["a.md"].message
    assert "维修及时率 is 100% here but 95% in a.md:9 (targets)" in by_path["b.md"].message
    assert "{{维修及时率}}" in by_path["a.md"].message


def test_rate_conflicts_need_a_shared_role_and_the_same_subject():
    qa = make_bank(REPAIR_QA.format(id="targets", rate="95%"), "a")
    other_role = make_bank(judge("j", "对", "维修及时率为100%。"), "b", roles="营业厅营业员")
    assert check_banks([(qa, "a.md"), (other_role, "b.md")]) == []
    other_subject = make_bank(judge("j", "对", "顾客满意率为100%。"), "b")
    assert check_banks([(qa, "a.md"), (other_subject, "b.md")]) == []
    same_value = make_bank(judge("j", "对", "维修及时率达95%以上。"), "b")
    assert check_banks([(qa, "a.md"), (same_value, "b.md")]) == []


def test_false_statements_and_wrong_options_state_no_facts():
    qa = make_bank(REPAIR_QA.format(id="targets", rate="95%"), "a")
    false_judge = make_bank(judge("j", "错", "维修及时率达90%以上即可。"), "b")
    assert check_banks([(qa, "a.md"), (false_judge, "b.md")]) == []
    single = make_bank(
        "## 关于质量目标，哪一项正确？\n类型：单选\n编号：s\n"
        "- [x] 设备完好率100%\n- [ ] 维修及时率90%\n- [ ] 设备完好率90%\n",
        "b",
    )
    assert check_banks([(qa, "a.md"), (single, "b.md")]) == []


def test_rate_conflict_within_one_bank():
    bank = make_bank(
        REPAIR_QA.format(id="one", rate="100%")
        + "\n## 维修及时率是多少？\n类型：问答\n编号：two\n答案：维修及时率达95%以上\n"
    )
    found = check_banks([(bank, "a.md")])
    assert kinds(found) == ["contradiction", "contradiction"]
    assert [w.item_id for w in found] == ["one", "two"]


def test_a_variable_resolves_the_conflict():
    extra = "变量：维修及时率=95%\n"
    one = make_bank(REPAIR_QA.format(id="one", rate="{{维修及时率}}"), "a", extra=extra)
    two = make_bank(judge("two", "对", "维修及时率为{{维修及时率}}。"), "b", extra=extra)
    assert check_banks([(one, "a.md"), (two, "b.md")]) == []


def test_check_banks_sorts_by_file_and_line():
    a = make_bank(MULTI_ONE_WRONG + "\n" + qa_item(7), "a")
    b = make_bank(MULTI_ONE_WRONG.replace("敬语", "文明用语"), "b")
    found = check_banks([(b, "b.md"), (a, "a.md")])
    assert [(w.path, w.line) for w in found] == [("a.md", 9), ("a.md", 16), ("b.md", 9)]
    assert set(quality.KINDS) >= set(kinds(found))


def test_many_repeats_of_one_question_take_linear_time():
    items = tuple(
        Item(type="qa", question="维修及时率是多少？", id=f"i{n}", answer=f"维修及时率{n}%", line=n)
        for n in range(1, 5001)
    )
    banks = [
        (Bank(id=f"b{k}", title="t", sections=(Section("s", ("客服前台",), items),)), f"b{k}.md")
        for k in range(2)
    ]
    started = time.perf_counter()
    found = check_banks(banks)
    assert time.perf_counter() - started < 5
    # Every item contradicts some other (a different figure for one subject); the same
    # item in the second bank is also a duplicate of the first's.
    assert {w.kind for w in found} == {"contradiction", "duplicate"}
    assert len(found) >= 10_000


def test_naughty_strings_never_break_the_checks(blns):
    items = []
    for n, text in enumerate(blns):
        items.append(Item(type="qa", question=text, id=f"q{n}", answer=text, explanation=text))
        items.append(Item(type="judge", question=text, id=f"j{n}", verdict=n % 2 == 0))
        choices = (Choice(text, True), Choice(text + "率95%", False))
        items.append(Item(type="multi", question=text, id=f"m{n}", choices=choices))
    section = Section(blns[0] or "s", ("客服前台",), tuple(items))
    banks = [(Bank(id=f"b{k}", title="t", sections=(section,)), f"b{k}.md") for k in range(2)]
    found = check_banks(banks)
    assert {w.kind for w in found} <= set(quality.KINDS)
    assert all(isinstance(w.message, str) and w.path in {"b0.md", "b1.md"} for w in found)


# -- quizapp bank check ----------------------------------------------------------------


def write(tmp_path, name: str, body: str, roles: str = "客服前台", extra: str = "") -> str:
    bank_id = name.removesuffix(".md")
    text = f"---\nid: {bank_id}\ntitle: 示例题库\nroles: {roles}\n{extra}---\n\n# 基础\n\n{body}"
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_bank_check_json_reports_quality_and_variables(runner, tmp_path):
    a = write(tmp_path, "a.md", judge("a-ring", "对"), extra="变量：公司名称\n")
    a_text = (tmp_path / "a.md").read_text(encoding="utf-8")
    (tmp_path / "a.md").write_text(
        a_text + "\n## {{公司名称}}的服务热线是什么？\n类型：问答\n编号：phone\n答案：96968\n",
        encoding="utf-8",
    )
    b = write(tmp_path, "b.md", judge("b-ring", "错") + "\n" + MULTI_ONE_WRONG)
    result = runner.invoke(args=["bank", "check", a, b, "--json"])
    assert result.exit_code == 0, result.output
    first, second = json.loads(result.stdout)
    assert first["variables"] == ["公司名称"]
    assert first["quality"] == [] and first["warnings"] == []
    assert second["variables"] == []
    assert [(q["line"], q["item_id"], q["kind"]) for q in second["quality"]] == [
        (9, "b-ring", "contradiction"),
        (14, "polite", "multi-wrong-options"),
    ]
    assert f"{a}:10 (a-ring)" in second["quality"][0]["message"]


def test_bank_check_text_prints_quality_warnings_and_variables(runner, tmp_path):
    a = write(tmp_path, "a.md", qa_item(7))
    b = write(
        tmp_path,
        "b.md",
        "## {{公司名称}}的地址是什么？\n类型：问答\n编号：addr\n答案：{{公司地址}}\n",
        extra="变量：公司名称；公司地址\n",
    )
    result = runner.invoke(args=["bank", "check", a, b])
    assert result.exit_code == 0, result.output
    assert f"{a}:9: warning: 问答 item has 7 key points" in result.stderr
    assert f"{a}: a: 1 items in 1 sections (qa 1); 1 warning(s)" in result.stdout
    assert f"{b}: b: 1 items in 1 sections (qa 1); variables: 公司名称, 公司地址; 0 warning(s)" in (
        result.stdout
    )


def test_bank_check_quality_does_not_fail_the_check_but_errors_do(runner, tmp_path):
    good = write(tmp_path, "a.md", MULTI_ONE_WRONG)
    bad = write(tmp_path, "b.md", "## 没有答案的判断\n类型：判断\n编号：x\n")
    result = runner.invoke(args=["bank", "check", good, bad, "--json"])
    assert result.exit_code == 1
    first, second = json.loads(result.stdout)
    assert kinds_of(first) == ["multi-wrong-options"]
    assert second["errors"] and second["quality"] == [] and second["variables"] == []


def kinds_of(report: dict) -> list[str]:
    return [q["kind"] for q in report["quality"]]
