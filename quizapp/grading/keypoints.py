"""Key-point coverage of a typed Chinese answer to a 问答 item.

A key point (要点) is hit when the answer says it, in any word order and with the typing
noise of a phone. The rules, in order (docs/grading.md tells the full story):

1. Both sides are normalised (:mod:`.normalise`): width, traditional characters, numbers,
   formulas, punctuation, synonyms.
2. The key point is cut into words with jieba; function words (的、了、和、进行、要 …) and
   negation words are dropped, the rest are its *terms*. A term weighs its length (at
   most 4), a term with digits 4; a term that also occurs in the question weighs a quarter
   (repeating the question shows no knowledge).
3. Each term is looked for in the answer: verbatim, or as the same pinyin (homophone slips
   of pinyin input, 礼念 for 理念; two characters or more), or approximately (three
   characters or more: rapidfuzz, two characters in three), or - half credit - one
   character of a two-character term (订产品 for 产品订购's 订购). Numbers must match
   whole (4 is not found in 24).
4. Found terms count only inside one stretch of the answer about as long as the key point
   (1.5 times plus 4 characters): words scattered over an answer are not a paraphrase.
5. Polarity must agree, clause by clause: a negation governs the rest of its clause. Words
   under the key point's negation (不得推诿) need the answer's negation (不能推诿), words
   the key point says positively must not be negated (不以客户为中心 never hits
   以客户为中心; 拿起话筒前不用刻意微笑 does not smile).
6. A key point with numbers needs one of them in that stretch; another number in its
   place (24小时 for 4个小时, 90% for 95%) contradicts it.
7. Hit when the found terms weigh at least :data:`TERM_THRESHOLD` of the key point, or the
   whole key point matches a stretch of the answer with pinyin similarity of at least
   :data:`PHRASE_THRESHOLD` (near-verbatim answers with a wrong character). A key point
   not hit is *contradicted* when a stretch with a wrong figure or the opposite polarity
   says as much of it as a hit would; on a red-line item that makes the answer wrong.

Where each rule lives: :mod:`.prepared` (steps 1-2), :mod:`.negation` (the word lists and
step 5), :mod:`.figures` (the number rules of steps 3 and 6), :mod:`.matching` (steps 3-7
for one key point, with the thresholds). This module decides the hits and turns them into
coverage and a rating.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from ..srs.model import Rating
from . import normalise as _normalise
from . import segment as _segment
from .matching import (
    CONTRADICTION_THRESHOLD,
    FUZZY_TERM_THRESHOLD,
    PHRASE_THRESHOLD,
    TERM_THRESHOLD,
    best_window,
    occurrences,
    phrase,
)
from .negation import NEGATORS, NOT_NEGATIONS, STOPWORDS
from .normalise import fold
from .prepared import QUESTION_TERM_FACTOR, Answer, KeyPoint, prepare_answer, prepare_key_point
from .rating import rating_for_coverage
from .synonyms import BUILTIN_SYNONYMS, as_groups, build_table, slash_alternatives

# The tuning constants and word lists were defined here before the split; they stay
# importable from here (docs/grading.md names them).
__all__ = [
    "CONTRADICTION_THRESHOLD",
    "FUZZY_TERM_THRESHOLD",
    "NEGATORS",
    "NOT_NEGATIONS",
    "PHRASE_THRESHOLD",
    "QUESTION_TERM_FACTOR",
    "STOPWORDS",
    "TERM_THRESHOLD",
    "KeyPointMatch",
    "KeyPointResult",
    "grade_key_points",
    "warm_up",
]


@dataclass(frozen=True)
class KeyPointMatch:
    """How one key point fared.

    ``answer_spans`` are ``(start, end)`` offsets in the answer as typed where the key
    point was found (for highlighting the answer); ``term_spans`` are
    ``(start, end, found)`` over the key point's own text (to highlight found and missing
    words in the reference answer). ``score`` is the better of term weight and phrase
    similarity, 0..1. ``negation_conflict`` tells a miss caused by negation.
    ``contradicted`` tells a key point the answer says wrongly (a wrong figure or the
    opposite polarity), as distinct from one it does not say; ``contradiction`` is why:
    ``"number"``, ``"negation"`` or ``""``.
    """

    key_point: str
    hit: bool
    score: float
    answer_spans: tuple[tuple[int, int], ...] = ()
    term_spans: tuple[tuple[int, int, bool], ...] = ()
    negation_conflict: bool = False
    contradicted: bool = False
    contradiction: str = ""

    def to_dict(self) -> dict:
        return {
            "key_point": self.key_point,
            "hit": self.hit,
            "score": round(self.score, 3),
            "answer_spans": [list(s) for s in self.answer_spans],
            "term_spans": [list(s) for s in self.term_spans],
            "negation_conflict": self.negation_conflict,
            "contradicted": self.contradicted,
            "contradiction": self.contradiction,
        }


@dataclass(frozen=True)
class KeyPointResult:
    """The grade of a typed answer against an item's key points.

    ``hits`` has one bool per key point, in order; ``coverage`` is the share hit (0..1);
    ``rating`` the proposed FSRS rating (see :func:`.rating.rating_for_coverage`), *again*
    on a red-line item with a contradicted key point; ``matches`` the detail per key
    point, in order; ``contradicted`` one bool per key point said wrongly; ``red_line``
    whether the red-line rule applied.
    """

    hits: tuple[bool, ...]
    coverage: float
    rating: Rating
    matches: tuple[KeyPointMatch, ...] = field(default=(), compare=False)
    contradicted: tuple[bool, ...] = ()
    red_line: bool = False

    @property
    def correct(self) -> bool:
        """Right (✓) from *good* up: what ``FreeText.passed`` decides for the app."""
        return self.rating >= Rating.GOOD

    def to_dict(self) -> dict:
        return {
            "hits": list(self.hits),
            "coverage": self.coverage,
            "rating": self.rating.word,
            "matches": [m.to_dict() for m in self.matches],
            "contradicted": list(self.contradicted),
            "red_line": self.red_line,
        }


def _match(key_point: str, kp: KeyPoint, ans: Answer) -> KeyPointMatch:
    if not kp.terms or not ans.norm.text:
        spans = tuple(kp.norm.span(t.start, t.end) + (False,) for t in kp.terms)
        return KeyPointMatch(key_point, False, 0.0, (), spans)
    occ = occurrences(kp, ans)
    window = best_window(kp, ans, occ)
    phrase_score, p_start, p_end, p_conflict = phrase(kp, ans, occ)
    term_hit = window.score >= TERM_THRESHOLD - 1e-9
    phrase_hit = phrase_score >= PHRASE_THRESHOLD - 1e-9
    hit = term_hit or phrase_hit
    contradicted = not hit and window.contradiction >= CONTRADICTION_THRESHOLD - 1e-9
    found_terms = {o.term for o in window.occurrences}
    if phrase_hit and not term_hit:
        found_terms |= {o.term for o in occ if o.start >= p_start and o.end <= p_end}
        answer_spans = (ans.norm.span(p_start, p_end),)
    else:
        answer_spans = tuple(ans.norm.span(o.start, o.end) for o in window.occurrences)
    term_spans = tuple(
        kp.norm.span(t.start, t.end) + (n in found_terms,) for n, t in enumerate(kp.terms)
    )
    return KeyPointMatch(
        key_point=key_point,
        hit=hit,
        score=max(window.score, phrase_score),
        answer_spans=answer_spans if hit else (),
        term_spans=term_spans,
        negation_conflict=not hit
        and (p_conflict or (contradicted and window.reason == "negation")),
        contradicted=contradicted,
        contradiction=window.reason if contradicted else "",
    )


def _groups_for(
    key_points: Sequence[str], synonyms: Sequence[Sequence[str]] | None
) -> tuple[tuple[str, ...], ...]:
    groups = list(as_groups(synonyms))
    for kp in key_points:
        groups.extend(slash_alternatives(kp))
    groups.extend(BUILTIN_SYNONYMS)
    return tuple(tuple(g) for g in groups)


def grade_key_points(
    key_points: Sequence[str],
    answer: str,
    synonyms: Sequence[Sequence[str]] | None = (),
    *,
    question: str = "",
    red_line: bool = False,
) -> KeyPointResult:
    """Grade a typed answer against the key points of a 问答 item.

    ``key_points`` are the item's key points in order (``item.key_points``; for an answer
    without a list pass ``(item.answer,)``). ``synonyms`` are groups of equivalent words,
    typically the bank's groups plus the item's (``bank.synonyms + item.synonyms``).
    ``question``, when given, lowers the weight of key-point words the question already
    contains. ``red_line`` (``item.red_line``): any contradicted key point (a wrong
    figure, the opposite polarity) makes the rating *again*, whatever the coverage.
    Returns which key points were hit or contradicted, the coverage and a rating.

    Raises ``ValueError`` when there are no key points.
    """
    if not key_points:
        raise ValueError("grade_key_points needs at least one key point")
    groups = _groups_for(key_points, synonyms)
    table = build_table(groups)
    ans = prepare_answer(answer or "", table)
    question = _folded(question) if question else ""
    matches = tuple(_match(kp, prepare_key_point(kp, groups, question), ans) for kp in key_points)
    hits = tuple(m.hit for m in matches)
    contradicted = tuple(m.contradicted for m in matches)
    coverage = sum(hits) / len(hits)
    rating = rating_for_coverage(coverage)
    if red_line and any(contradicted):
        rating = Rating.AGAIN
    return KeyPointResult(hits, coverage, rating, matches, contradicted, bool(red_line))


@lru_cache(maxsize=4096)
def _folded(question: str) -> str:
    return fold(question)


def warm_up() -> None:
    """Load every dictionary now (jieba, OpenCC, pypinyin) and exercise the grader once.

    Call it at process start (a web worker, a benchmark) so the first employee's answer
    does not pay the one-off cost of about a second.
    """
    _segment.warm_up()
    _normalise.warm_up()
    grade_key_points(("以客户为中心", "服务理念"), "以客户为中心的服务礼念")
