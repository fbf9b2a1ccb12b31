"""A served app (SQLite file, werkzeug in a thread) and one browser for each test module."""

from __future__ import annotations

import threading

import pytest
from flask_migrate import upgrade
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from quizapp import create_app
from quizapp.extensions import db
from tests.e2e.browser import BROWSER_ARGS, CHROMIUM
from tests.factories import load_bank, make_person


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    path = tmp_path_factory.mktemp("e2e") / "e2e.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "e2e"})
    with app.app_context():
        upgrade()
        load_bank()
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
