"""The error every exam use case raises for bad input, a closed window, a stale page or an
object outside the actor's scope: an HTTP status and a translatable message."""

from __future__ import annotations

from typing import Any

from ..i18n import fill


class ExamError(Exception):
    def __init__(self, status: int, template: str, **params: Any) -> None:
        super().__init__(fill(template, params))
        self.status = status
        self.template = template
        self.params = params


class StaleAnswer(ExamError):
    """A save from a page showing an older revision of the answer: nothing is overwritten;
    `saved` is the answer as stored, `revision` its revision."""

    def __init__(self, template: str, saved: dict | None, revision: int) -> None:
        super().__init__(409, template)
        self.saved = saved
        self.revision = revision
