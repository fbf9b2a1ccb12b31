"""Negation in segmented Chinese text: the word lists and whether a word is negated.

A key point and the answer must agree on negation (不得推诿 is said by 不能推诿, never by
推诿 alone), so both sides need the same reading of which words negate which.
"""

from __future__ import annotations

from collections.abc import Sequence

from . import segment as _segment
from .normalise import Norm


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Words that negate what follows them (不得推诿, 谢绝拍照, 避免意外).
NEGATORS = _words(
    """
    不 没 没有 无 非 别 未 勿 莫 否 不得 不能 不可 不要 不准 不许 不用 不必 不会 不该
    不应 不应该 不可以 不能够 禁止 严禁 切勿 切莫 杜绝 无需 无须 毋须 决不 绝不 从不
    并非 不是 未能 没法 无法 不再 别再 不肯 不愿 谢绝 拒绝 避免 以免 免得 防止 严防
    不需要 不需 不允许 失去 最多 至多
    """
)

#: Negation words that forbid or waive (不要, 不能, 禁止, 不用) rather than state a fact
#: (不, 没有, 无法). A factual negation followed by one of these in the same clause is a
#: condition: 没有经过业主同意不能进去 says 同意后才能进去, both halves positive.
MODAL = _words(
    """
    不要 不能 不得 不可 不可以 不能够 别 别再 不准 不许 不用 不必 无需 无须 毋须 禁止
    严禁 切勿 切莫 勿 莫 不应 不应该 不该 决不 绝不 谢绝 拒绝 杜绝 避免 以免 免得 防止
    严防 不需要 不需 不允许 最多 至多
    """
)

#: Words that end the scope of a negation inside a clause (不打闹，但 …, 不是 A 而是 B).
CONJUNCTIONS = _words("但 但是 而 而是 可是 不过 却 然而 只是 否则")

#: Words after a factual negation that end it as a condition (扑不灭就疏散, 通不了的话).
CONNECTIVES = _words("就 才 的话 则 便 时 的时候")

#: Negations standing after the verb they negate (回答不了, 找不到).
POST_NEGATORS = _words("不了 不到 不出 不成 不完 不动")

#: Function words: never terms, and transparent for negation (不 可以 推诿 negates 推诿).
STOPWORDS = _words(
    """
    的 地 得 了 着 过 和 与 及 以及 并 并且 而 而且 或 或者 等 等等 在 对 对于 将 把 由 为
    以 是 被 给 向 从 于 其 之 这 那 这个 那个 这些 那些 都 也 就 还 又 再 要 需要 需 应
    应该 应当 须 必须 会 能 能够 可 可以 让 使 做 做好 进行 一下 一些 有 我 我们 你 您
    他 她 它 他们 自己 吗 呢 吧 啊 呀 嗯 哦 就是 然后 首先 其次 即 则 所 各 各种 每 很
    先 同时 好 来 去 到 说 一定 如 若 如果 时 后 之后 以后 中 里 上 下 内 % 个 用 一个
    随便 随意 擅自 私自 轻易 乱 任意 一直 都要 得到 应该要 尽量 还要 也要 一起
    以上 以下 达 达到 是否 是不是 务必 记得 一定要 得要 还得 都得 先说 就是说
    """
)

#: Words that start like a negation but are not one (不断创新, 无偿服务, 没关系).
NOT_NEGATIONS = _words(
    """
    不断 不过 不仅 不但 不管 不论 不少 不久 不错 不同 不如 不然 不足 不时 不光 不免
    不良 不安 不满 不好意思 不定期 不定时 没事 没关系 没什么 无偿 无线 无论 无限 无数
    无人 无效 非常 未来 未必 别人 别的 否则 不了 不到 不出 不成 不完 不动 不只是
    """
)
_NEGATION_PREFIXES = sorted((w for w in NEGATORS if len(w) > 1), key=len, reverse=True) + [
    "不",
    "没",
]


#: First characters of the negation words: a word starting otherwise needs no cutting.
_NEGATION_STARTS = frozenset(w[0] for w in NEGATORS)


