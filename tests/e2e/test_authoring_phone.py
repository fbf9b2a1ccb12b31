"""The authoring pages on a 390-px-wide phone (Chromium, Playwright): the draft page with
its errors, diff and preview, the bank list and the item form scroll only up and down,
and their buttons are thumb-sized."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Bank, BankDraft, Employee
from tests.e2e.browser import served, small_targets
from tests.factories import load_bank, make_person

pytestmark = pytest.mark.slow

PHONE_390 = {"width": 390, "height": 844}
LONG = "https://example.com/" + "a" * 300
BANK = f"""---
id: phone
title: 手机上编写的题库（一个很长很长很长很长很长很长很长的标题）
roles: 客服前台
---

# 报修 {"很长的章节标题" * 6}

## 业主来电报修怎样处理？{LONG}
编号：repair
类型：问答
答案：
- 登记报修内容
- 开出维修单
解析：`{LONG}`

## 有偿维修前须讲明什么？
编号：paid
- [ ] 人员
- [x] 费用
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    def fill() -> None:
        make_person("T1", roles=("trainer",), password="phone-pass-1")
        load_bank(BANK)
        owner = db.session.scalar(select(Employee.id).where(Employee.employee_no == "T1"))
        bank = db.session.scalar(select(Bank))
        bank.owner_id = owner
        edited = BANK.replace("- [x] 费用", "- [ ] 费用\n- [x] 时间") + (
            f"\n## 新的题目 {LONG}？\n答案：对\n"
        )
        broken = BANK.replace("编号：repair", f"编号：{LONG}")
        for source in (edited, broken):
            db.session.add(
                BankDraft(
                    owner_id=owner,
                    bank_id=bank.id,
                    kind="upload",
                    source=source,
                    base_hash=bank.content_hash,
                    filename=f"{'很长的文件名' * 10}.md",
                )
            )
        db.session.commit()

    with served(tmp_path_factory.mktemp("e2e") / "authoring.sqlite3", fill) as base:
        yield base


def no_horizontal_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_390["width"]


BUTTONS = "main .button, main button, main select, main input[type=text], .option-row .check"


def test_authoring_pages_on_a_phone(server, browser):
    context = browser.new_context(
        viewport=PHONE_390, locale="zh-CN", has_touch=True, is_mobile=True
    )
    page = context.new_page()
    page.goto(f"{server}/login")
    page.fill("#employee_no", "T1")
    page.fill("#password", "phone-pass-1")
    with page.expect_navigation(wait_until="load"):
        page.click("form button[type=submit]")
    # The draft with a diff and a preview.
    page.goto(f"{server}/authoring/drafts/1")
    assert "修改 1 题" in page.inner_text("main") and page.locator("li.item").count() == 2
    no_horizontal_scroll(page)
    assert small_targets(page, BUTTONS) == []
    # The draft with an error, its line shown.
    page.goto(f"{server}/authoring/drafts/2")
    assert page.locator(".problem-line").count() >= 1
    no_horizontal_scroll(page)
    # The bank list and the item form.
    page.goto(f"{server}/authoring/")
    no_horizontal_scroll(page)
    assert small_targets(page, BUTTONS) == []
    page.goto(f"{server}/banks/phone")
    no_horizontal_scroll(page)
    assert small_targets(page, ".edit-item, .bank-actions .button") == []
    with page.expect_navigation(wait_until="load"):
        page.tap(".edit-item >> nth=1")
    assert page.locator(".option-row").count() == 4
    no_horizontal_scroll(page)
    assert small_targets(page, BUTTONS) == []
    context.close()
