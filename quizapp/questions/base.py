"""What every question type provides, and what grading one answer gives back."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from ..grading import TimeLimits
from ..i18n import fill
from ..srs.model import Rating


class AnswerError(ValueError):
    """An answer that does not fit its question (an option that does not exist, a rating
    word that is none). ``template`` is a translatable message, filled from ``params``."""

    def __init__(self, template: str, **params: object) -> None:
        self.template = template
        self.params = params
        super().__init__(fill(template, params))


class FormData(Protocol):
    """A submitted form: werkzeug's MultiDict (``request.form``) fits."""

    def get(self, key: str, default: Any = None) -> Any: ...

    def getlist(self, key: str) -> list[Any]: ...


class Choice(Protocol):
    text: str
    correct: bool


class KeyPoint(Protocol):
    text: str


class GradedItem(Protocol):
    """The fields of an item that reading and grading an answer use (study's ItemView)."""

    question: str
    answer: str
    verdict: bool | None
    blanks: Sequence[Sequence[str]]
    synonyms: Sequence[Any]
    bank_synonyms: Sequence[Any]
    choices: Sequence[Choice]
    key_points: Sequence[KeyPoint]
    red_line: bool  # 红线: a contradicted key point makes a typed answer wrong


@dataclass(frozen=True)
class Graded:
    """One answer, graded.

    Attributes:
        correct: shown to the employee as right (✓) or not yet (✗).
        rating: what the scheduler is told.
        proposed: the grader's own rating of a typed answer, which the employee may
            overrule ("我答对了"); None where there is nothing to overrule.
        hits: per key point, whether the answer covered it (typed answers only).
        detail: what the feedback page shows of the grading, stored with the answer.
    """

    correct: bool
    rating: Rating
    proposed: Rating | None = None
    hits: list[bool] | None = None
    detail: dict = field(default_factory=dict)


class QuestionType:
    """One question type. Subclasses set the class attributes and both methods.

    Attributes:
        name: the stored type name ("qa", "single", …; bank.model.ITEM_TYPES).
        label: its Chinese name, a translatable message ("问答" …).
        partial: the template whose macros show it: ``card(item, card)`` (the answer
            controls inside the card's form), ``feedback(item, review, can_overrule)``
            and ``entry(item)`` (question and answer on a bank page).
        time_limits: response-time limits of a fully correct answer (objective types).
        self_rated: the card also offers "show the answer, rate yourself" buttons.
    """

    name: ClassVar[str]
    label: ClassVar[str]
    partial: ClassVar[str]
    time_limits: ClassVar[TimeLimits | None] = None
    self_rated: ClassVar[bool] = False

    def read_form(self, form: FormData, item: GradedItem) -> dict:
        """The answer as a plain dict (what grade() takes and the review log stores)."""
        raise NotImplementedError

    def grade(self, item: GradedItem, answer: Mapping[str, Any], response_ms: int | None) -> Graded:
        """Grade an answer dict (from read_form, or the same shape from elsewhere).

        Raises AnswerError for an answer that does not fit the item."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<question type {self.name}>"
