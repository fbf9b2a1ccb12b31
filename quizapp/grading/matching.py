"""Finding one key point in an answer: where its terms occur and how well it is said.

Two kinds of evidence, both scored 0..1 against the prepared key point and answer
(:mod:`.prepared`): the best *window*, a stretch of the answer about as long as the key
point holding most of its term weight; and the *phrase*, the pinyin similarity of the
whole key point to its best-matching stretch. Both respect negation and numbers, and a
stretch that says the key point with a wrong figure or the opposite polarity is kept as
evidence of a *contradiction*.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from . import figures
from .figures import DIGIT
from .negation import negator_inside
from .prepared import Answer, KeyPoint, Term

#: Share of a key point's term weight the answer must contain for a hit.
TERM_THRESHOLD = 0.5
#: Pinyin similarity (0..1) of the whole key point to a stretch of the answer for a hit.
PHRASE_THRESHOLD = 0.8
#: Credit of a two-character term found as a word sharing one of its morphemes in the
#: same place (传给 for 传送); one character found elsewhere earns half.
MORPHEME_CREDIT = 0.75
#: Minimum similarity (0..1) for an approximate match of a term of 3+ characters.
FUZZY_TERM_THRESHOLD = 0.66
#: Share of a key point's words (numbers aside) a stretch with a wrong figure or the
#: opposite polarity must say to contradict the key point (the bar of a hit).
CONTRADICTION_THRESHOLD = TERM_THRESHOLD


@dataclass(frozen=True)
class Occurrence:
    start: int
    end: int
    term: int
    credit: float
    negated: bool  # governed by a negation in the answer
    strong: bool = True  # a whole word: it may contradict (not 电 of 电费 for 电梯)


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
        if len(term.text) == 4:
            # A four-character compound: one of its two words, for half credit (水电费怎么
            # 算 does not say 计算方法; 申请 says half of 申请加入).
            halves = (term.text[:2], term.text[2:])
            return [(p, p + 2, 0.5) for half in halves for p in _find_all(text, half, 4)]
        return []
    # A two-character term: one of its characters, for half credit (订 of 订购).
    # A word sharing the same morpheme at the same place (传给 for 传送, 扎好 for 绑好)
    # says more than a character found inside some other word.
    out = []
    for i, ch in enumerate(term.text):
        for p in _find_all(text, ch, 4):
            tok = ans.tokens[ans.token_at[p]]
            same = len(tok.text) <= 2 and p - tok.start == i
            out.append((p, p + 1, MORPHEME_CREDIT if same else 0.5))
    return out


def occurrences(kp: KeyPoint, ans: Answer) -> list[Occurrence]:
    """Every place a term of the key point occurs in the answer, in answer order."""
    occ: list[Occurrence] = []
    for n, term in enumerate(kp.terms):
        for start, end, credit in _term_spans_in(term, ans):
            negated = ans.negated[start] or (
                credit < 1
                and end - start > 1
                and negator_inside(ans.tokens, ans.token_at, start, end)
            )
            strong = (
                credit >= 1 or end - start > 1 or len(ans.tokens[ans.token_at[start]].text) == 1
            )
            if negated != term.negated and not strong:
                continue  # one character of a word is too weak to contradict anything
            occ.append(Occurrence(start, end, n, credit, negated, strong))
    # One character of a word inside another term's word is no evidence (电 of 电梯 in 电费).
    whole = [(o.start, o.end, o.term) for o in occ if o.credit >= 1]
    occ = [
        o
        for o in occ
        if o.credit >= 1
        or o.end - o.start > 1
        or not any(a <= o.start and o.end <= b and t != o.term for a, b, t in whole)
    ]
    occ.sort(key=lambda o: (o.start, o.end))
    return occ


@dataclass(frozen=True)
class Window:
    """The best stretch: ``score`` of agreeing evidence (0..1) and its occurrences;
    ``contradiction`` the share of the key point's words said by the best stretch that
    contradicts it, and ``reason`` ("number" or "negation") why."""

    score: float
    occurrences: tuple[Occurrence, ...]
    contradiction: float = 0.0
    reason: str = ""


def _alone(ans: Answer, o: Occurrence) -> bool:
    """Is the occurrence a word of the answer on its own (订 in 订产品, not 业 in 业主)?"""
    return ans.tokens[ans.token_at[o.start]].text == ans.norm.text[o.start : o.end]


def _agrees(kp: KeyPoint, o: Occurrence) -> bool:
    return o.negated == kp.terms[o.term].negated


def _denies(kp: KeyPoint, o: Occurrence) -> bool:
    """Does this occurrence negate a word the key point says positively?"""
    return o.negated and not kp.terms[o.term].negated and o.strong


def _polarity_conflict(kp: KeyPoint, chosen: Sequence[Occurrence]) -> tuple[bool, bool]:
    """``(conflict, negation_said)`` of a stretch.

    A word the key point says positively must not be negated (拿起话筒前不用刻意微笑 does
    not smile); the words under the key point's negation need the answer's negation over
    at least one of them (公用部分不能乱堆乱放 says 不得在公用部分乱堆乱放).
    """
    positive = [o for o in chosen if not kp.terms[o.term].negated]
    negative = [o for o in chosen if kp.terms[o.term].negated]
    said = any(o.negated for o in negative)
    conflict = any(_denies(kp, o) for o in positive) or (bool(negative) and not said)
    return conflict, said


def _in_clauses(
    kp: KeyPoint, ans: Answer, chosen: Sequence[Occurrence]
) -> tuple[tuple[Occurrence, ...], set[int]]:
    """The occurrences that count, and the clauses that carry the key point.

    Polarity is decided over the clauses that say the key point: a word negated in another
    clause (不用登记，直接联系被访者 | 确认后请客人稍等) neither counts nor contradicts.
    """
    clauses = {ans.clause[o.start] for o in chosen if not _denies(kp, o)}
    if not clauses:
        return tuple(chosen), {ans.clause[o.start] for o in chosen}
    kept = tuple(o for o in chosen if not _denies(kp, o) or ans.clause[o.start] in clauses)
    return kept, clauses


def _denied_near(
    kp: KeyPoint,
    ans: Answer,
    occ: Sequence[Occurrence],
    chosen: Sequence[Occurrence],
    clauses: set[int],
) -> bool:
    """A word of the key point negated in or near the stretch (不以客户为中心 has 中心)?

    Near is anywhere in a clause of the stretch for a word the stretch lacks (服务完了受理人
    就不必再回访了); in an answer without punctuation, within 4 characters. A word the
    stretch has elsewhere must be negated inside it to count.
    """
    start = min(o.start for o in chosen)
    end = max(o.end for o in chosen)
    have = {o.term for o in chosen}
    one_clause = not any(ans.norm.breaks[1:])
    for o in occ:
        if not _denies(kp, o) or ans.clause[o.start] not in clauses:
            continue
        if one_clause and (o.start >= end + 4 or o.end <= start - 4):
            continue
        if o.term not in have or (o.start >= start and o.end <= end):
            return True
    return False


def _window(
    kp: KeyPoint, ans: Answer, chosen: Sequence[Occurrence], occ: Sequence[Occurrence] = ()
) -> tuple[float, float, str]:
    """``(score, contradiction, reason)`` of the stretch holding ``chosen``."""
    chosen, clauses = _in_clauses(kp, ans, chosen)
    conflict, said = _polarity_conflict(kp, chosen)
    conflict = conflict or (bool(occ) and _denied_near(kp, ans, occ, chosen, clauses))
    content = sum(kp.terms[o.term].weight * o.credit for o in chosen if not kp.terms[o.term].number)
    said_share = content / kp.content if kp.content else 0.0
    if conflict:
        if kp.negation and any(kp.terms[o.term].negated for o in chosen):
            # The key point's own negation reversed (谢绝拍照 said as 可以随便拍照): the
            # negation is part of what is contradicted.
            said_share = (content + kp.negation) / (kp.content + kp.negation)
        return 0.0, said_share, "negation"
    if kp.has_numbers:
        status = figures.number_status(kp, ans, chosen)
        if status == "wrong":
            return 0.0, said_share, "number"
        if status == "missing":
            return 0.0, 0.0, ""
    if not any(o.credit >= 1 or o.end - o.start > 1 for o in chosen):
        return 0.0, 0.0, ""  # bits of words only (诚 of 诚信 for 真诚): nothing is said
    if (
        len(kp.terms) > 1
        and sum(o.credit for o in chosen if o.credit > 0.5 or _alone(ans, o)) < 1.5
    ):
        return 0.0, 0.0, ""  # one word of several (诚信 for 诚信开发) is not the key point
    weight = sum(kp.terms[o.term].weight * o.credit for o in chosen)
    return (weight + (kp.negation if said else 0.0)) / kp.total, 0.0, ""


def best_window(kp: KeyPoint, ans: Answer, occ: list[Occurrence]) -> Window:
    """The stretch of the answer about as long as the key point holding most of its terms."""
    limit = len(kp.norm.text) + max(4, len(kp.norm.text) // 2)
    best = Window(0.0, ())
    worst = (0.0, "")
    seen: tuple[float, tuple[Occurrence, ...]] = (0.0, ())
    for i, first in enumerate(occ):
        chosen: dict[int, Occurrence] = {}
        for o in occ[i:]:
            if o.end - first.start > limit:
                break
            have = chosen.get(o.term)
            if have is None or (o.credit, _agrees(kp, o)) > (have.credit, _agrees(kp, have)):
                chosen[o.term] = o
        picked = tuple(sorted(chosen.values(), key=lambda o: o.start))
        score, contradiction, reason = _window(kp, ans, picked, occ)
        if score > best.score:
            best = Window(score, picked)
        if contradiction > worst[0]:
            worst = (contradiction, reason)
        raw = sum(kp.terms[o.term].weight * o.credit for o in picked)
        if not reason and raw > seen[0]:
            seen = (raw, picked)  # what the answer does say, to show it
    if not best.occurrences:
        best = Window(0.0, seen[1])
    return Window(best.score, best.occurrences, worst[0], worst[1])


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
    chosen: dict[int, Occurrence] = {}
    for o in near:
        have = chosen.get(o.term)
        if have is None or (o.credit, _agrees(kp, o)) > (have.credit, _agrees(kp, have)):
            chosen[o.term] = o
    conflict, _ = _polarity_conflict(kp, list(chosen.values()))
    if conflict or negator_inside(ans.tokens, ans.token_at, lead, end) != kp.has_negator:
        return 0.0, start, end, True
    if kp.has_numbers and figures.number_status(kp, ans, list(chosen.values())) != "ok":
        return 0.0, start, end, False
    return score, start, end, False
