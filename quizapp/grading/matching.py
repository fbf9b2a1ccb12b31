"""Finding one key point in an answer: where its terms occur and how well it is said.

Two kinds of evidence, both scored 0..1 against the prepared key point and answer
(:mod:`.prepared`): the best *window*, a stretch of the answer about as long as the key
point holding most of its term weight; and the *phrase*, the pinyin similarity of the
whole key point to its best-matching stretch. Both respect negation and numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from . import figures
from .figures import DIGIT
from .negation import negation_before, negator_inside
from .prepared import Answer, KeyPoint, Term

#: Share of a key point's term weight the answer must contain for a hit.
TERM_THRESHOLD = 0.55
#: Pinyin similarity (0..1) of the whole key point to a stretch of the answer for a hit.
PHRASE_THRESHOLD = 0.8
#: Minimum similarity (0..1) for an approximate match of a term of 3+ characters.
FUZZY_TERM_THRESHOLD = 0.66


@dataclass(frozen=True)
class Occurrence:
    start: int
    end: int
    term: int
    credit: float
    conflict: bool


def _find_all(haystack: str, needle: str, limit: int = 12) -> list[int]:
    out = []
    pos = haystack.find(needle)
    while pos != -1 and len(out) < limit:
        out.append(pos)
        pos = haystack.find(needle, pos + 1)
    return out


def _term_spans_in(term: Term, ans: Answer) -> list[tuple[int, int, float]]:
    text, pinyin = ans.norm.text, ans.pinyin
    if term.number or DIGIT.search(term.text):
        return [(start, end, 1.0) for start, end in figures.whole_number_spans(term.text, text)]
    if len(term.text) == 1:
        return [(p, p + 1, 1.0) for p in _find_all(text, term.text)]
    found = [(p, p + len(term.text), 1.0) for p in _find_all(pinyin, term.pinyin)]
    if found:
        return found
    if len(term.text) >= 3:
        res = fuzz.partial_ratio_alignment(
            term.pinyin, pinyin, score_cutoff=FUZZY_TERM_THRESHOLD * 100
        )
        if res is not None and res.dest_end > res.dest_start:
            return [(res.dest_start, res.dest_end, res.score / 100)]
        return []
    # A two-character term: one of its characters, for half credit (订 of 订购).
    return [(p, p + 1, 0.5) for ch in term.text for p in _find_all(text, ch, 4)]


def occurrences(kp: KeyPoint, ans: Answer) -> list[Occurrence]:
    """Every place a term of the key point occurs in the answer, in answer order."""
    occ: list[Occurrence] = []
    for n, term in enumerate(kp.terms):
        for start, end, credit in _term_spans_in(term, ans):
            inside = (
                credit < 1
                and end - start > 1
                and negator_inside(ans.tokens, ans.token_at, start, end)
            )
            if term.negated:
                # Negated in the key point: the answer must negate it too, a little
                # further back is fine (不嬉戏打闹 says 不打闹).
                negated = inside or negation_before(
                    ans.norm, ans.tokens, ans.token_at, start, reach=1
                )
                conflict = not negated
            elif term.in_negation:
                # Under a negation far back in its clause (不得在公用部分乱堆乱放): the
                # answer may or may not repeat it right before the word.
                conflict = False
            else:
                negated = inside or negation_before(
                    ans.norm, ans.tokens, ans.token_at, start, reach=0
                )
                conflict = negated
            if conflict and end - start == 1 and credit < 1:
                continue  # one character of a word is too weak to contradict anything
            occ.append(Occurrence(start, end, n, credit, conflict))
    occ.sort(key=lambda o: (o.start, o.end))
    return occ


def _numbers_agree(kp: KeyPoint, ans: Answer, chosen: Sequence[Occurrence]) -> bool:
    """No number other than the key point's right next to a found word (see :mod:`.figures`).

    Found numbers and single characters are not words a figure could belong to.
    """
    if not kp.has_numbers:
        return True
    wanted = figures.figures_of(t.text for t in kp.terms if t.number)
    words = [
        (o.start, o.end) for o in chosen if not kp.terms[o.term].number and o.end - o.start >= 2
    ]
    return figures.numbers_agree(wanted, ans.numbers, ans.norm.breaks, words)


@dataclass(frozen=True)
class Window:
    score: float
    occurrences: tuple[Occurrence, ...]
    conflict: bool


def best_window(kp: KeyPoint, ans: Answer, occ: list[Occurrence]) -> Window:
    """The stretch of the answer about as long as the key point holding most of its terms."""
    limit = len(kp.norm.text) + max(4, len(kp.norm.text) // 2)
    best = Window(0.0, (), False)
    any_conflict = False
    conflicting = [o for o in occ if o.conflict]
    for i, first in enumerate(occ):
        if first.conflict:
            continue
        credit: dict[int, Occurrence] = {}
        for o in occ[i:]:
            if o.end - first.start > limit:
                break
            if not o.conflict and (o.term not in credit or credit[o.term].credit < o.credit):
                credit[o.term] = o
        chosen = tuple(credit.values())
        if conflicting and _contradicted(ans, chosen, conflicting):
            any_conflict = True
            continue
        last = max(o.end for o in chosen)
        inside = [o for o in occ[i:] if o.end <= last and not o.conflict]
        if not _numbers_agree(kp, ans, inside):
            continue
        score = sum(kp.terms[t].weight * o.credit for t, o in credit.items()) / kp.total
        if score > best.score:
            best = Window(score, chosen, False)
    if best.score == 0.0 and any_conflict:
        return Window(0.0, (), True)
    return best


def _contradicted(
    ans: Answer, chosen: Sequence[Occurrence], conflicting: Sequence[Occurrence]
) -> bool:
    """Is the stretch contradicted by a term of opposite negation in or near it?

    Near means within 4 characters of the stretch for a term the stretch lacks
    (不以客户为中心: 中心 alone is no hit), or right next to a found word in the same
    clause for a term it has (懂…，不懂预防措施 does not say 懂预防措施).
    """
    start = min(o.start for o in chosen)
    end = max(o.end for o in chosen)
    terms = {o.term for o in chosen}
    breaks = ans.norm.breaks
    for c in conflicting:
        if c.term not in terms:
            if c.end > start - 4 and c.start < end + 4:
                return True
            continue
        for o in chosen:
            if o.term == c.term:
                continue
            if 0 <= o.start - c.end <= 2 and not any(breaks[c.end : o.start + 1]):
                return True
            if 0 <= c.start - o.end <= 2 and not any(breaks[o.end : c.start + 1]):
                return True
    return False


def phrase(kp: KeyPoint, ans: Answer, occ: list[Occurrence]) -> tuple[float, int, int, bool]:
    """Similarity of the whole key point to its best-matching stretch of the answer.

    Returns ``(score, start, end, conflict)``: score 0 below :data:`PHRASE_THRESHOLD`, and
    when negation (``conflict`` true) or numbers disagree.
    """
    k, a = kp.pinyin, ans.pinyin
    if len(k) < 6 or not a:
        return 0.0, 0, 0, False
    if len(a) >= len(k):
        res = fuzz.partial_ratio_alignment(k, a, score_cutoff=PHRASE_THRESHOLD * 100)
        if res is None:
            return 0.0, 0, 0, False
        score, start, end = res.score / 100, res.dest_start, res.dest_end
        if end - start < 0.9 * len(k):
            return 0.0, 0, 0, False
    else:
        score, start, end = fuzz.ratio(k, a) / 100, 0, len(a)
        if score < PHRASE_THRESHOLD:
            return 0.0, 0, 0, False
    lead = max(0, start - 3)
    near = [o for o in occ if o.end > lead and o.start < end + 3]
    if any(o.conflict for o in near) or (
        negator_inside(ans.tokens, ans.token_at, lead, end) != kp.has_negator
    ):
        return 0.0, start, end, True
    if not _numbers_agree(kp, ans, [o for o in near if o.start >= start]):
        return 0.0, start, end, False
    return score, start, end, False
