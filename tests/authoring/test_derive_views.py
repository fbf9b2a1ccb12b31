"""The page that derives practice items from a 问答 item (authoring.derive)."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import select

from quizapp.bank.parser import parse_text
from quizapp.extensions import db
from quizapp.models import Bank, BankDraft, Employee, Item
from quizapp.models.types import utcnow
from tests.authoring.helpers import token
from tests.conftest import database_snapshot
from tests.factories import load_bank, login, make_person

BANK = """---
id: derive-demo
title: 派生示例
roles: 客服前台
---

# 报修服务
岗位：客服前台

## 业主来电报修后，维修人员应在多长时间内到场？
编号：arrive
类型：问答
答案：
1. 接到报修后30分钟内到场
2. 维修及时率达到95%
3. 禁止向业主收取小费

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

## 有偿维修前须讲明什么？
编号：paid
- [ ] 人员
- [x] 费用
"""


def item_id(key: str) -> int:
    return db.session.scalar(select(Item.id).where(Item.key == key))


@pytest.fixture
def world(app):
    load_bank(BANK)
    owner = make_person("T1", roles=("trainer",))
    make_person("T2", roles=("trainer",))
    make_person("A1", roles=("admin",))
    make_person("E1")
    bank = db.session.scalar(select(Bank).where(Bank.slug == "derive-demo"))
    bank.owner_id = owner.id
    db.session.commit()
    return {"arrive": item_id("arrive"), "paid": item_id("paid")}


def page(client, key_id: int):
    return client.get(f"/authoring/items/{key_id}/derive")


def form_data(html: str) -> dict[str, str | list[str]]:
    """What the browser would send for the page's form as it stands."""
    data: dict[str, list[str]] = {}
    form = html[html.index('<form method="post" novalidate>') :]
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        if not name:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        if kind and kind.group(1) in ("checkbox", "radio") and "checked" not in tag:
            continue
        data.setdefault(name.group(1), []).append(unescape(value.group(1)) if value else "")
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        data.setdefault(name, []).append(unescape(text).removeprefix("\n"))
    return data


def test_the_owner_sees_the_drafts_as_editable_blocks(client, world):
    login(client, "T1")
    response = page(client, world["arrive"])
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    data = form_data(html)
    types = [data[f"items-{n}-type"][0] for n in range(len(data)) if f"items-{n}-type" in data]
    assert {"cloze", "judge", "single", "multi"} <= set(types)
    # Every block is included by default, and a cloze shows its answer markup.
    assert all(data[f"items-{n}-include"] == ["y"] for n in range(len(types)))
    assert any("{{30分钟" in v[0] for k, v in data.items() if k.endswith("-question"))


def test_an_admin_may_derive_from_any_bank(client, world):
    login(client, "A1")
    assert page(client, world["arrive"]).status_code == 200


def test_a_trainer_not_owning_the_bank_gets_404(client, world):
    login(client, "T2")
    assert page(client, world["arrive"]).status_code == 404
    data = {"csrf_token": token(client), "items-0-include": "y", "items-0-type": "judge"}
    response = client.post(f"/authoring/items/{world['arrive']}/derive", data=data)
    assert response.status_code == 404
    assert db.session.scalar(select(BankDraft)) is None


def test_an_employee_is_refused(client, world):
    login(client, "E1")
    assert page(client, world["arrive"]).status_code == 403


def test_other_items_give_404(client, world):
    login(client, "A1")
    assert page(client, world["paid"]).status_code == 404  # not a 问答 item
    assert page(client, 999_999).status_code == 404
    row = db.session.get(Item, world["arrive"])
    row.retired_at = utcnow()
    db.session.commit()
    assert page(client, world["arrive"]).status_code == 404


