"""A key point and an answer made ready for matching.

Both are normalised and cut into words. A key point's words become weighed *terms*, each
marked for negation and carrying its pinyin; an answer keeps its words, their index by
character and its numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from . import segment as _segment
from .figures import DIGIT, QUANTITY, number_runs
from .negation import NEGATORS, STOPWORDS, negation_before, split_negations
from .normalise import Norm, normalise, pinyin_string
from .synonyms import SynonymTable, build_table

#: Weight factor of a term that also occurs in the question.
QUESTION_TERM_FACTOR = 0.25


@dataclass(frozen=True)
class Term:
    text: str
    start: int
    end: int
    weight: float
    number: bool
    negated: bool  # negated right before it (不得推诿, 不得擅自占用)
    in_negation: bool  # a negation word earlier in its clause, further back
    pinyin: str


@dataclass(frozen=True)
class KeyPoint:
    norm: Norm
    pinyin: str
    terms: tuple[Term, ...]
    total: float
    has_numbers: bool
    has_negator: bool


@dataclass(frozen=True)
class Answer:
    norm: Norm
    pinyin: str
    tokens: tuple[_segment.Token, ...]
    token_at: tuple[int, ...]
    numbers: tuple[tuple[int, int, str], ...]


def _token_index(tokens: Sequence[_segment.Token], length: int) -> tuple[int, ...]:
    index = [0] * length
    for n, tok in enumerate(tokens):
        for i in range(tok.start, tok.end):
            index[i] = n
    return tuple(index)


def _given(word: str, question: str) -> bool:
    """Does the question already say ``word`` (时间较长 says 较长时间)?"""
    return word in question or (len(word) >= 3 and all(ch in question for ch in word))


# Cached: an item's key points are the same for every answer typed to it.
@lru_cache(maxsize=4096)
def prepare_key_point(
    key_point: str, groups: tuple[tuple[str, ...], ...], question: str = ""
) -> KeyPoint:
    """Normalise, segment and weigh a key point (``question`` already folded)."""
    table = build_table(groups)
    norm = normalise(key_point, table.apply)
    question_text = normalise(question, table.apply).text if question else ""
    toks = split_negations(_segment.tokens(norm.text, norm.clauses(), table.words))
    token_at = _token_index(toks, len(norm.text))
    terms: list[Term] = []
    seen: set[str] = set()
    for tok in toks:
        word = tok.text.rstrip("%") if DIGIT.search(tok.text) else tok.text
        if not word or word in STOPWORDS or word in NEGATORS or word in seen:
            continue
        seen.add(word)
        number = bool(QUANTITY.match(word))
        weight = 4.0 if number else float(min(max(len(word), 2), 4))
        if question_text and not number and _given(word, question_text):
            weight *= QUESTION_TERM_FACTOR
        terms.append(
            Term(
                text=word,
                start=tok.start,
                end=tok.start + len(word),
                weight=weight,
                number=number,
                negated=negation_before(norm, toks, token_at, tok.start, reach=0),
                in_negation=negation_before(norm, toks, token_at, tok.start, reach=99),
                pinyin=pinyin_string(word),
            )
        )
    if not terms and norm.text:
        text = norm.text
        weight = float(min(len(text), 4))
        terms.append(Term(text, 0, len(text), weight, False, False, False, pinyin_string(text)))
    return KeyPoint(
        norm=norm,
        pinyin=pinyin_string(norm.text),
        terms=tuple(terms),
        total=sum(t.weight for t in terms),
        has_numbers=any(t.number for t in terms),
        has_negator=any(t.text in NEGATORS for t in toks),
    )


def prepare_answer(answer: str, table: SynonymTable) -> Answer:
    """Normalise and segment a typed answer with the same synonyms as its key points."""
    norm = normalise(answer, table.apply)
    toks = tuple(split_negations(_segment.tokens(norm.text, norm.clauses(), table.words)))
    return Answer(
        norm,
        pinyin_string(norm.text),
        toks,
        _token_index(toks, len(norm.text)),
        number_runs(norm.text),
    )
