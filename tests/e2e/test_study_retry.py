"""The study page on a shaky network: an answer whose request is lost, or answered 503
(busy), is sent again with the same idempotency key, says so on the page, and is recorded
exactly once."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest

from tests.e2e.browser import log_in, served
from tests.factories import load_bank, make_person

pytestmark = pytest.mark.slow

PHONE = {"width": 390, "height": 844}
PEOPLE = {"R1": "retry-pass-1", "R2": "retry-pass-2", "R3": "retry-pass-3", "R4": "retry-pass-4"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    path = tmp_path_factory.mktemp("retry") / "retry.sqlite3"

    def fill() -> None:
        load_bank()
        for number, password in PEOPLE.items():
            make_person(number, job_role="客服前台", password=password)

    with served(path, fill) as base:
        yield base, path


def no_horizontal_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def reviews_of(path, number: str) -> int:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute(
            "SELECT count(*) FROM review_log JOIN employee ON employee.id = review_log.employee_id"
            " WHERE employee.employee_no = ?",
            (number,),
        ).fetchone()[0]


def open_card(browser, base: str, number: str):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", has_touch=True, is_mobile=True)
    page = context.new_page()
    log_in(page, base, number, PEOPLE[number])
    return context, page


def tap_answer(page) -> None:
    """Answer the shown card rightly by tapping; does not wait for the result."""
    kind = page.get_attribute(".answer-form", "data-type")
    if kind == "judge":
        page.tap("button[name=verdict][value=true]")
        return
    if kind in ("single", "multi"):
        wanted = ["回访", "跟进投诉"] if "每周" in page.inner_text(".question") else ["费用"]
        for text in wanted:
            page.tap(f".option:has-text('{text}')")
    elif kind == "cloze":
        page.fill(".blank-input", "三")
    else:
        page.fill("#text", "说话轻 走路轻 操作轻")
    page.tap(".answer-form button.wide")


def answers_route(page, first):
    """Route the answer POSTs: `first(route, n)` handles the n-th (from 1) while it returns
    True; the rest go to the server untouched. Returns the list of POSTs seen."""
    seen = []

    def handle(route):
        seen.append(route.request.post_data)
        if not first(route, len(seen)):
            route.continue_()

    page.route("**/study/answer", handle)
    return seen


def test_a_dropped_request_is_retried_and_recorded_once(site, browser):
    base, path = site
    context, page = open_card(browser, base, "R1")

    def drop_first(route, n):
        if n == 1:
            route.abort("internetdisconnected")
            return True
        return False

    seen = answers_route(page, drop_first)
    tap_answer(page)
    status = page.locator(".retry-status")
    status.wait_for(state="visible")
    assert "网络不稳，正在重试…（第 1 次）" in status.inner_text()
    assert status.get_attribute("role") == "status"
    no_horizontal_scroll(page)
    page.wait_for_selector(".verdict-banner", timeout=15000)
    assert "答对了" in page.inner_text(".verdict-banner")
    assert len(seen) == 2 and seen[0] == seen[1]  # the same fields, the same key
    assert "idempotency_key=" in seen[0]
    assert reviews_of(path, "R1") == 1
    # The written page is a working page: on to the next card.
    with page.expect_navigation(wait_until="load"):
        page.tap("#next")
    assert page.locator(".answer-form").count() == 1
    context.close()


def test_a_lost_response_is_retried_and_the_answer_is_not_counted_twice(site, browser):
    base, path = site
    context, page = open_card(browser, base, "R2")

    def lose_response(route, n):
        if n == 1:
            route.fetch()  # the server records the answer ...
            route.abort("connectionreset")  # ... but the phone never hears back
            return True
        return False

    seen = answers_route(page, lose_response)
    tap_answer(page)
    page.locator(".retry-status").wait_for(state="visible")
    page.wait_for_selector(".verdict-banner", timeout=15000)
    assert "答对了" in page.inner_text(".verdict-banner")
    assert len(seen) == 2
    assert reviews_of(path, "R2") == 1
    context.close()


def test_busy_answers_are_retried_after_retry_after(site, browser):
    base, path = site
    context, page = open_card(browser, base, "R3")

    def busy_twice(route, n):
        if n <= 2:
            route.fulfill(status=503, headers={"Retry-After": "1"}, body="busy")
            return True
        return False

    seen = answers_route(page, busy_twice)
    tap_answer(page)
    page.locator(".retry-status", has_text="正在重试…（第 2 次）").wait_for()
    assert reviews_of(path, "R3") == 0
    page.wait_for_selector(".verdict-banner", timeout=15000)
    assert "答对了" in page.inner_text(".verdict-banner")
    assert len(seen) == 3
    assert reviews_of(path, "R3") == 1
    context.close()


def test_without_fetch_the_form_posts_as_before(site, browser):
    base, path = site
    context, page = open_card(browser, base, "R4")
    page.evaluate("window.fetch = undefined")
    with page.expect_navigation(wait_until="load"):
        tap_answer(page)
    assert page.url == f"{base}/study/answer"
    assert "答对了" in page.inner_text(".verdict-banner")
    assert reviews_of(path, "R4") == 1
    context.close()