def test_a_post_stores_a_draft_of_the_bank_with_the_chosen_items(client, world):
    login(client, "T1")
    html = page(client, world["arrive"]).get_data(as_text=True)
    data = form_data(html)
    # Keep only the first two drafts, and edit the first one's explanation.
    for key in [k for k in data if k.endswith("-include")]:
        if not key.startswith(("items-0-", "items-1-")):
            del data[key]
    data["items-0-explanation"] = ["改过的解析"]
    response = client.post(f"/authoring/items/{world['arrive']}/derive", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    draft = db.session.scalar(select(BankDraft))
    assert response.headers["Location"].endswith(f"/authoring/drafts/{draft.id}")
    owner = db.session.scalar(select(Employee).where(Employee.employee_no == "T1"))
    bank = db.session.scalar(select(Bank).where(Bank.slug == "derive-demo"))
    assert (draft.kind, draft.owner_id, draft.bank_id) == ("derive", owner.id, bank.id)
    assert draft.base_hash == bank.content_hash and draft.filename == "derive-demo.md"
    result = parse_text(draft.source)
    assert result.ok, result.errors
    keys = [item.id for item in result.bank.sections[0].items]
    # Inserted right after the source, in order, with fresh ids linked to it.
    assert keys[:4] == ["arrive", "arrive-d1", "arrive-d2", "three"]
    derived = result.bank.sections[0].items[1:3]
    assert {item.derived_from for item in derived} == {"arrive"}
    assert derived[0].explanation == "改过的解析"


def test_an_invalid_edit_is_reported_on_its_item_and_nothing_is_stored(client, world):
    login(client, "T1")
    data = form_data(page(client, world["arrive"]).get_data(as_text=True))
    cloze = next(k for k, v in data.items() if k.endswith("-type") and v == ["cloze"])
    single = next(k for k, v in data.items() if k.endswith("-type") and v == ["single"])
    data[cloze.replace("-type", "-question")] = ["没有空格的题目"]
    prefix = single.removesuffix("type")
    for key in [k for k in data if k.startswith(prefix + "options-") and k.endswith("-correct")]:
        del data[key]  # a 单选 with no right option
    before = database_snapshot()
    response = client.post(f"/authoring/items/{world['arrive']}/derive", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "填空 item has no blank" in html
    assert "单选 item needs exactly one correct option" in html
    assert database_snapshot() == before


def test_a_judge_needs_a_verdict(client, world):
    login(client, "T1")
    data = form_data(page(client, world["arrive"]).get_data(as_text=True))
    judge = next(k for k, v in data.items() if k.endswith("-type") and v == ["judge"])
    del data[judge.replace("-type", "-verdict")]
    response = client.post(f"/authoring/items/{world['arrive']}/derive", data=data)
    assert response.status_code == 422
    assert "请选择“对”或“错”" in response.get_data(as_text=True)


def test_nothing_chosen_is_an_error(client, world):
    login(client, "T1")
    data = form_data(page(client, world["arrive"]).get_data(as_text=True))
    for key in [k for k in data if k.endswith("-include")]:
        del data[key]
    response = client.post(f"/authoring/items/{world['arrive']}/derive", data=data)
    assert response.status_code == 422
    assert "请至少勾选一道题加入题库。" in response.get_data(as_text=True)
    assert db.session.scalar(select(BankDraft)) is None


def test_a_post_without_csrf_token_stores_nothing(client, world):
    login(client, "T1")
    data = form_data(page(client, world["arrive"]).get_data(as_text=True))
    del data["csrf_token"]
    response = client.post(f"/authoring/items/{world['arrive']}/derive", data=data)
    assert response.status_code in (302, 400)
    assert "/drafts/" not in response.headers.get("Location", "")
    assert db.session.scalar(select(BankDraft)) is None


def test_a_forged_type_is_refused(client, world):
    login(client, "T1")
    data = form_data(page(client, world["arrive"]).get_data(as_text=True))
    data["items-0-type"] = ["qa"]
    response = client.post(f"/authoring/items/{world['arrive']}/derive", data=data)
    assert response.status_code == 422
    assert db.session.scalar(select(BankDraft)) is None


HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[点我](javascript:alert(1))",
]


def test_hostile_answers_are_never_shown_unescaped(client, world):
    text = BANK
    for n, hostile in enumerate(HOSTILE):
        text = text.replace("## 有偿维修前须讲明什么？", f"## 危险{n}？\n编号：x{n}\n类型：问答\n答案：\n- {hostile}\n- 接到报修后30分钟内到场 {hostile}\n\n## 有偿维修前须讲明什么？", 1)  # fmt: skip
    load_bank(text, now=utcnow())
    login(client, "T1")
    for n in range(len(HOSTILE)):
        for key in (f"x{n}", "arrive"):
            html = page(client, item_id(key)).get_data(as_text=True)
            assert "<script>alert" not in html
            assert "<img src=x" not in html
            assert 'onerror="alert' not in html
            assert 'href="javascript:' not in html
        # (They are there, escaped: the page did show them.)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page(client, item_id("x0")).get_data(
            as_text=True
        )


