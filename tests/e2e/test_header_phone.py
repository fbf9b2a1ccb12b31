"""The header on a 390×844 phone (Debian's Chromium, driven by Playwright): every link and
button in it is a thumb-sized target (44 px high at least) for an employee, a trainer and
an admin, the page never scrolls sideways, and the admin's study-settings inputs are as
tall. On a desktop the header stays one slim bar."""

from __future__ import annotations

import pytest

from tests.e2e.browser import served
from tests.factories import load_bank, make_person

pytestmark = pytest.mark.slow

PHONE = {"width": 390, "height": 844}
PEOPLE = {
    "E1": ("employee",),
    "T1": ("trainer",),
    "A1": ("admin",),
    "X1": ("employee", "trainer", "hr", "admin"),  # the longest header there is
}

# Visible links and buttons of the header under 44 px high (as "text: height").
SMALL = """() => [...document.querySelectorAll('.topbar a, .topbar button')]
    .filter(e => e.offsetParent !== null)
    .map(e => [e.innerText.trim(), e.getBoundingClientRect().height])
    .filter(([, height]) => height < 44)
    .map(([text, height]) => `${text}: ${height}`)"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):  # (the browser is tests/e2e/conftest.py's)
    def fill() -> None:
        load_bank()
        for number, roles in PEOPLE.items():
            make_person(number, roles=roles, job_role="客服前台", password=f"{number}-pass-1")

    with served(tmp_path_factory.mktemp("header") / "header.sqlite3", fill) as base:
        yield base


def log_in(browser, base: str, number: str, viewport=PHONE, locale="zh-CN"):
    phone = viewport == PHONE
    context = browser.new_context(
        viewport=viewport, locale=locale, has_touch=phone, is_mobile=phone
    )
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("#employee_no", number)
    page.fill("#password", f"{number}-pass-1")
    with page.expect_navigation(wait_until="load"):
        page.click("form button[type=submit]")
    assert "/login" not in page.url
    return context, page


def check_header(page) -> None:
    assert page.evaluate(SMALL) == [], page.url
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], (page.url, width)


@pytest.mark.parametrize("number", list(PEOPLE))
@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_every_header_target_is_thumb_sized_on_a_phone(server, browser, number, locale):
    context, page = log_in(browser, server, number, locale=locale)
    check_header(page)
    links = page.eval_on_selector_all(".topbar .nav a", "links => links.map(a => a.href)")
    assert links  # everyone has a menu
    for href in links:
        page.goto(href)
        check_header(page)
    context.close()


def test_the_admins_study_settings_inputs_are_thumb_sized(server, browser):
    context, page = log_in(browser, server, "A1")
    page.goto(f"{server}/admin/job-roles")
    with page.expect_navigation(wait_until="load"):
        page.click("a[href*='/settings']")
    check_header(page)
    heights = page.eval_on_selector_all(
        "form input:not([type=hidden]), form select",
        "fields => fields.map(f => [f.name, f.type, f.getBoundingClientRect().height])",
    )
    assert len(heights) == 5
    assert all(height >= 44 for _name, _type, height in heights), heights
    context.close()


def test_the_header_stays_one_slim_bar_on_a_desktop(server, browser):
    context, page = log_in(browser, server, "X1", viewport={"width": 1280, "height": 800})
    tops = page.eval_on_selector_all(
        ".topbar a, .topbar button", "items => items.map(e => e.getBoundingClientRect().top)"
    )
    assert max(tops) - min(tops) < 20  # one row
    assert page.evaluate("document.querySelector('.topbar').getBoundingClientRect().height") < 90
    context.close()
