"""The study pages in a real browser on a 360-px-wide phone screen (Debian's Chromium,
driven by Playwright): every question type answered by tapping, no horizontal scroll,
thumb-sized targets; and the desktop keyboard shortcuts."""

from __future__ import annotations

import shutil
import threading

import pytest
from flask_migrate import upgrade
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from quizapp import create_app
from quizapp.extensions import db
from tests.factories import make_person
from tests.study.test_service import BANK, load_bank

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PHONE = {"width": 360, "height": 740}
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    path = tmp_path_factory.mktemp("e2e") / "e2e.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "e2e"})
    with app.app_context():
        upgrade()
        load_bank(BANK)
        make_person("E1", job_role="客服前台", password="phone-pass-1")
        make_person("E2", job_role="客服前台", password="phone-pass-2")
        db.session.remove()
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=10)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield browser
        browser.close()


def log_in(page, base: str, number: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#employee_no", number)
    page.fill("#password", password)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{base}/study/", wait_until="load")


def no_horizontal_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def small_targets(page, selector: str) -> list[str]:
    """Visible tap targets under 44 px high (the usual thumb minimum)."""
    return page.evaluate(
        """selector => [...document.querySelectorAll(selector)]
            .filter(e => e.offsetParent !== null && e.getBoundingClientRect().height < 44)
            .map(e => e.outerHTML.slice(0, 80))""",
        selector,
    )


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
