"""Company facts in what hires study: items show and grade with their site's values, an
item with a missing value is neither planned, required, drawn nor counted, and a value set
by an admin shows at once."""

from __future__ import annotations

import random
import re

import pytest
from sqlalchemy import select

from quizapp.exams.taking import start_attempt
from quizapp.extensions import db
from quizapp.facts import service as facts
from quizapp.models import Employee, Item, Site
from quizapp.study.answers import grade
from quizapp.study.curriculum import required_item, required_of_person, role_items
from quizapp.study.items import ItemView, load_item
from quizapp.study.session import day_summary, present
from quizapp.study.standing import standings
from tests.exams import make_exam
from tests.factories import T0, load_bank, login, make_person

BANK = """---
id: facts
title: 公司信息
roles: 客服前台
变量：公司名称；服务热线；维修及时率=95%
---

# 基础
岗位：客服前台

## {{公司名称}}的服务热线是多少？
编号：hotline
答案：
- 拨打{{服务热线}}

## 维修及时率应达到多少？
编号：rate
答案：
- 维修及时率达到{{维修及时率}}
解析：{{维修及时率}}是质量目标。

## 哪个是本公司？
编号：which
- [x] {{公司名称}}
- [ ] 别的公司

## {{公司名称}}热线以{{400|四零零}}开头。
编号：cloze

## 电话铃响三声之内必须接听。
编号：ring
答案：对
"""

XSS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))"]


@pytest.fixture
def hire(app):
    load_bank(BANK)
    make_person("A1", roles=("admin",))
    return make_person("E1", job_role="客服前台", site="一号项目")


@pytest.fixture
def admin(hire):
    return db.session.scalar(select(Employee).where(Employee.employee_no == "A1"))


def key_of(item_id: int) -> str:
    return db.session.get(Item, item_id).key


def item_id(key: str) -> int:
    return db.session.scalar(select(Item.id).where(Item.key == key))


def site() -> int:
    return db.session.scalar(select(Site.id).where(Site.name == "一号项目"))


def required_keys(hire) -> list[str]:
    return [key_of(i) for i in role_items(db.session, hire, T0).required]


def test_items_with_a_missing_value_are_not_required_until_one_is_set(hire, admin):
    # 维修及时率 has a default; 公司名称 and 服务热线 have no value yet.
    assert required_keys(hire) == ["rate", "ring"]
    assert [key_of(i.item_id) for i in required_of_person(db.session, hire, T0)] == [
        "rate",
        "ring",
    ]
    assert required_item(db.session, hire, item_id("which"), T0) is None
    facts.set_value(db.session, "公司名称", None, "示例物业服务有限公司", admin, T0)
    assert required_keys(hire) == ["rate", "which", "cloze", "ring"]
    # A value for another site does not help; one for the hire's site does.
    other = make_person("S2", site="二号项目").site_id
    facts.set_value(db.session, "服务热线", other, "400-222-2222", admin, T0)
    assert "hotline" not in required_keys(hire)
    facts.set_value(db.session, "服务热线", site(), "400-111-1111", admin, T0)
    assert required_keys(hire) == ["hotline", "rate", "which", "cloze", "ring"]
    assert required_item(db.session, hire, item_id("hotline"), T0) is False


def test_readiness_counts_only_what_the_hire_can_be_shown(hire, admin):
    [before] = standings(db.session, T0)
    assert before.required == 2
    facts.set_value(db.session, "公司名称", None, "示例物业", admin, T0)
    [after] = standings(db.session, T0)  # the cached figures are not reused
    assert after.required == 4


def test_the_card_and_grading_use_the_site_value_over_the_organisation_value(hire, admin):
    facts.set_value(db.session, "公司名称", None, "示例物业", admin, T0)
    facts.set_value(db.session, "服务热线", None, "400-000-0000", admin, T0)
    facts.set_value(db.session, "服务热线", site(), "400-111-1111", admin, T0)
    card = present(db.session, hire, item_id("hotline"), T0)
    assert card.item.question == "示例物业的服务热线是多少？"
    assert [kp.text for kp in card.item.key_points] == ["拨打400-111-1111"]
    assert grade(card.item, {"text": "拨打400-111-1111"}, None).correct
    assert not grade(card.item, {"text": "拨打{{服务热线}}"}, None).correct
    # Without a site: the organisation's value.
    assert load_item(db.session, item_id("hotline")).key_points[0].text == "拨打400-000-0000"


def test_a_default_is_what_grading_asks_for(hire, admin):
    view = load_item(db.session, item_id("rate"), site())
    assert view.key_points[0].text == "维修及时率达到95%"
    assert grade(view, {"text": "维修及时率达到95%"}, None).correct
    facts.set_value(db.session, "维修及时率", None, "98%", admin, T0)
    view = load_item(db.session, item_id("rate"), site())  # no restart: the value shows
    assert view.key_points[0].text == "维修及时率达到98%"
    assert not grade(view, {"text": "维修及时率达到95%"}, None).correct


