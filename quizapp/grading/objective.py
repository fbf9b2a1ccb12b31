"""Comparators for the objective question types: 单选, 多选, 判断, 填空.

Each returns a frozen result with ``correct`` (fully right), ``score`` (0..1, partial
credit) and a per-option or per-blank detail, ready for :func:`.rating.rating_for`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .normalise import normalise
from .synonyms import as_groups, build_table


@dataclass(frozen=True)
class OptionResult:
    """One option of a choice item: was it correct, was it picked, was that right."""

    index: int
    correct: bool
    selected: bool

    @property
    def right(self) -> bool:
        return self.correct == self.selected

    def to_dict(self) -> dict:
        return {
            "index": self.index,
            "correct": self.correct,
            "selected": self.selected,
            "right": self.right,
        }


@dataclass(frozen=True)
class ChoiceResult:
    """The grade of a single- or multiple-choice answer."""

    correct: bool
    score: float
    options: tuple[OptionResult, ...]

    def to_dict(self) -> dict:
        return {
            "correct": self.correct,
            "score": self.score,
            "options": [o.to_dict() for o in self.options],
        }


@dataclass(frozen=True)
class JudgeResult:
    """The grade of a true/false answer."""

    correct: bool
    score: float
    expected: bool
    given: bool | None

    def to_dict(self) -> dict:
        return {
            "correct": self.correct,
            "score": self.score,
            "expected": self.expected,
            "given": self.given,
        }


@dataclass(frozen=True)
class BlankResult:
    """One blank of a cloze item: what was typed, what was accepted, which one matched."""

    given: str
    accepted: tuple[str, ...]
    correct: bool
    matched: str | None = None

    def to_dict(self) -> dict:
        return {
            "given": self.given,
            "accepted": list(self.accepted),
            "correct": self.correct,
            "matched": self.matched,
        }


@dataclass(frozen=True)
class ClozeResult:
    """The grade of a fill-in-the-blanks answer: right when every blank is right."""

    correct: bool
    score: float
    blanks: tuple[BlankResult, ...]

    def to_dict(self) -> dict:
        return {
            "correct": self.correct,
            "score": self.score,
            "blanks": [b.to_dict() for b in self.blanks],
        }


def grade_choice(
    correct: Sequence[bool], selected: Iterable[int], *, multi: bool | None = None
) -> ChoiceResult:
    """Grade a choice answer.

    ``correct`` has one flag per option (``[c.correct for c in item.choices]``, in the
    bank's order, not the shuffled display order); ``selected`` holds the indexes the
    employee picked. ``multi`` defaults to "more than one correct option".

    Single choice scores 1 or 0. Multiple choice gives partial credit per option:
    ``max(0, (correct picks - wrong picks) / correct options)``, so picking every option
    does not pay; it is ``correct`` only when exactly the correct options were picked.
    """
    flags = [bool(c) for c in correct]
    picked = set(selected)
    outside = [i for i in picked if not 0 <= i < len(flags)]
    if outside:
        raise ValueError(f"selected option(s) {sorted(outside)} out of range 0..{len(flags) - 1}")
    if multi is None:
        multi = sum(flags) > 1
    options = tuple(OptionResult(i, c, i in picked) for i, c in enumerate(flags))
    exact = all(o.right for o in options) and bool(picked)
    if not multi or not any(flags):
        return ChoiceResult(exact, 1.0 if exact else 0.0, options)
    good = sum(1 for o in options if o.correct and o.selected)
    bad = sum(1 for o in options if o.selected and not o.correct)
    score = max(0.0, (good - bad) / sum(flags))
    return ChoiceResult(exact, 1.0 if exact else score, options)


def grade_judge(verdict: bool, answer: bool | None) -> JudgeResult:
    """Grade a true/false answer; ``answer`` is ``None`` when the employee gave up."""
    right = answer is not None and bool(answer) == bool(verdict)
    return JudgeResult(right, 1.0 if right else 0.0, bool(verdict), answer)


def _cloze_form(text: str, synonyms) -> str:
    return normalise(text, build_table(synonyms).apply).text


def grade_cloze(
    blanks: Sequence[Sequence[str]],
    answers: Sequence[str],
    synonyms: Sequence[Sequence[str]] | None = (),
) -> ClozeResult:
    """Grade typed blanks of a cloze item.

    ``blanks`` has one sequence of accepted answers per blank (``item.blanks``);
    ``answers`` what was typed into each blank, in order (missing ones count as empty).
    A blank is right when the typing equals an accepted answer after normalisation: width,
    case, traditional characters, spaces and punctuation do not matter, Chinese numerals
    equal digits before a measure word (三声 = 3声), and words of a synonym group
    (``synonyms``: the bank's and the item's groups) are interchangeable. The score is
    the share of right blanks.
    """
    if not blanks:
        raise ValueError("grade_cloze needs at least one blank")
    groups = as_groups(synonyms)
    results = []
    for n, accepted in enumerate(blanks):
        given = answers[n] if n < len(answers) else ""
        typed = _cloze_form(given or "", groups)
        matched = None
        if typed:
            for option in accepted:
                if _cloze_form(option, groups) == typed:
                    matched = option
                    break
        results.append(BlankResult(given or "", tuple(accepted), matched is not None, matched))
    right = sum(1 for r in results if r.correct)
    return ClozeResult(right == len(results), right / len(results), tuple(results))
