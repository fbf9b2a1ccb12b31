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
5. Negation must agree: a term negated in the key point (不得推诿) must be negated in the
   answer (不能推诿) and vice versa (不以客户为中心 never hits 以客户为中心).
6. A key point with numbers needs one of them in that stretch, next to no other number.
7. Hit when the found terms weigh at least :data:`TERM_THRESHOLD` of the key point, or the
   whole key point matches a stretch of the answer with pinyin similarity of at least
   :data:`PHRASE_THRESHOLD` (near-verbatim answers with a wrong character).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from . import normalise as _normalise
from . import segment as _segment
from .normalise import Norm, fold, normalise, pinyin_string
from .rating import rating_for_coverage
from .synonyms import BUILTIN_SYNONYMS, SynonymTable, as_groups, build_table, slash_alternatives

#: Share of a key point's term weight the answer must contain for a hit.
TERM_THRESHOLD = 0.55
#: Pinyin similarity (0..1) of the whole key point to a stretch of the answer for a hit.
PHRASE_THRESHOLD = 0.8
#: Minimum similarity (0..1) for an approximate match of a term of 3+ characters.
FUZZY_TERM_THRESHOLD = 0.66
#: Weight factor of a term that also occurs in the question.
QUESTION_TERM_FACTOR = 0.25


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Words that negate what follows them (不得推诿, 谢绝拍照, 避免意外).
NEGATORS = _words(
    """
    不 没 没有 无 非 别 未 勿 莫 否 不得 不能 不可 不要 不准 不许 不用 不必 不会 不该
    不应 不应该 不可以 不能够 禁止 严禁 切勿 切莫 杜绝 无需 无须 毋须 决不 绝不 从不
    并非 不是 未能 没法 无法 不再 别再 不肯 不愿 谢绝 拒绝 避免 以免 免得 防止 严防
    """
)

#: Function words: never terms, and transparent for negation (不 可以 推诿 negates 推诿).
STOPWORDS = _words(
    """
    的 地 得 了 着 过 和 与 及 以及 并 并且 而 而且 或 或者 等 等等 在 对 对于 将 把 由 为
    以 是 被 给 向 从 于 其 之 这 那 这个 那个 这些 那些 都 也 就 还 又 再 要 需要 需 应
    应该 应当 须 必须 会 能 能够 可 可以 让 使 做 做好 进行 一下 一些 有 我 我们 你 您
    他 她 它 他们 自己 吗 呢 吧 啊 呀 嗯 哦 就是 然后 首先 其次 即 则 所 各 各种 每 很
    先 同时 好 来 去 到 说 一定 如 若 如果 时 后 之后 以后 中 里 上 下 内 % 个 用 一个
    随便 随意 擅自 私自 轻易 乱 任意 一直 都要 得到 应该要 尽量 还要 也要 一起
    以上 以下 达 达到
    """
)

#: Words that start like a negation but are not one (不断创新, 无偿服务, 没关系).
NOT_NEGATIONS = _words(
    """
    不断 不过 不仅 不但 不管 不论 不少 不久 不错 不同 不如 不然 不足 不时 不光 不免
    不良 不安 不满 不好意思 不定期 不定时 没事 没关系 没什么 无偿 无线 无论 无限 无数
    无人 无效 非常 未来 未必 别人 别的 否则
    """
)
_NEGATION_PREFIXES = sorted((w for w in NEGATORS if len(w) > 1), key=len, reverse=True) + [
    "不",
    "没",
]

_DIGIT = re.compile(r"\d")
#: A quantity: digits, maybe a measure word (95, 4小时, 3张), not a name like 3G or 186.
_QUANTITY = re.compile(r"^\d+(?:[.:]\d+)?[^\da-z]{0,2}$")


@dataclass(frozen=True)
class KeyPointMatch:
    """How one key point fared.

    ``answer_spans`` are ``(start, end)`` offsets in the answer as typed where the key
    point was found (for highlighting the answer); ``term_spans`` are
    ``(start, end, found)`` over the key point's own text (to highlight found and missing
    words in the reference answer). ``score`` is the better of term weight and phrase
    similarity, 0..1. ``negation_conflict`` tells a miss caused by negation.
    """

    key_point: str
    hit: bool
    score: float
    answer_spans: tuple[tuple[int, int], ...] = ()
    term_spans: tuple[tuple[int, int, bool], ...] = ()
    negation_conflict: bool = False

    def to_dict(self) -> dict:
        return {
            "key_point": self.key_point,
            "hit": self.hit,
            "score": round(self.score, 3),
            "answer_spans": [list(s) for s in self.answer_spans],
            "term_spans": [list(s) for s in self.term_spans],
            "negation_conflict": self.negation_conflict,
        }


