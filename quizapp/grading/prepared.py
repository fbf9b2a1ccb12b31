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
from .negation import NEGATORS, STOPWORDS, polarity, split_negations
from .normalise import Norm, normalise, pinyin_string
from .synonyms import SynonymTable, build_table

#: Weight of a one-character term (懂, 卡, 率): less than a word's.
SHORT_WEIGHT = 1
#: Weight factor of a term that also occurs in the question.
QUESTION_TERM_FACTOR = 0.25
#: Weight of the negation of a negated key point (谢绝拍照: saying 不允许拍照 is half of it).
NEGATION_WEIGHT = 2.0
#: Weight factor of the words of an example in a key point (收线，如“祝您周末愉快、再见”).
EXAMPLE_FACTOR = 0.25
#: Weight factor of words every service-desk answer is full of: they tell little.
GENERIC_FACTOR = 0.5
GENERIC = frozenset(
    [
        "客户",
        "业主",
        "服务",
        "提供",
        "提出",
        "相关",
        "进行",
        "工作",
        "人员",
        "情况",
        "方面",
        "做到",
        "做好",
        "有关",
        "问题",
    ]
)
#: Words that start an example: what follows only illustrates the key point.
EXAMPLE_MARKERS = frozenset(["如", "例如", "比如", "譬如", "诸如"])


@dataclass(frozen=True)
class Term:
    text: str
    start: int
    end: int
    weight: float
    number: bool
    negated: bool  # governed by a negation of its clause (不得擅自占用, 谢绝拍照)
    pinyin: str


@dataclass(frozen=True)
class KeyPoint:
    norm: Norm
    pinyin: str
    terms: tuple[Term, ...]
    total: float
    has_numbers: bool
    has_negator: bool
    figures: frozenset[str]  # every number the key point says (4, 95, 3 of 3G)
    negation: float  # weight of its negation (NEGATION_WEIGHT when a term is negated)
    content: float  # weight of its terms that are not numbers


@dataclass(frozen=True)
class Answer:
    norm: Norm
    pinyin: str
    tokens: tuple[_segment.Token, ...]
    token_at: tuple[int, ...]
    numbers: tuple[tuple[int, int, str], ...]
    negated: tuple[bool, ...]  # per character: governed by a negation (negation.polarity)
    clause: tuple[int, ...]  # per character: the number of its clause


def _clause_index(norm: Norm) -> tuple[int, ...]:
    index, n = [], 0
    for i, brk in enumerate(norm.breaks):
        n += brk and i > 0
        index.append(n)
    return tuple(index)


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
    negated = polarity(norm, toks)
    terms: list[Term] = []
    seen: set[str] = set()
    example = False
    for n, tok in enumerate(toks):
        word = tok.text.rstrip("%") if DIGIT.search(tok.text) else tok.text
        if word in EXAMPLE_MARKERS and n > 0 and norm.breaks[tok.start]:
            example = True
        if (
            not word
            or word in STOPWORDS
            or word in NEGATORS
            or word in seen
            or not any(ch.isalnum() for ch in word)
        ):
            continue
        seen.add(word)
        number = bool(QUANTITY.match(word))
        weight = 4.0 if number else float(min(max(len(word), SHORT_WEIGHT), 4))
        if question_text and not number and _given(word, question_text):
            weight *= QUESTION_TERM_FACTOR
        elif word in GENERIC:
            weight *= GENERIC_FACTOR
        if example:
            weight *= EXAMPLE_FACTOR
        terms.append(
            Term(
                text=word,
                start=tok.start,
                end=tok.start + len(word),
                weight=weight,
                number=number,
                negated=negated[tok.start],
                pinyin=pinyin_string(word),
            )
        )
    if not terms and norm.text:
        text = norm.text
        weight = float(min(len(text), 4))
        terms.append(Term(text, 0, len(text), weight, False, False, pinyin_string(text)))
    negation = NEGATION_WEIGHT if any(t.negated for t in terms) else 0.0
    return KeyPoint(
        norm=norm,
        pinyin=pinyin_string(norm.text),
        terms=tuple(terms),
        total=sum(t.weight for t in terms) + negation,
        has_numbers=any(t.number for t in terms),
        has_negator=any(t.text in NEGATORS for t in toks),
        figures=frozenset(n for _, _, n in number_runs(norm.text)),
        negation=negation,
        content=sum(t.weight for t in terms if not t.number),
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
        polarity(norm, toks),
        _clause_index(norm),
    )
