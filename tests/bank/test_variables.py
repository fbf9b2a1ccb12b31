"""Bank variables ({{公司名称}}): declaring them, using them, filling them, and the
派生自 field; parsed, exported and loaded."""

from __future__ import annotations

from dataclasses import replace

import pytest

from quizapp.bank import variables as vx
from quizapp.bank.export import export_bank
from quizapp.bank.model import Item, Variable
from quizapp.bank.parser import parse_text

HEADER = """---
id: facts
title: 公司信息
roles: 客服
变量：{declared}
---

# 公司
"""

BODY = """
## {{公司名称}}的服务热线是多少？
编号：hotline
答案：
- 拨打{{服务热线}}
- 维修及时率{{维修及时率}}
解析：{{公司名称}}的热线全天有人接听。

## {{公司名称}}热线{{400|四零零}}开头。
编号：cloze
类型：填空

## 哪个是本公司？
编号：which
- [x] {{公司名称}}
- [ ] 别的公司

## 练习：热线是多少？
编号: practice
类型：判断
答案：对
派生自：hotline
"""


def parse(body: str = BODY, declared: str = "公司名称；服务热线；维修及时率=95%"):
    return parse_text(HEADER.format(declared=declared) + body)


def test_declared_variables_with_defaults_are_parsed_in_order():
    result = parse()
    assert result.errors == []
    assert result.bank.variables == (
        Variable("公司名称"),
        Variable("服务热线"),
        Variable("维修及时率", "95%"),
    )


def test_each_item_lists_the_variables_it_uses_in_order_of_first_use():
    items = {item.id: item for item in parse().bank.items}
    assert items["hotline"].variables == ("公司名称", "服务热线", "维修及时率")
    assert items["which"].variables == ("公司名称",)
    assert items["practice"].variables == ()


def test_in_a_cloze_question_a_declared_name_is_a_variable_and_anything_else_a_blank():
    cloze = {item.id: item for item in parse().bank.items}["cloze"]
    assert cloze.blanks == (("400", "四零零"),)
    assert cloze.variables == ("公司名称",)
    assert cloze.question == "{{公司名称}}热线{{400|四零零}}开头。"


def test_the_english_key_and_the_ascii_separator_work_too():
    text = HEADER.replace("变量：{declared}", "variables: 公司名称;服务热线 = 400-000-0000")
    result = parse_text(text.format() + "\n## {{公司名称}}{{服务热线}}？\n答案：对\n")
    assert result.errors == []
    assert result.bank.variables == (Variable("公司名称"), Variable("服务热线", "400-000-0000"))


@pytest.mark.parametrize(
    ("body", "line", "name"),
    [
        ("\n## 热线？\n答案：\n- {{未声明}}\n", 11, "未声明"),
        ("\n## 热线？\n答案：对\n解析：见{{手册}}\n", 12, "手册"),
        ("\n## 选哪个？\n- [x] {{甲方}}\n- [ ] 乙\n", 11, "甲方"),
        ("\n## {{公司}}是什么？\n类型：问答\n答案：物业\n", 10, "公司"),
    ],
)
def test_an_undeclared_variable_outside_a_cloze_question_is_an_error_at_its_line(body, line, name):
    result = parse(body, declared="公司名称")
    assert (line, f"变量“{name}”未在文件头的“变量”中声明") in [
        (p.line, p.message) for p in result.errors
    ]
    assert result.bank is None


@pytest.mark.parametrize(
    ("declared", "fragment"),
    [
        ("公司名称；公司名称", "声明了两次"),
        ("公司 名称", "无效"),
        ("一二三四五六七八九十一二三四五六七八九十一", "无效"),
        ("热线=", "默认值为空"),
        ("a{b", "无效"),
    ],
)
def test_bad_declarations_are_errors_at_the_front_matter_line(declared, fragment):
    result = parse("\n## 题？\n答案：对\n", declared=declared)
    assert any(p.line == 5 and fragment in p.message for p in result.errors), result.errors


def test_an_unused_variable_is_a_warning():
    result = parse(declared="公司名称；服务热线；维修及时率=95%；没用上")
    assert result.errors == []
    assert any(p.line == 5 and "没用上" in p.message for p in result.warnings)


