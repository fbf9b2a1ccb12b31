"""Helpers for the browser tests: Debian's Chromium driven by Playwright (never a
downloaded browser), and checks a phone user would make."""

from __future__ import annotations

import shutil

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