@dataclass(frozen=True)
class KeyPointResult:
    """The grade of a typed answer against an item's key points.

    ``hits`` has one bool per key point, in order; ``coverage`` is the share hit (0..1);
    ``rating`` the proposed FSRS rating (see :func:`.rating.rating_for_coverage`);
    ``matches`` the detail per key point, in order.
    """

    hits: tuple[bool, ...]
    coverage: float
    rating: str
    matches: tuple[KeyPointMatch, ...] = field(default=(), compare=False)

    def to_dict(self) -> dict:
        return {
            "hits": list(self.hits),
            "coverage": self.coverage,
            "rating": self.rating,
            "matches": [m.to_dict() for m in self.matches],
        }


# ---------------------------------------------------------------------------------------
# Prepared texts.


@dataclass(frozen=True)
class _Term:
    text: str
    start: int
    end: int
    weight: float
    number: bool
    negated: bool  # negated right before it (不得推诿, 不得擅自占用)
    in_negation: bool  # a negation word earlier in its clause, further back
    pinyin: str


@dataclass(frozen=True)
class _KeyPoint:
    norm: Norm
    pinyin: str
    terms: tuple[_Term, ...]
    total: float
    has_numbers: bool
    has_negator: bool


@dataclass(frozen=True)
class _Answer:
    norm: Norm
    pinyin: str
    tokens: tuple[_segment.Token, ...]
    token_at: tuple[int, ...]
    numbers: tuple[tuple[int, int, str], ...]


def _split_negations(tokens: Sequence[_segment.Token]) -> list[_segment.Token]:
    """Cut a leading negation off a word jieba kept whole (无法回答 -> 无法 回答)."""
    out: list[_segment.Token] = []
    for tok in tokens:
        word = tok.text
        if (
            len(word) > 1
            and word not in NEGATORS
            and not any(word.startswith(w) for w in NOT_NEGATIONS)
        ):
            for prefix in _NEGATION_PREFIXES:
                rest = word[len(prefix) :]
                if word.startswith(prefix) and rest and rest not in STOPWORDS:
                    cut = tok.start + len(prefix)
                    out.append(_segment.Token(prefix, tok.start, cut))
                    out.append(_segment.Token(rest, cut, tok.end))
                    break
            else:
                out.append(tok)
            continue
        out.append(tok)
    return out


def _token_index(tokens: Sequence[_segment.Token], length: int) -> tuple[int, ...]:
    index = [0] * length
    for n, tok in enumerate(tokens):
        for i in range(tok.start, tok.end):
            index[i] = n
    return tuple(index)


def _a_not_a(tokens: Sequence[_segment.Token], n: int) -> bool:
    """Is negator token ``n`` part of a yes-no question (要不要, 转不转, 有没有)?"""
    word = tokens[n].text
    rest = word[1:]
    before = tokens[n - 1].text if n > 0 else ""
    after = tokens[n + 1].text if n + 1 < len(tokens) else ""
    if rest:
        return bool(before) and before.endswith(rest[0])
    return bool(before) and bool(after) and before[-1] == after[0]


def _negation_before(
    norm: Norm, tokens: Sequence[_segment.Token], token_at, pos: int, reach: int
) -> bool:
    """Is the word at ``pos`` negated by a negation word before it, in the same clause?

    Function words between the negator and the word are skipped (不可以推诿, 不得擅自
    占用), and up to ``reach`` content words (不嬉戏打闹 negates 打闹 with reach 1). A token
    that merely starts with a negator (不满意) negates the rest of itself.
    """
    if not tokens:
        return False
    n = token_at[pos]
    tok = tokens[n]
    skipped = content = 0
    if tok.start < pos:
        prefix = tok.text[: pos - tok.start]
        if prefix in NEGATORS:
            return True
        if prefix not in STOPWORDS:
            content += 1
            if content > reach:
                return False
    boundary = tok.start
    n -= 1
    while n >= 0 and skipped <= 4:
        prev = tokens[n]
        if norm.breaks[boundary]:
            return False
        if prev.text in NEGATORS and not _a_not_a(tokens, n):
            return True
        if prev.text not in STOPWORDS:
            content += 1
            if content > reach or pos - prev.start > 6:
                return False
        skipped += 1
        boundary = prev.start
        n -= 1
    return False


