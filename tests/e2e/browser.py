"""Helpers for the browser tests: an app served on loopback, Debian's Chromium driven by
Playwright (never a downloaded browser), and checks a phone user would make."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask_migrate import upgrade
from werkzeug.serving import make_server

from quizapp import create_app
from quizapp.extensions import db

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


# Draws each character in the page's own font stack onto a canvas and returns the pixels
# (as data URLs). A character no installed font has is drawn as the same missing-glyph box
# as any other such character.
GLYPHS = """characters => {
    const family = getComputedStyle(document.body).fontFamily;
    return [...characters].map(character => {
        const canvas = document.createElement('canvas');
        canvas.width = 64;
        canvas.height = 64;
        const context = canvas.getContext('2d');
        context.font = `48px ${family}`;
        context.fillText(character, 4, 52);
        return canvas.toDataURL();
    });
}"""


def glyph_pixels(page, characters: str) -> list[str]:
    return page.evaluate(GLYPHS, characters)


@contextmanager
def served(path, fill: Callable[[], None]) -> Iterator[str]:
    """An app on a migrated SQLite file at `path`, filled by `fill` (in an app context),
    served on a free loopback port; yields its base URL."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "e2e"})
    with app.app_context():
        upgrade()
        fill()
        db.session.remove()
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()
