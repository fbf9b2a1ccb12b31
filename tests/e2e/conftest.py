"""A served app (SQLite file, werkzeug in a thread) and one browser for each test module."""

from __future__ import annotations

import pytest
from playwright.sync_api import sync_playwright

from tests.e2e.browser import BROWSER_ARGS, CHROMIUM, served
from tests.factories import load_bank, make_person


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    def fill() -> None:
        load_bank()
        make_person("E1", job_role="客服前台", password="phone-pass-1")
        make_person("E2", job_role="客服前台", password="phone-pass-2")

    with served(tmp_path_factory.mktemp("e2e") / "e2e.sqlite3", fill) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield browser
        browser.close()