def split_negations(tokens: Sequence[_segment.Token]) -> list[_segment.Token]:
    """Cut a leading negation off a word jieba kept whole (无法回答 -> 无法 回答)."""
    out: list[_segment.Token] = []
    for tok in tokens:
        word = tok.text
        if (
            len(word) > 1
            and word[0] in _NEGATION_STARTS
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


def _a_not_a(tokens: Sequence[_segment.Token], n: int) -> bool:
    """Is negator token ``n`` part of a yes-no question (要不要, 转不转, 有没有)?"""
    word = tokens[n].text
    rest = word[1:]
    before = tokens[n - 1].text if n > 0 else ""
    after = tokens[n + 1].text if n + 1 < len(tokens) else ""
    if rest:
        return bool(before) and before.endswith(rest[0])
    return bool(before) and bool(after) and before[-1] == after[0]


def negator_inside(
    tokens: Sequence[_segment.Token], token_at: Sequence[int], start: int, end: int
) -> bool:
    """Does a negation word lie inside the span (不创新 found approximately for 不断创新)?"""
    if end - start < 2 or not tokens:
        return False
    first, last = token_at[start], token_at[end - 1]
    return any(
        tokens[n].text in NEGATORS and not _a_not_a(tokens, n)
        for n in range(first, last + 1)
        if tokens[n].start >= start
    )


def _is_negator(tokens: Sequence[_segment.Token], n: int) -> bool:
    return tokens[n].text in NEGATORS and not _a_not_a(tokens, n)


def polarity(norm: Norm, tokens: Sequence[_segment.Token]) -> tuple[bool, ...]:
    """For every character of ``norm.text``: does a negation govern it?

    A negation word governs the rest of its clause (up to punctuation, a conjunction like
    但 or 而是, or - for a factual negation (不, 没有, 无法) - a connective like 就 or 的话:
    扑不灭就疏散 negates only 灭). Two negations in a clause cancel out: 不要一慌就失去冷静
    keeps calm, 不能压着不报 reports, and a factual negation followed by a forbidding one
    (没有经过同意不能进去, 不同意就不要进去) states the positive rule (同意才进去). A
    negation after its verb (回答不了) negates the word before it.
    """
    negated = [False] * len(norm.text)
    breaks = norm.breaks
    n, count = 0, len(tokens)
    while n < count:
        # One clause: tokens up to the next break.
        end = n + 1
        while end < count and not breaks[tokens[end].start]:
            end += 1
        _clause(tokens, n, end, negated)
        n = end
    return tuple(negated)


def _clause(tokens: Sequence[_segment.Token], first: int, last: int, negated: list[bool]) -> None:
    depth = 0  # negations in force
    factual_at = None  # start of a lone factual negation's scope, if one is open
    for n in range(first, last):
        tok = tokens[n]
        word = tok.text
        if word in CONJUNCTIONS:
            depth, factual_at = 0, None
            continue
        if word == "非" and n + 1 < last:
            # 非 binds the next word only (非VIP客户当月仍出账).
            nxt = tokens[n + 1]
            for i in range(nxt.start, nxt.end):
                negated[i] = depth % 2 == 0
            continue
        if _is_negator(tokens, n):
            if factual_at is not None and word in MODAL:
                # 没有经过同意不能进去: a condition and its rule, said positively.
                for i in range(factual_at, tok.start):
                    negated[i] = False
                depth, factual_at = 0, None
                continue
            depth += 1
            factual_at = tok.end if depth == 1 and word not in MODAL else None
            continue
        if word in CONNECTIVES and factual_at is not None:
            later = any(tokens[m].text in MODAL for m in range(n + 1, last))
            if not later:
                depth, factual_at = 0, None
                continue
        if word in POST_NEGATORS and n > first:
            prev = tokens[n - 1]
            for i in range(prev.start, prev.end):
                negated[i] = not negated[i]
            continue
        if depth % 2:
            for i in range(tok.start, tok.end):
                negated[i] = True
