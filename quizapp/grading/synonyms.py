"""Synonym groups: words that count as the same word when grading.

Groups come from three places, merged into one table per grading call:

- the bank's front matter and the item's ``同义词`` field (``Item.synonyms``);
- alternatives written inside a key point with ``/`` (``钻卡/钻石卡``, ``您好/早上好``);
- :data:`BUILTIN_SYNONYMS`, a short list of everyday service-desk paraphrases (used for
  key points only, not for cloze blanks, where the bank's alternatives are exact).

Groups that share a word are merged (``业主=住户`` and ``顾客=客户=业主`` become one
group). Every word of a group is replaced by the group's shortest word, in the key point
and in the answer alike, after normalisation (so ``鑽石卡`` and ``钻 石 卡`` count too).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .normalise import _Buffer, fold

#: Everyday paraphrases of the service desk, conservative on purpose: each word is at
#: least two characters (a one-character word would be replaced inside other words).
BUILTIN_SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("及时", "立即", "马上", "立刻", "尽快", "迅速", "第一时间", "赶紧", "赶快"),
    ("告知", "告诉", "跟他说", "跟对方说"),
    ("汇报", "报告", "上报", "反映给", "报给"),
    ("上级", "领导", "主管", "上司"),
    ("联系", "联络"),
    ("客服", "客户服务"),
    ("帮助", "帮忙", "求助", "支援"),
    ("问候", "问好", "打招呼", "问候语"),
    ("感谢", "谢谢", "致谢"),
    ("道歉", "致歉", "抱歉", "赔礼", "对不起", "不好意思"),
    ("稍候", "稍等"),
    ("熟悉", "了解", "熟知"),
    ("姓名", "名字"),
    ("检查", "查看"),
    ("顾客", "客户"),
    # The workplace's everyday paraphrases (issue 13).
    # 最多 is a negation word: 最多三张 says 不得超过3张, 可以超过3张 does not.
    ("最多", "至多", "最多不得超过", "最多不超过", "不得超过", "不能超过", "不超过", "不多于"),
    ("是否", "要不要", "需不需要", "是否需要", "有没有"),
    ("不愿", "不愿意", "不太愿意", "不肯", "不想"),
    ("相应", "对应", "相对应"),
    ("闲聊", "聊天", "闲谈", "闲扯"),
    ("躬身礼", "鞠躬", "鞠躬礼", "躬身"),
    ("询问", "问清", "问一下", "问问"),
    ("微笑", "笑容", "面带微笑", "把微笑表现在脸上", "脸上带着微笑", "带着微笑", "面露微笑"),
    ("冷静", "保持冷静", "镇定", "镇静", "冷静下来", "保持镇定"),
    ("争吵", "吵架", "吵嘴", "争执"),
    ("未经允许", "未经同意", "未经许可", "没有同意", "没同意", "没经过同意", "没有经过同意"),
    ("制止", "劝阻", "阻止", "劝止"),
    ("上前", "走过去", "走上前", "走上前去"),
    ("礼貌", "有礼貌", "客气", "礼貌地"),
    ("起身", "站起来", "站起身", "起立", "起身站立"),
    ("注视对方", "看着对方", "眼睛看着对方", "眼望对方"),
    ("绑好", "扎好", "扎起来", "绑起来", "束好"),
    ("佩戴", "戴好", "戴上"),
    ("采取措施", "想办法", "想方设法"),
    ("承诺", "答应", "保证"),
    ("来电", "打电话来", "打来电话", "致电"),
    ("收线", "挂线", "挂电话", "挂断电话", "结束通话"),
    ("物品", "东西"),
    ("不正确", "不对"),
    ("物业费", "物业管理费", "物业管理服务费", "物业服务费"),
    ("物业公司", "物业管理公司"),
    ("电话", "电话号码", "联系电话", "手机号码", "手机号"),
    ("复述", "重复", "复读"),
    ("损失", "损害"),
    ("照看", "看好", "看管", "照顾好"),
    ("小孩", "孩子", "小朋友"),
    ("家长", "父母", "大人"),
    ("疏通", "通开"),
    ("打扫", "清扫", "搞卫生"),
    ("记录", "记下", "记下来", "登记下来"),
)

_SLASH = re.compile(
    r"([^\s/／、，,。；;：:（）()“”\"]+)\s*[/／]\s*([^\s/／、，,。；;：:（）()“”\"]+)"
)


def slash_alternatives(key_point: str) -> list[tuple[str, str]]:
    """Pairs of alternatives written with ``/`` in a key point (``钻卡/钻石卡``).

    The alternatives are the runs of text around the slash up to the nearest punctuation;
    when both runs are long (``说您好/早上好``), only the last two characters before and
    the first characters after the slash are taken as the alternative words.
    """
    pairs = []
    for m in _SLASH.finditer(key_point):
        left, right = m.group(1), m.group(2)
        if len(left) > 4 and len(right) > 4:
            continue
        if len(left) > 4:
            left = left[-len(right) :]
        if len(right) > 4:
            right = right[: len(left)]
        pairs.append((left, right))
    return pairs


@dataclass(frozen=True)
class SynonymTable:
    """Merged synonym groups, ready to canonicalise normalised text."""

    groups: tuple[tuple[str, ...], ...]
    canonical: dict[str, str]
    pattern: re.Pattern[str] | None

    def apply(self, buf: _Buffer) -> _Buffer:
        """Replace every synonym in ``buf`` by its group's canonical word."""
        if self.pattern is None:
            return buf
        return buf.sub(self.pattern, lambda m: self.canonical[m.group(0)])

    @property
    def words(self) -> frozenset[str]:
        """The canonical words (kept whole when text is segmented)."""
        return frozenset(self.canonical.values())