def test_options_and_blanks_are_filled_and_the_variable_is_no_blank(hire, admin):
    facts.set_value(db.session, "公司名称", None, "示例物业", admin, T0)
    which = load_item(db.session, item_id("which"), site())
    assert [c.text for c in which.choices] == ["示例物业", "别的公司"]
    cloze = load_item(db.session, item_id("cloze"), site())
    assert cloze.question == "示例物业热线以{{400|四零零}}开头。"
    assert cloze.blanks == [["400", "四零零"]]
    assert grade(cloze, {"blanks": ["400"]}, None).correct


def test_the_grading_command_fills_the_organisation_values(hire, admin):
    facts.set_value(db.session, "公司名称", None, "示例物业", admin, T0)
    view = ItemView.of(db.session.get(Item, item_id("which")))
    assert view.choices[0].text == "示例物业"


def test_exams_never_draw_a_hidden_item(hire, admin):
    exam = make_exam(quotas=((2, None, None),))
    attempt = start_attempt(db.session, hire, exam.id, T0, random.Random(1))
    assert sorted(key_of(a.item_id) for a in attempt.answers) == ["rate", "ring"]
    db.session.delete(attempt)
    db.session.commit()
    fixed = make_exam(fixed=("which", "ring"), title="固定")
    attempt = start_attempt(db.session, hire, fixed.id, T0, random.Random(1))
    assert [key_of(a.item_id) for a in attempt.answers] == ["ring"]


def test_the_done_page_lists_wrong_items_filled(hire, admin):
    from tests.study.util import answer

    facts.set_value(db.session, "公司名称", None, "示例物业", admin, T0)
    answer(hire, "which", {"choices": [1]})
    summary = day_summary(db.session, hire, T0)
    assert [i.question for i in summary.to_review] == ["哪个是本公司？"]
    answer(hire, "cloze", {"blanks": ["错"]})
    questions = [i.question for i in day_summary(db.session, hire, T0).to_review]
    assert "示例物业热线以{{400|四零零}}开头。" in questions


@pytest.mark.parametrize("value", XSS)
def test_hostile_values_are_escaped_on_the_card_and_the_bank_page(client, hire, admin, value):
    facts.set_value(db.session, "公司名称", None, value, admin, T0)
    facts.set_value(db.session, "服务热线", None, value, admin, T0)
    facts.set_value(db.session, "维修及时率", None, value, admin, T0)
    login(client, "E1")
    card = client.get("/study/")
    assert card.status_code == 200
    pages = [card.get_data(as_text=True)]
    # The feedback shows the answer, rendered as Markdown after the value is filled in.
    page = pages[0]
    data = {
        name: re.search(rf'name="{name}" value="([^"]*)"', page).group(1)
        for name in ("csrf_token", "ticket", "idempotency_key")
    }
    feedback = client.post("/study/answer", data={**data, "text": "不知道"})
    assert feedback.status_code == 200
    pages.append(feedback.get_data(as_text=True))
    assert "拨打" in pages[-1]
    login(client, "A1")
    pages.append(client.get("/banks/facts").get_data(as_text=True))
    assert "维修及时率" in pages[0] or "哪个是本公司" in pages[0] or "服务热线" in pages[0]
    for html in pages:
        assert "<script>alert" not in html
        assert not re.search(r"<img[^>]*onerror", html)
        assert 'href="javascript:' not in html


def test_the_bank_page_marks_values_and_unset_variables(client, hire, admin):
    facts.set_value(db.session, "公司名称", None, "示例物业", admin, T0)
    login(client, "A1")
    html = client.get("/banks/facts").get_data(as_text=True)
    assert "〔示例物业〕的服务热线是多少？" in html
    assert "拨打〔服务热线：未设置〕" in html
    assert "维修及时率达到〔95%〕" in html


def test_blns_values_never_break_a_card(client, hire, admin, blns):
    values = [
        v.strip() for v in blns
        if v.strip() and facts.vx.value_problem(v.strip()) is None
        and facts.bad_character(v.strip()) is None
    ]  # fmt: skip
    login(client, "E1")
    for value in random.Random(7).sample(values, 40):
        facts.set_value(db.session, "维修及时率", None, value, admin, T0)
        view = load_item(db.session, item_id("rate"), site())
        assert view.key_points[0].text == f"维修及时率达到{value}"
        response = client.get("/study/")
        assert response.status_code == 200
        assert "<script" not in response.get_data(as_text=True).replace("<script src=", "")


def test_the_progress_report_shows_questions_filled(hire, admin):
    from quizapp.study.progress import report
    from tests.study.util import answer

    facts.set_value(db.session, "公司名称", None, "示例物业", admin, T0)
    facts.set_value(db.session, "公司名称", site(), "一号物业", admin, T0)
    answer(hire, "cloze", {"blanks": ["错"]})
    found = report(db.session, hire, T0)
    questions = [entry.question for entry in found.weakest]
    assert "一号物业热线以{{400|四零零}}开头。" in questions
    assert not any("{{公司名称}}" in question for question in questions)