def test_naughty_answers_give_a_page_never_a_500(client, world, blns):
    login(client, "A1")
    base = BANK.replace("derive-demo", "naughty")
    body = ""
    for n, naughty in enumerate([s for s in blns if s.strip()][::8]):
        item = f"\n## 怪题{n}？\n编号：w{n}\n类型：问答\n答案：\n- {naughty}\n- 30分钟内到场{naughty}\n"
        if parse_text(base + body + item).ok:  # only strings that make a valid bank text
            body += item
    load_bank(base + body)
    ids = db.session.scalars(select(Item.id).where(Item.key.like("w%"))).all()
    assert len(ids) > 40
    for row_id in ids:
        assert page(client, row_id).status_code == 200


def test_company_facts_in_the_source_survive_into_the_draft(client, world):
    text = (
        BANK.replace("derive-demo", "facts")
        .replace("roles: 客服前台", "roles: 客服前台\n变量：公司名称；服务热线=400-000")
        .replace("## 三轻指什么？", "## {{公司名称}}的三轻指什么？")
        .replace("- 先说您好再报姓名", "- 先说您好再报{{公司名称}}")
        .replace("- 通话结束等对方先挂机", "- 告知服务热线{{服务热线}}")
    )
    load_bank(text)
    login(client, "A1")
    row = db.session.scalar(select(Item).where(Item.key == "three", Item.bank.has(slug="facts")))
    data = form_data(page(client, row.id).get_data(as_text=True))
    response = client.post(f"/authoring/items/{row.id}/derive", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    result = parse_text(db.session.scalar(select(BankDraft)).source)
    assert result.ok, result.errors
    derived = [item for item in result.bank.items if item.derived_from == "three"]
    assert len(derived) >= 4
    assert all("公司名称" in item.variables for item in derived if item.type != "multi")


@pytest.mark.slow
def test_the_page_fits_a_phone(tmp_path):
    from playwright.sync_api import sync_playwright

    from tests.e2e.browser import BROWSER_ARGS, CHROMIUM, served, small_targets

    found = {}

    def fill() -> None:
        load_bank(BANK)
        owner = make_person("T1", roles=("trainer",), password="phone-pass-1")
        db.session.scalar(select(Bank)).owner_id = owner.id
        db.session.commit()
        found["id"] = item_id("arrive")

    with served(tmp_path / "derive.sqlite3", fill) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        context = browser.new_context(
            viewport={"width": 390, "height": 844}, locale="zh-CN", has_touch=True, is_mobile=True
        )
        phone = context.new_page()
        phone.goto(f"{base}/login")
        phone.fill("#employee_no", "T1")
        phone.fill("#password", "phone-pass-1")
        with phone.expect_navigation(wait_until="load"):
            phone.click("form button[type=submit]")
        phone.goto(f"{base}/authoring/items/{found['id']}/derive")
        assert phone.locator("textarea").count() >= 12
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        targets = "main button, main .checks label, main input[type=text], main textarea"
        assert small_targets(phone, targets) == []
        browser.close()