def test_derived_from_is_kept_and_an_unknown_key_is_a_warning():
    items = {item.id: item for item in parse().bank.items}
    assert items["practice"].derived_from == "hotline"
    result = parse(BODY.replace("派生自：hotline", "派生自：nowhere"))
    assert result.errors == []
    assert any("nowhere" in p.message for p in result.warnings)


def test_a_malformed_derived_from_is_an_error():
    result = parse(BODY.replace("派生自：hotline", "派生自：不 是 编号"))
    assert any("派生自" in p.message for p in result.errors)


def test_an_item_without_derived_from_keeps_its_content_hash():
    item = Item(type="judge", question="电话铃响三声之内必须接听。", verdict=True)
    assert "derived_from" not in item.content()
    derived = replace(item, derived_from="hotline")
    assert derived.content()["derived_from"] == "hotline"
    assert derived.content_hash != item.content_hash
    # The digest of an item without the field is the digest it had before the field.
    assert item.content_hash == "5b08a35b8a13000cc78a6269129a4e5ee9fc582ef51c802ac7dc6ba0ee852ee5"


def test_export_then_parse_keeps_variables_defaults_and_derived_from():
    bank = parse().bank
    text = export_bank(bank)
    assert "变量：公司名称；服务热线；维修及时率=95%" in text
    assert "派生自：hotline" in text
    again = parse_text(text)
    assert again.errors == []
    assert again.bank == bank
    assert export_bank(again.bank) == text


def test_a_default_with_an_equals_sign_survives_the_round_trip():
    bank = parse(declared="公司名称=甲=乙；服务热线；维修及时率").bank
    assert bank.variables[0] == Variable("公司名称", "甲=乙")
    assert parse_text(export_bank(bank)).bank == bank


# -- the pure functions ----------------------------------------------------------------


def test_fill_replaces_only_the_names_given_and_reads_each_value_once():
    text = "{{公司名称}}：{{服务热线}}，{{400|四零零}}"
    assert vx.fill(text, {"公司名称": "示例物业{{服务热线}}"}) == (
        "示例物业{{服务热线}}：{{服务热线}}，{{400|四零零}}"
    )
    assert vx.fill(text, {}) == text


def test_missing_and_resolve_follow_site_then_organisation_then_default():
    defaults = {"公司名称": None, "热线": "400", "及时率": "95%"}
    values = vx.resolve(defaults, defaults, {"公司名称": "总部", "热线": "111"}, {"热线": "222"})
    assert values == {"公司名称": "总部", "热线": "222", "及时率": "95%"}
    assert vx.missing(["公司名称", "邮箱"], values) == ["邮箱"]


@pytest.mark.parametrize(
    ("value", "ok"),
    [("400-000-0000", True), ("x" * 200, True), ("x" * 201, False), ("a\nb", False),
     ("{{公司名称}}", False), ("<script>alert(1)</script>", True)],
)  # fmt: skip
def test_value_problem(value, ok):
    assert (vx.value_problem(value) is None) is ok


# -- stored by the loader ----------------------------------------------------------------


def test_the_loader_stores_variables_and_derived_from_and_reads_them_back(app):
    from sqlalchemy import select

    from quizapp.bank.loader import load_bank as stored_bank
    from quizapp.extensions import db
    from quizapp.models import Bank, Item
    from tests.factories import load_bank

    text = HEADER.format(declared="公司名称；服务热线；维修及时率=95%") + BODY
    load_bank(text)
    row = db.session.scalar(select(Bank).where(Bank.slug == "facts"))
    assert row.variables == [
        {"name": "公司名称", "default": None},
        {"name": "服务热线", "default": None},
        {"name": "维修及时率", "default": "95%"},
    ]
    items = {i.key: i for i in db.session.scalars(select(Item).where(Item.bank_id == row.id))}
    assert items["hotline"].variables == ["公司名称", "服务热线", "维修及时率"]
    assert items["which"].variables == ["公司名称"]
    assert items["practice"].derived_from == "hotline"
    assert items["practice"].variables == []
    # What the database holds exports to the same bank.
    assert stored_bank(db.session, "facts") == parse_text(text).bank