def _negator_inside(ans: _Answer, start: int, end: int) -> bool:
    """Does a negation word lie inside the span (不创新 found approximately for 不断创新)?"""
    if end - start < 2 or not ans.tokens:
        return False
    first, last = ans.token_at[start], ans.token_at[end - 1]
    return any(
        ans.tokens[n].text in NEGATORS and not _a_not_a(ans.tokens, n)
        for n in range(first, last + 1)
        if ans.tokens[n].start >= start
    )


def _given(word: str, question: str) -> bool:
    """Does the question already say ``word`` (时间较长 says 较长时间)?"""
    return word in question or (len(word) >= 3 and all(ch in question for ch in word))


@lru_cache(maxsize=4096)
def _prepare_key_point(
    key_point: str, groups: tuple[tuple[str, ...], ...], question: str = ""
) -> _KeyPoint:
    table = build_table(groups)
    norm = normalise(key_point, table.apply)
    question_text = normalise(question, table.apply).text if question else ""
    toks = _split_negations(_segment.tokens(norm.text, norm.clauses(), table.words))
    token_at = _token_index(toks, len(norm.text))
    terms: list[_Term] = []
    seen: set[str] = set()
    for tok in toks:
        word = tok.text.rstrip("%") if _DIGIT.search(tok.text) else tok.text
        if not word or word in STOPWORDS or word in NEGATORS or word in seen:
            continue
        seen.add(word)
        number = bool(_QUANTITY.match(word))
        weight = 4.0 if number else float(min(max(len(word), 2), 4))
        if question_text and not number and _given(word, question_text):
            weight *= QUESTION_TERM_FACTOR
        terms.append(
            _Term(
                text=word,
                start=tok.start,
                end=tok.start + len(word),
                weight=weight,
                number=number,
                negated=_negation_before(norm, toks, token_at, tok.start, reach=0),
                in_negation=_negation_before(norm, toks, token_at, tok.start, reach=99),
                pinyin=pinyin_string(word),
            )
        )
    if not terms and norm.text:
        text = norm.text
        weight = float(min(len(text), 4))
        terms.append(_Term(text, 0, len(text), weight, False, False, False, pinyin_string(text)))
    return _KeyPoint(
        norm=norm,
        pinyin=pinyin_string(norm.text),
        terms=tuple(terms),
        total=sum(t.weight for t in terms),
        has_numbers=any(t.number for t in terms),
        has_negator=any(t.text in NEGATORS for t in toks),
    )


_NUMBER_RUN = re.compile(r"\d+(?:[.:]\d+)?")


def _prepare_answer(answer: str, table: SynonymTable) -> _Answer:
    norm = normalise(answer, table.apply)
    toks = tuple(_split_negations(_segment.tokens(norm.text, norm.clauses(), table.words)))
    numbers = tuple((m.start(), m.end(), m.group(0)) for m in _NUMBER_RUN.finditer(norm.text))
    return _Answer(
        norm, pinyin_string(norm.text), toks, _token_index(toks, len(norm.text)), numbers
    )


# ---------------------------------------------------------------------------------------
# Matching.


@dataclass(frozen=True)
class _Occurrence:
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


def _term_spans_in(term: _Term, ans: _Answer) -> list[tuple[int, int, float]]:
    text, pinyin = ans.norm.text, ans.pinyin
    if term.number or _DIGIT.search(term.text):
        pattern = rf"(?<![\d.]){re.escape(term.text)}(?!\d)"
        return [(m.start(), m.end(), 1.0) for m in re.finditer(pattern, text)][:12]
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


def _occurrences(kp: _KeyPoint, ans: _Answer) -> list[_Occurrence]:
    occ: list[_Occurrence] = []
    for n, term in enumerate(kp.terms):
        for start, end, credit in _term_spans_in(term, ans):
            inside = credit < 1 and end - start > 1 and _negator_inside(ans, start, end)
            if term.negated:
                # Negated in the key point: the answer must negate it too, a little
                # further back is fine (不嬉戏打闹 says 不打闹).
                negated = inside or _negation_before(
                    ans.norm, ans.tokens, ans.token_at, start, reach=1
                )
                conflict = not negated
            elif term.in_negation:
                # Under a negation far back in its clause (不得在公用部分乱堆乱放): the
                # answer may or may not repeat it right before the word.
                conflict = False
            else:
                negated = inside or _negation_before(
                    ans.norm, ans.tokens, ans.token_at, start, reach=0
                )
                conflict = negated
            if conflict and end - start == 1 and credit < 1:
                continue  # one character of a word is too weak to contradict anything
            occ.append(_Occurrence(start, end, n, credit, conflict))
    occ.sort(key=lambda o: (o.start, o.end))
    return occ


