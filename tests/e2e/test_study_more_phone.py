"""On a phone (390×844): "再学一会" lasts its whole batch, and the 错题本 with 练错题."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.e2e.browser import log_in, served, small_targets
from tests.factories import load_bank, make_person

pytestmark = pytest.mark.slow

# The browser is tests/e2e/conftest.py's; the server is this module's own (a daily cap of 2).

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    def fill() -> None:
        from quizapp.extensions import db
        from quizapp.models import JobRole

        load_bank()
        make_person("E3", job_role="客服前台", password="phone-pass-3")
        make_person("E4", job_role="客服前台", password="phone-pass-4")
        # Two new items a day: the rest of the bank is what "再学一会" offers.
        db.session.scalar(select(JobRole).where(JobRole.name == "客服前台")).daily_new_cap = 2
        db.session.commit()

    with served(tmp_path_factory.mktemp("more") / "more.sqlite3", fill) as base:
        yield base


def no_horizontal_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def answer_card(page, right: bool = True) -> str:
    """Answer the shown card by tapping, right or wrong; the verdict shown."""
    kind = page.get_attribute(".answer-form", "data-type")
    if kind == "judge":
        page.tap(f"button[name=verdict][value={'true' if right else 'false'}]")
    elif kind in ("single", "multi"):
        question = page.inner_text(".question")
        if "每周" in question:
            wanted = ["回访", "跟进投诉"] if right else ["回访"]
        else:
            wanted = ["费用"] if right else ["人员"]
        for text in wanted:
            page.tap(f".option:has-text('{text}')")
        page.tap(".answer-form button.wide")
    elif kind == "cloze":
        page.fill(".blank-input", "三" if right else "九")
        page.tap(".answer-form button.wide")
    else:
        page.fill("#text", "说话轻 走路轻 操作轻" if right else "不知道")
        page.tap(".answer-form button.wide")
    page.wait_for_selector(".verdict-banner")
    return page.inner_text(".verdict-banner")


def tap_next(page) -> None:
    with page.expect_navigation(wait_until="load"):
        page.tap("#next")


def test_study_more_goes_on_card_after_card(server, browser):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", has_touch=True, is_mobile=True)
    page = context.new_page()
    log_in(page, server, "E3", "phone-pass-3")
    assert "本轮第 1 / 2 题" in page.inner_text(".progress")
    assert "这一轮：新题 2 题" in page.inner_text("main")
    for _ in range(2):
        assert "答对了" in answer_card(page)
        tap_next(page)
    assert "今天的学习完成了" in page.inner_text("main")
    no_horizontal_scroll(page)
    with page.expect_navigation(wait_until="load"):
        page.tap("#more")
    for number in range(1, 5):
        assert f"再学一会：第 {number} / 4 题" in page.inner_text(".progress"), number
        no_horizontal_scroll(page)
        assert "答对了" in answer_card(page)
        tap_next(page)
    assert "今天的学习完成了" in page.inner_text("main")
    context.close()


def test_the_mistakes_book_and_practising_it(server, browser):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", has_touch=True, is_mobile=True)
    page = context.new_page()
    log_in(page, server, "E4", "phone-pass-4")
    for _ in range(2):
        assert "还没掌握" in answer_card(page, right=False)
        tap_next(page)
    with page.expect_navigation(wait_until="load"):
        page.tap("a:has-text('错题本')")
    assert page.locator(".mistake").count() == 2
    assert "还没答对" in page.inner_text(".mistake >> nth=0")
    no_horizontal_scroll(page)
    assert small_targets(page, "#practise, main summary") == []
    page.screenshot(path=str(_shots() / "mistakes-phone.png"), full_page=True)
    with page.expect_navigation(wait_until="load"):
        page.tap("#practise")
    for number in (1, 2):
        assert f"练错题：第 {number} / 2 题" in page.inner_text(".progress")
        assert "答对了" in answer_card(page)
        assert "练习，不计入复习" in page.inner_text(".verdict-banner")
        tap_next(page)
    assert re.search(r"/study/mistakes$", page.url)
    assert "这一轮错题练完了" in page.inner_text("main")
    # Put right in practice, still listed (the latest answer is right now).
    assert page.locator(".mistake.fixed").count() == 2
    context.close()


def _shots():
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "build" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