# Every item's table merges the built-in groups again with its own: their words are folded
# once per process, not once per item.
_fold_word = lru_cache(maxsize=16_384)(fold)


def _merge(groups: Iterable[Iterable[str]]) -> list[list[str]]:
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    order: list[str] = []
    for group in groups:
        words = [w for w in (_fold_word(word) for word in group) if w]
        for word in words:
            if word not in parent:
                parent[word] = word
                order.append(word)
        for word in words[1:]:
            a, b = find(words[0]), find(word)
            if a != b:
                parent[b] = a
    merged: dict[str, list[str]] = {}
    for word in order:
        merged.setdefault(find(word), []).append(word)
    return [g for g in merged.values() if len(g) > 1]


def _bounded(word: str) -> str:
    """A regex for ``word`` that does not match inside a longer number (4小时 in 24小时)."""
    pattern = re.escape(word)
    if word[0].isdigit():
        pattern = r"(?<![\d.])" + pattern
    if word[-1].isdigit():
        pattern += r"(?![\d])"
    return pattern


@lru_cache(maxsize=512)
def build_table(groups: tuple[tuple[str, ...], ...]) -> SynonymTable:
    """The table for ``groups`` (cached: a bank's groups are built once per process)."""
    merged = _merge(groups)
    canonical: dict[str, str] = {}
    for group in merged:
        target = min(group, key=lambda w: (len(w), group.index(w)))
        for word in group:
            if word != target:
                canonical[word] = target
    pattern = None
    if canonical:
        alternatives = sorted(canonical, key=len, reverse=True)
        pattern = re.compile("|".join(_bounded(w) for w in alternatives))
    # Canonical words map to themselves too, so `words` lists them.
    for group in merged:
        target = min(group, key=lambda w: (len(w), group.index(w)))
        canonical.setdefault(target, target)
    return SynonymTable(tuple(tuple(g) for g in merged), canonical, pattern)


def as_groups(synonyms: Sequence[Sequence[str]] | None) -> tuple[tuple[str, ...], ...]:
    """Synonyms as a hashable tuple of tuples (accepts lists, tuples, ``Item.synonyms``)."""
    if not synonyms:
        return ()
    return tuple(tuple(str(w) for w in group) for group in synonyms if len(group) > 1)
