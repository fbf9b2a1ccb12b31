"""Jinja filters and globals shared by every blueprint's templates."""

from __future__ import annotations

from flask import Flask, g
from flask_babel import (
    format_date,
    format_datetime,
    format_number,
    format_percent,
    get_locale,
    get_translations,
)
from jinja2 import pass_context

from .bank.render import render_cloze, render_cloze_inputs, render_markdown
from .i18n import translate_issue
from .people.service import ACCESS_ROLE_LABELS
from .questions import QUESTION_TYPES
from .study.standing import REASON_LABELS, STATUS_LABELS


def _translations():
    # Flask-Babel looks up the locale and its catalogue again on every call, and a page
    # calls _() dozens of times: the request keeps the catalogue it found first.
    translations = g.get("_page_translations")
    if translations is None:
        translations = g._page_translations = get_translations()
    return translations


def _gettext(message: str) -> str:
    return _translations().ugettext(message)


def _ngettext(singular: str, plural: str, number: int) -> str:
    return _translations().ungettext(singular, plural, number)


# pass_context: Jinja would otherwise fold `'at_risk'|status_label` into the compiled
# template in the language of whoever saw the page first.
@pass_context
def _status_label(_context, code: str) -> str:
    return _gettext(STATUS_LABELS[code])


@pass_context
def _reason_label(_context, code: str) -> str:
    return _gettext(REASON_LABELS[code])


@pass_context
def _role_labels(_context, roles) -> list[str]:
    """Access-role codes as their translated labels, in ACCESS_ROLES order."""
    return [_gettext(label) for role, label in ACCESS_ROLE_LABELS.items() if role in roles]


def init_app(app: Flask) -> None:
    # Replaces the callables Flask-Babel installed; Jinja's "newstyle" wrappers still fill
    # in %(name)s placeholders and escape the result.
    app.jinja_env.install_gettext_callables(_gettext, _ngettext, newstyle=True)
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["cloze"] = render_cloze
    app.jinja_env.filters["cloze_inputs"] = render_cloze_inputs
    app.jinja_env.globals["QUESTION_TYPES"] = QUESTION_TYPES
    app.jinja_env.filters["status_label"] = _status_label
    app.jinja_env.filters["reason_label"] = _reason_label
    app.jinja_env.filters["role_labels"] = _role_labels
    app.jinja_env.globals.update(
        get_locale=get_locale,
        format_date=format_date,
        format_datetime=format_datetime,
        format_number=format_number,
        format_percent=format_percent,
        roster_issue=translate_issue,
    )
