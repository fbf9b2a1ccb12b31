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


def split_negations(tokens: Sequence[_segment.Token]) -> list[_segment.Token]:
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


def _a_not_a(tokens: Sequence[_segment.Token], n: int) -> bool:
    """Is negator token ``n`` part of a yes-no question (要不要, 转不转, 有没有)?"""
    word = tokens[n].text
    rest = word[1:]
    before = tokens[n - 1].text if n > 0 else ""
    after = tokens[n + 1].text if n + 1 < len(tokens) else ""
    if rest:
        return bool(before) and before.endswith(rest[0])
    return bool(before) and bool(after) and before[-1] == after[0]


def negation_before(
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
