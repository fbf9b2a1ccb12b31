"""Chinese shows as Chinese: the pages' font stack finds a CJK font on this machine.

Without one (fonts-noto-cjk is installed by `make test` and .ci/run), Chromium draws every
Chinese character as the same missing-glyph box, and every screenshot is unreadable.
"""

from __future__ import annotations

import pytest

from tests.e2e.browser import PHONE, glyph_pixels

pytestmark = pytest.mark.slow

# U+10FFFD (a private-use character no font draws): the missing-glyph box itself.
NO_FONT_HAS_THIS = "\U0010fffd"


def test_chinese_text_is_drawn_with_a_font_not_as_boxes(server, browser):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{server}/login")
    assert "登录" in page.inner_text("main")
    chinese = "应知会登录密码"
    drawn = glyph_pixels(page, chinese + NO_FONT_HAS_THIS)
    box = drawn[-1]
    missing = [c for c, pixels in zip(chinese, drawn, strict=False) if pixels == box]
    assert missing == [], f"drawn as missing-glyph boxes: {''.join(missing)}"
    # Distinct characters, distinct drawings: no single fallback shape for all of them.
    assert len(set(drawn[:-1])) == len(chinese)
    context.close()


def test_the_box_check_can_fail(server, browser):
    # The check above compares against the box: two characters no font has are drawn alike.
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{server}/login")
    first, second = glyph_pixels(page, "\U0010fffd\U0010fffc")
    assert first == second
    context.close()
