"""The five question types and their registry."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import grading
from ..i18n import N_
from ..srs.model import Rating
from .base import AnswerError, FormData, Graded, GradedItem, QuestionType

MAX_TEXT = 2000  # characters of a typed answer kept
MAX_BLANK = 200  # characters of one blank kept


def _indices(values: list[Any]) -> list[int]:
    picked = set()
    for value in values:
        try:
            picked.add(int(value))
        except (TypeError, ValueError):
            continue  # not an option number: the form was tampered with, ignore it
    return sorted(picked)


class ChoiceType(QuestionType):
    """单选 and 多选: tap the right option(s); fully right or not at all."""

    partial = "questions/choice.html"
    multi = False

    def read_form(self, form: FormData, item: GradedItem) -> dict:
        picked = _indices(form.getlist("choice"))
        return {"choices": picked if self.multi else picked[:1]}

    def grade(self, item: GradedItem, answer: Mapping[str, Any], response_ms: int | None) -> Graded:
        flags = [choice.correct for choice in item.choices]
        try:
            selected = [int(i) for i in answer.get("choices", [])]
        except (TypeError, ValueError):
            raise AnswerError(N_("选项不存在")) from None
        if any(not 0 <= i < len(flags) for i in selected):
            raise AnswerError(N_("选项不存在"))
        result = grading.grade_choice(flags, selected, multi=self.multi)
        rating = grading.rating_for(result.correct, response_ms, self.time_limits)
        return Graded(result.correct, rating, detail={"selected": selected, "score": result.score})


class SingleChoice(ChoiceType):
    name = "single"
    label = N_("单选")
    time_limits = grading.TimeLimits(fast_ms=10_000, slow_ms=25_000)


class MultipleChoice(ChoiceType):
    name = "multi"
    label = N_("多选")
    multi = True
    time_limits = grading.TimeLimits(fast_ms=15_000, slow_ms=40_000)


class TrueFalse(QuestionType):
    """判断: two big buttons, 对 or 错."""

    name = "judge"
    label = N_("判断")
    partial = "questions/judge.html"
    time_limits = grading.TimeLimits(fast_ms=6_000, slow_ms=15_000)

    def read_form(self, form: FormData, item: GradedItem) -> dict:
        return {"verdict": {"true": True, "false": False}.get(form.get("verdict"))}

    def grade(self, item: GradedItem, answer: Mapping[str, Any], response_ms: int | None) -> Graded:
        given = answer.get("verdict")
        if given is not None and not isinstance(given, bool):
            raise AnswerError(N_("判断题只能答对或错"))
        result = grading.grade_judge(bool(item.verdict), given)
        rating = grading.rating_for(result.correct, response_ms, self.time_limits)
        return Graded(result.correct, rating, detail={"given": given})


class FillInTheBlanks(QuestionType):
    """填空: type into each blank of the sentence; synonyms and width are forgiven."""

    name = "cloze"
    label = N_("填空")
    partial = "questions/cloze.html"
    # Per blank: an item with three blanks has three times as long.
    time_limits = grading.TimeLimits(fast_ms=10_000, slow_ms=30_000)

    def read_form(self, form: FormData, item: GradedItem) -> dict:
        typed = [str(value)[:MAX_BLANK] for value in form.getlist("blank")]
        return {"blanks": typed[: len(item.blanks)]}

    def grade(self, item: GradedItem, answer: Mapping[str, Any], response_ms: int | None) -> Graded:
        typed = [str(value)[:MAX_BLANK] for value in answer.get("blanks", [])][: len(item.blanks)]
        synonyms = [*item.bank_synonyms, *item.synonyms]
        result = grading.grade_cloze(item.blanks, typed, synonyms)
        rating = grading.rating_for(
            result.correct, response_ms, self.time_limits, scale=len(item.blanks)
        )
        detail = {"blanks": [blank.correct for blank in result.blanks], "score": result.score}
        return Graded(result.correct, rating, detail=detail)


class FreeText(QuestionType):
    """问答: typed (or spoken) in the employee's own words and graded by key points, or
    answered in the head and rated by the employee after seeing the answer."""

    name = "qa"
    label = N_("问答")
    partial = "questions/qa.html"
    self_rated = True

    def read_form(self, form: FormData, item: GradedItem) -> dict:
        word = form.get("self_rating")
        if word in {rating.word for rating in Rating}:
            return {"self_rating": word}
        return {"text": str(form.get("text") or "")[:MAX_TEXT]}

    def grade(self, item: GradedItem, answer: Mapping[str, Any], response_ms: int | None) -> Graded:
        if answer.get("self_rating"):
            try:
                rating = Rating.from_word(answer["self_rating"])
            except ValueError:
                raise AnswerError(N_("自评只能是忘了、吃力、记得或很熟")) from None
            return Graded(self.passed(rating), rating, detail={"self_rated": True})
        points = [point.text for point in item.key_points] or [item.answer]
        result = grading.grade_key_points(
            points,
            str(answer.get("text") or "")[:MAX_TEXT],
            [*item.bank_synonyms, *item.synonyms],
            question=item.question,
            red_line=bool(getattr(item, "red_line", False)),
        )
        rating = Rating(result.rating)
        return Graded(
            self.passed(rating),
            rating,
            proposed=rating,
            hits=list(result.hits),
            detail={
                "coverage": result.coverage,
                "matches": [match.to_dict() for match in result.matches],
                "contradicted": list(result.contradicted),
                "red_line": result.red_line,
            },
        )

    @staticmethod
    def passed(rating: Rating) -> bool:
        """A 问答 answer counts as right from Hard up, typed or self-rated alike: the
        scheduler takes Hard as remembered (with effort), so the page says so too."""
        return rating >= Rating.HARD


QUESTION_TYPES: dict[str, QuestionType] = {
    kind.name: kind()
    for kind in (FreeText, SingleChoice, MultipleChoice, TrueFalse, FillInTheBlanks)
}


def question_type(name: str) -> QuestionType:
    """The registered type of that name; KeyError for an unknown one."""
    return QUESTION_TYPES[name]
