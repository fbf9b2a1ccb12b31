"""Translation helpers shared by services and views."""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "translate later"
    """Mark a message for the catalogue where it is defined; it is translated where shown."""
    return message


def fill(template: str, params: dict) -> str:
    """The untranslated (Chinese) text of a template with its %(name)s values."""
    return template % params if params else template


def translate_error(error) -> str:
    """A service error (with `template` and `params`) in the current language."""
    from flask_babel import gettext

    return gettext(error.template, **error.params)


def translate_issue(issue) -> str:
    """A roster issue (quizapp.roster.RosterIssue) in the current language, with its row
    and column."""
    from flask_babel import gettext

    problem = gettext(issue.template, **issue.params) if issue.template else issue.message
    column = gettext(issue.column) if issue.column else issue.column
    return gettext(
        "第 %(row)s 行「%(column)s」：%(problem)s", row=issue.row, column=column, problem=problem
    )
