"""The study pages in a real browser on a 360-px-wide phone screen (Debian's Chromium,
driven by Playwright): every question type answered by tapping, no horizontal scroll,
thumb-sized targets; and the desktop keyboard shortcuts."""

from __future__ import annotations

import pytest

from tests.e2e.browser import PHONE, log_in, no_horizontal_scroll, small_targets

pytestmark = pytest.mark.slow


def test_a_new_hire_answers_every_type_with_a_thumb(server, browser):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", has_touch=True, is_mobile=True)
    page = context.new_page()
    log_in(page, server, "E1", "phone-pass-1")
    seen = set()
    for _ in range(6):
        kind = page.get_attribute(".answer-form", "data-type")
        seen.add(kind)
        no_horizontal_scroll(page)
        assert small_targets(page, ".answer-form button, .option, .judge button") == []
        if kind == "judge":
            page.tap("button[name=verdict][value=true]")
        elif kind in ("single", "multi"):
            question = page.inner_text(".question")
            wanted = ["回访", "跟进投诉"] if "每周" in question else ["费用"]
            for text in wanted:
                page.tap(f".option:has-text('{text}')")
            page.tap(".answer-form button.wide")
        elif kind == "cloze":
            page.fill(".blank-input", "三")
            page.tap(".answer-form button.wide")
        else:
            page.fill("#text", "说话轻 走路轻 操作轻")
            page.tap(".answer-form button.wide")
        page.wait_for_selector(".verdict-banner")
        assert "答对了" in page.inner_text(".verdict-banner"), kind
        no_horizontal_scroll(page)
        with page.expect_navigation(wait_until="load"):
            page.tap("#next")
    assert seen == {"qa", "single", "multi", "judge", "cloze"}
    assert "今天的学习完成了" in page.inner_text("main")
    page.goto(f"{server}/study/progress")
    no_horizontal_scroll(page)
    context.close()


def test_keyboard_shortcuts_on_a_desktop(server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    log_in(page, server, "E2", "phone-pass-2")
    seen = set()
    for _ in range(6):
        kind = page.get_attribute(".answer-form", "data-type")
        seen.add(kind)
        if kind == "judge":
            page.keyboard.press("1")  # the first big button: 对
        elif kind == "qa":
            page.keyboard.press(" ")  # show the answer without typing
            assert page.is_visible("button[name=self_rating]")
            page.keyboard.press("3")  # rate "good"
        elif kind in ("single", "multi"):
            question = page.inner_text(".question")
            wanted = ["回访", "跟进投诉"] if "每周" in question else ["费用"]
            labels = page.locator(".option").all_inner_texts()
            for text in wanted:
                position = next(n for n, label in enumerate(labels) if text in label)
                page.keyboard.press(str(position + 1))
            page.keyboard.press("Enter")
        else:
            page.fill(".blank-input", "三")
            page.keyboard.press("Enter")  # in a blank: the browser submits the form
        page.wait_for_selector(".verdict-banner")
        assert "答对了" in page.inner_text(".verdict-banner"), kind
        with page.expect_navigation(wait_until="load"):
            page.keyboard.press("Enter")  # on to the next card
    assert seen == {"qa", "single", "multi", "judge", "cloze"}
    context.close()