def _numbers_agree(kp: _KeyPoint, ans: _Answer, chosen: Sequence[_Occurrence]) -> bool:
    """No number other than the key point's right next to a found word.

    维修及时率100% does not say 维修及时率达95%以上; a missing number just weighs nothing.
    """
    if not kp.has_numbers:
        return True
    wanted = {m.group(0) for t in kp.terms if t.number for m in _NUMBER_RUN.finditer(t.text)}
    breaks = ans.norm.breaks
    for start, end, value in ans.numbers:
        if value in wanted or value == "1":  # 1 is mostly 一 (一次性, 第一), not a figure
            continue
        for o in chosen:
            if kp.terms[o.term].number or o.end - o.start < 2:
                continue
            if 0 <= start - o.end <= 2 and not any(breaks[o.end : start + 1]):
                return False
            if 0 <= o.start - end <= 2 and not any(breaks[end : o.start + 1]):
                return False
    return True


@dataclass(frozen=True)
class _Window:
    score: float
    occurrences: tuple[_Occurrence, ...]
    conflict: bool


def _best_window(kp: _KeyPoint, ans: _Answer, occ: list[_Occurrence]) -> _Window:
    """The stretch of the answer about as long as the key point holding most of its terms."""
    limit = len(kp.norm.text) + max(4, len(kp.norm.text) // 2)
    best = _Window(0.0, (), False)
    any_conflict = False
    conflicting = [o for o in occ if o.conflict]
    for i, first in enumerate(occ):
        if first.conflict:
            continue
        credit: dict[int, _Occurrence] = {}
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
            best = _Window(score, chosen, False)
    if best.score == 0.0 and any_conflict:
        return _Window(0.0, (), True)
    return best


def _contradicted(
    ans: _Answer, chosen: Sequence[_Occurrence], conflicting: Sequence[_Occurrence]
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


def _phrase(kp: _KeyPoint, ans: _Answer, occ: list[_Occurrence]) -> tuple[float, int, int, bool]:
    """Similarity of the whole key point to its best-matching stretch of the answer."""
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
    if any(o.conflict for o in near) or _negator_inside(ans, lead, end) != kp.has_negator:
        return 0.0, start, end, True
    if not _numbers_agree(kp, ans, [o for o in near if o.start >= start]):
        return 0.0, start, end, False
    return score, start, end, False


def _match(key_point: str, kp: _KeyPoint, ans: _Answer) -> KeyPointMatch:
    if not kp.terms or not ans.norm.text:
        spans = tuple(kp.norm.span(t.start, t.end) + (False,) for t in kp.terms)
        return KeyPointMatch(key_point, False, 0.0, (), spans)
    occ = _occurrences(kp, ans)
    window = _best_window(kp, ans, occ)
    phrase_score, p_start, p_end, p_conflict = _phrase(kp, ans, occ)
    term_hit = window.score >= TERM_THRESHOLD - 1e-9
    phrase_hit = phrase_score >= PHRASE_THRESHOLD - 1e-9
    hit = term_hit or phrase_hit
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
        negation_conflict=(window.conflict or p_conflict) and not hit,
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
) -> KeyPointResult:
    """Grade a typed answer against the key points of a 问答 item.

    ``key_points`` are the item's key points in order (``item.key_points``; for an answer
    without a list pass ``(item.answer,)``). ``synonyms`` are groups of equivalent words,
    typically the bank's groups plus the item's (``bank.synonyms + item.synonyms``).
    ``question``, when given, lowers the weight of key-point words the question already
    contains. Returns which key points were hit, the coverage and a proposed rating.

    Raises ``ValueError`` when there are no key points.
    """
    if not key_points:
        raise ValueError("grade_key_points needs at least one key point")
    groups = _groups_for(key_points, synonyms)
    table = build_table(groups)
    ans = _prepare_answer(answer or "", table)
    question = fold(question) if question else ""
    matches = tuple(_match(kp, _prepare_key_point(kp, groups, question), ans) for kp in key_points)
    hits = tuple(m.hit for m in matches)
    coverage = sum(hits) / len(hits)
    return KeyPointResult(hits, coverage, rating_for_coverage(coverage), matches)


def warm_up() -> None:
    """Load every dictionary now (jieba, OpenCC, pypinyin) and exercise the grader once.

    Call it at process start (a web worker, a benchmark) so the first employee's answer
    does not pay the one-off cost of about a second.
    """
    _segment.warm_up()
    _normalise.warm_up()
    grade_key_points(("以客户为中心", "服务理念"), "以客户为中心的服务礼念")
