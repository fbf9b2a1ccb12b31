"""The study services' one error: what cannot be done, with the HTTP status to answer."""

from __future__ import annotations

from ..i18n import fill


class StudyError(Exception):
    """A card or an answer that cannot be taken; `status` is the HTTP status the view
    answers with, `template` a translatable message filled from `params`."""

    def __init__(self, status: int, template: str, **params: object) -> None:
        self.status = status
        self.template = template
        self.params = params
        super().__init__(fill(template, params))
