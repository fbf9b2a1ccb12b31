"""Jinja filters and globals shared by every blueprint's templates."""

from __future__ import annotations

from flask import Flask
from flask_babel import get_locale

from .bank.render import render_cloze, render_markdown
from .bank.syntax import TYPE_LABELS


def init_app(app: Flask) -> None:
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["cloze"] = render_cloze
    app.jinja_env.globals["TYPE_LABELS"] = TYPE_LABELS
    app.jinja_env.globals["get_locale"] = get_locale
