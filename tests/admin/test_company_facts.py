"""The company facts page (/admin/facts): every declared variable with its values, setting
and clearing them (audited, CSRF, admins only), and the items hidden for want of one."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.facts import service as facts
from quizapp.models import AuditEntry, CompanyFact, Site
from quizapp.people.service import PersonError
from tests.conftest import database_snapshot
from tests.factories import T0, csrf_token, load_bank, login, make_person

BANK = """---
id: facts
title: 公司信息题库
roles: 客服前台
变量：公司名称；服务热线；维修及时率=95%
---

# 公司
## {{公司名称}}的服务热线是多少？
编号：hotline
答案：
- 拨打{{服务热线}}

## 维修及时率应达到多少？
编号：rate
答案：
- {{维修及时率}}

## 本公司叫{{公司名称}}。
编号：name
答案：对
"""


@pytest.fixture
def admin(app):
    load_bank(BANK)
    make_person("S1", site="一号项目")
    person = make_person("A1", roles=("admin",))
    return person


def site_id(name: str) -> int:
    return db.session.scalar(select(Site.id).where(Site.name == name))


def post(client, **data):
    data.setdefault("csrf_token", csrf_token(client, "/admin/facts"))
    return client.post("/admin/facts", data=data)


def hidden_keys() -> set[str]:
    return {item.question for item in facts.hidden_items(db.session)}


def test_the_page_lists_variables_defaults_and_hidden_items(client, admin):
    login(client, "A1")
    html = client.get("/admin/facts").get_data(as_text=True)
    for text in ("公司名称", "服务热线", "维修及时率", "默认值 95%", "公司信息题库"):
        assert text in html
    # Items using 公司名称 or 服务热线 (no value, no default) are hidden; 维修及时率 has one.
    assert "{{公司名称}}的服务热线是多少？" in html
    assert "缺少：公司名称、服务热线" in html
    assert "维修及时率应达到多少？" not in html
    assert client.get("/admin/").get_data(as_text=True).count('href="/admin/facts"') == 1


def test_setting_an_organisation_value_shows_the_items_and_is_audited(client, admin):
    login(client, "A1")
    response = post(client, name="公司名称", site="", value=" 示例物业服务有限公司 ", save="1")
    assert response.status_code == 302
    row = db.session.scalar(select(CompanyFact).where(CompanyFact.name == "公司名称"))
    assert (row.site_id, row.value, row.updated_by_id) == (None, "示例物业服务有限公司", admin.id)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "company_fact_set"))
    assert entry.target == "公司名称"
    assert entry.detail == {"site": None, "old": None, "new": "示例物业服务有限公司"}
    assert hidden_keys() == {"{{公司名称}}的服务热线是多少？"}  # still needs 服务热线
    post(client, name="服务热线", site="", value="400-000-0000", save="1")
    assert hidden_keys() == set()
    html = client.get("/admin/facts").get_data(as_text=True)
    assert "示例物业服务有限公司" in html and "400-000-0000" in html


def test_a_site_value_is_kept_apart_and_cleared(client, admin):
    login(client, "A1")
    site = site_id("一号项目")
    post(client, name="服务热线", site=str(site), value="400-111-1111", save="1")
    post(client, name="服务热线", site="", value="400-000-0000", save="1")
    assert facts.site_values(db.session, site) == {"服务热线": "400-111-1111"}
    assert facts.site_values(db.session, None) == {"服务热线": "400-000-0000"}
    html = client.get("/admin/facts").get_data(as_text=True)
    assert "一号项目：400-111-1111" in html
    response = post(client, name="服务热线", site=str(site), clear="1")
    assert response.status_code == 302
    assert facts.site_values(db.session, site) == {"服务热线": "400-000-0000"}
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "company_fact_clear"))
    assert entry.detail == {"site": "一号项目", "old": "400-111-1111"}


def test_hidden_items_name_the_sites_whose_values_show_them(client, admin):
    site = site_id("一号项目")
    facts.set_value(db.session, "公司名称", site, "一号物业", admin, T0)
    facts.set_value(db.session, "服务热线", site, "400-111-1111", admin, T0)
    found = {item.question: item for item in facts.hidden_items(db.session)}
    assert found["{{公司名称}}的服务热线是多少？"].shown_at == ["一号项目"]
    assert found["本公司叫{{公司名称}}。"].missing == ["公司名称"]
    assert facts.hidden_for(db.session, site) == frozenset()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "公司名称", "site": "", "value": "", "save": "1"}, "value", "请输入值"),
        ({"name": "公司名称", "site": "", "value": "x" * 201, "save": "1"}, "value", "200"),
        ({"name": "公司名称", "site": "", "value": "a\nb", "save": "1"}, "value", "U+000A"),
        ({"name": "公司名称", "site": "", "value": "{{服务热线}}", "save": "1"}, "value", "{{"),
        ({"name": "公司名称", "site": "", "value": "a\u202eb", "save": "1"}, "value", "字符"),
        ({"name": "没有这个", "site": "", "value": "x", "save": "1"}, "name", ""),
        ({"name": "公司名称", "site": "999", "value": "x", "save": "1"}, "site", ""),
    ],
)
def test_bad_input_is_refused_with_the_field_named(client, admin, data, field, message):
    login(client, "A1")
    before = database_snapshot()
    response = post(client, **data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    block = re.search(rf'<div class="field has-error">.*?name="{field}".*?</div>', html, re.S)
    assert block, html
    assert message in block.group(0)
    assert database_snapshot() == before


def test_the_service_refuses_a_bad_value_naming_the_field(admin):
    with pytest.raises(PersonError) as raised:
        facts.set_value(db.session, "公司名称", None, "x" * 201, admin, T0)
    assert raised.value.field == "value"
    with pytest.raises(PersonError) as raised:
        facts.set_value(db.session, "公司 名称", None, "x", admin, T0)
    assert raised.value.field == "name"
    with pytest.raises(PersonError) as raised:
        facts.set_value(db.session, "公司名称", 12345, "x", admin, T0)
    assert raised.value.field == "site"


def test_without_a_csrf_token_nothing_is_changed(client, admin):
    login(client, "A1")
    before = database_snapshot()
    response = client.post("/admin/facts", data={"name": "公司名称", "value": "x", "save": "1"})
    # The app's CSRF handler sends the person back to the page with a message.
    assert response.status_code in (302, 400)
    assert database_snapshot() == before


@pytest.mark.parametrize("roles", [("employee",), ("trainer",), ("hr",)])
def test_only_admins_may_see_or_change_facts(client, admin, roles):
    make_person("X1", roles=roles)
    login(client, "X1")
    assert client.get("/admin/facts").status_code == 403
    token = csrf_token(client, "/password")
    response = client.post(
        "/admin/facts", data={"csrf_token": token, "name": "公司名称", "value": "x", "save": "1"}
    )
    assert response.status_code == 403
    assert db.session.scalar(select(CompanyFact)) is None


XSS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))"]


def test_values_are_escaped_on_the_admin_page(client, admin, blns):
    for index, value in enumerate([*XSS, *blns]):
        if facts.vx.value_problem(value.strip()) or not value.strip():
            continue
        if facts.bad_character(value.strip()) is not None:
            continue
        facts.set_value(db.session, "公司名称", None, value, admin, T0)
        if index < len(XSS):
            facts.set_value(db.session, "服务热线", site_id("一号项目"), value, admin, T0)
    login(client, "A1")
    for value in XSS:
        facts.set_value(db.session, "公司名称", None, value, admin, T0)
        html = client.get("/admin/facts").get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;" in html or "&lt;img" in html or "javascript:alert" in html


def test_the_demo_gives_every_variable_without_a_default_a_fictional_value(app):
    from quizapp.demo import create_demo

    load_bank(
        BANK.replace("维修及时率=95%", "维修及时率=95%；总经理").replace(
            "本公司叫{{公司名称}}。", "本公司叫{{公司名称}}，总经理是{{总经理}}。"
        )
    )
    create_demo(db.session, T0)
    db.session.commit()
    assert facts.site_values(db.session, None) == {
        "公司名称": "示例物业服务有限公司",
        "服务热线": "400-000-0000",
        "总经理": "示例总经理",
    }
    assert facts.hidden_for(db.session, None) == frozenset()
    entries = db.session.scalars(
        select(AuditEntry.target).where(AuditEntry.action == "company_fact_set")
    ).all()
    assert sorted(entries) == ["公司名称", "总经理", "服务热线"]
    before = database_snapshot()
    assert create_demo(db.session, T0)[1] is False  # again: nothing changes
    db.session.commit()
    assert database_snapshot() == before


@pytest.mark.slow
def test_the_page_fits_a_phone_with_long_values(tmp_path):
    """At 390×844: no sideways scroll with 200-character unbroken values, and every
    button and field is thumb-sized."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.browser import BROWSER_ARGS, CHROMIUM, served, small_targets

    def fill() -> None:
        load_bank(BANK)
        person = make_person("A1", roles=("admin",), site="一号项目", password="facts-pass-1")
        facts.set_value(db.session, "公司名称", None, "長" * 200, person, T0)
        facts.set_value(db.session, "服务热线", person.site_id, "4" * 200, person, T0)

    with served(tmp_path / "facts.sqlite3", fill) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        context = browser.new_context(
            viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
        )
        page = context.new_page()
        page.goto(f"{base}/login")
        page.fill("#employee_no", "A1")
        page.fill("#password", "facts-pass-1")
        with page.expect_navigation(wait_until="load"):
            page.click("form button[type=submit]")
        page.goto(f"{base}/admin/facts")
        assert "公司信息" in page.content()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        selector = ".page button, .page select, .page input:not([type=hidden])"
        assert small_targets(page, selector) == []
        browser.close()
