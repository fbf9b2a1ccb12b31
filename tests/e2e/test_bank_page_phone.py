"""The bank page of a big bank on a 390-px-wide phone (Chromium, Playwright): a page of
items at a time, the contents, a search; no horizontal scroll, thumb-sized targets."""

from __future__ import annotations

import pytest

from tests.e2e.browser import served, small_targets
from tests.factories import load_bank, make_person

pytestmark = pytest.mark.slow

PHONE_390 = {"width": 390, "height": 844}
LONG_WORD = "https://example.com/" + "a" * 300
BANK = "\n".join(
    [
        "---\nid: big\ntitle: 物业客服应知应会（一个标题很长很长很长很长很长很长的大题库）\nroles: 客服前台\n---\n",
        *(
            f"# 第{s}章 {'很长的章节标题' * 6}\n\n"
            + "\n".join(
                f"## 报修问题{s}-{n}：业主来电报修，{LONG_WORD}，怎样处理？\n"
                "类型：问答\n"
                f"答案：\n| 步骤 | 说明 | 时限 | 负责人 | 备注 |\n|---|---|---|---|---|\n"
                f"| 登记 | {'登记报修内容' * 8} | 10 分钟 | 值班人员 | {LONG_WORD} |\n\n"
                f"说明：\n\n    维修单号：{LONG_WORD}\n\n- 开出维修单交工程部\n- 处理完毕后由前台回访\n"
                f"解析：`{LONG_WORD}` 是一个很长的链接。\n"
                f"原文：{LONG_WORD}\n"
                for n in range(1, 41)
            )
            for s in range(1, 4)
        ),
    ]
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    def fill() -> None:
        load_bank(BANK)
        make_person("T1", roles=("trainer",), password="phone-pass-1")

    with served(tmp_path_factory.mktemp("e2e") / "bank.sqlite3", fill) as base:
        yield base


def no_horizontal_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_390["width"]


def test_a_big_bank_on_a_phone(server, browser):
    context = browser.new_context(
        viewport=PHONE_390, locale="zh-CN", has_touch=True, is_mobile=True
    )
    page = context.new_page()
    # (tests.e2e.browser.log_in waits for the study page, which is for employees.)
    page.goto(f"{server}/login")
    page.fill("#employee_no", "T1")
    page.fill("#password", "phone-pass-1")
    with page.expect_navigation(wait_until="load"):
        page.click("form button[type=submit]")
    page.goto(f"{server}/banks/big")
    no_horizontal_scroll(page)
    assert page.locator("li.item").count() == 50
    assert small_targets(page, ".bank-search input, .bank-search button, .toc a, .pager a") == []
    # On to the next page, then one section, then a search.
    with page.expect_navigation(wait_until="load"):
        page.tap(".pager a[rel=next]")
    assert "第 2 / 3 页" in page.inner_text("main")
    no_horizontal_scroll(page)
    page.tap(".toc summary")
    with page.expect_navigation(wait_until="load"):
        page.tap(".toc li:nth-child(3) a")
    assert page.locator("li.item").count() == 40
    no_horizontal_scroll(page)
    page.fill(".bank-search input[name=q]", "报修问题3-7：")
    with page.expect_navigation(wait_until="load"):
        page.tap(".bank-search button")
    assert page.locator("li.item").count() == 1
    no_horizontal_scroll(page)
    context.close()
