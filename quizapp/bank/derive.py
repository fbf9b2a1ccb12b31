"""More practice from the same content: draft 填空, 判断, 单选 and 多选 items derived from a
问答 item, for a trainer to review before they join the bank.

Pure Python (no Flask, no database): ``derive(item, section, bank)`` returns a
:class:`Derivation` — the draft items, and a :class:`Skip` for every type it could not
make with the reason (a code the page translates). Every draft item records the item it
came from in ``derived_from`` (the source's 编号) and has a fresh 编号 ``<编号>-d<n>``.

- 填空: a key point (or answer sentence) after the question as context, its figures blanked
  with their units and natural equivalents (``{{30分钟|三十分钟|半小时}}``), else one or two
  key terms; at most :data:`MAX_BLANKS` blanks.
- 判断: one true statement, and false ones made by changing a figure (30分钟 → 15分钟,
  95% → 90%), by turning a rule round (禁止 ↔ 可以, 必须 ↔ 不必), or by giving another
  item's key point as this item's answer; the explanation states the correct fact.
- 单选/多选: the right options are the item's key points, the wrong ones other items' key
  points of the same section — never invented fillers, never near-duplicates of a right one.

Figures and negation live in :mod:`quizapp.bank.derive_text`. Use :func:`derive` for the
items and the reasons, :func:`derive_items` for the items alone.

A source item without 编号 is known by its question key; :func:`ensure_id` writes that key
as its 编号, so the link survives an edit of the question (the database key is unchanged).
"""

from __future__ import annotations

import difflib
import hashlib
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from ..grading import segment as _segment
from ..grading.negation import NEGATORS, NOT_NEGATIONS, STOPWORDS
from ..grading.normalise import fold
from . import syntax as sx
from . import variables as vx
from .derive_text import alternatives, figures, negated, wrong_figure
from .model import Bank, Choice, Item, Section
from .parser import question_key, split_lines

MAX_BLANKS = 3
MAX_CONTEXT = 300  # characters of the question used as context
MAX_POINT = 200  # a longer key point is no statement for a 判断 or an option
SINGLE_WRONG = 3
MULTI_MIN_WRONG = 2
MULTI_MAX_CORRECT = 4
MULTI_MAX_WRONG = 3
SIMILAR = 0.7  # difflib ratio from which two options say the same thing
MAX_ID = 64  # syntax.ITEM_ID_RE
MAX_POOL = 200  # sibling key points considered


@dataclass(frozen=True)
class Skip:
    """A type not derived: ``reason`` is ``"no-points"`` (no key point or answer sentence
    to work from), ``"long-question"`` (a question over :data:`MAX_CONTEXT` characters is
    no context for a statement), ``"nothing-to-blank"`` (no figure or key term), ``"few-points"`` (多选
    needs ``needed`` right options, the item has ``found``) or ``"few-siblings"`` (the
    section's other 问答 items give ``found`` usable wrong options, ``needed`` are needed)."""

    type: str
    reason: str
    needed: int = 0
    found: int = 0


@dataclass(frozen=True)
class Derivation:
    """The draft items (in the order cloze, judge, single, multi) and the types skipped.
    ``source`` is the source item with its 编号 ensured."""

    source: Item
    items: tuple[Item, ...]
    skipped: tuple[Skip, ...]


def ensure_id(item: Item) -> Item:
    """The item with an 编号: its own, or its question key (the key the database knows an
    item without 编号 by, so learning progress stays attached)."""
    return item if item.id else replace(item, id=question_key(item.question))


def derive_items(item: Item, section: Section, bank: Bank) -> list[Item]:
    """The draft items of :func:`derive` (without the reasons for skipped types)."""
    return list(derive(item, section, bank).items)


def derive(item: Item, section: Section, bank: Bank) -> Derivation:
    """Draft practice items from the 问答 ``item`` of ``section`` in ``bank``."""
    if item.type != "qa":
        raise ValueError("only 问答 items are derived from")
    source = ensure_id(item)
    points = key_points(source)
    context = _context(source.question)
    items: list[Item] = []
    skipped: list[Skip] = []
    if not points or context is None:
        reason = "no-points" if not points else "long-question"
        skipped = [Skip(kind, reason) for kind in ("cloze", "judge", "single", "multi")]
        return Derivation(source, (), tuple(skipped))
    pool = sibling_points(source, section, points)
    cloze = _clozes(source, points, context, bank)
    items += cloze
    if not cloze:
        skipped.append(Skip("cloze", "nothing-to-blank"))
    items += _judges(source, points, context, pool)
    for made in (_single(source, points, context, pool), _multi(source, points, context, pool)):
        if isinstance(made, Skip):
            skipped.append(made)
        else:
            items.append(made)
    return Derivation(source, tuple(_finish(source, items, bank)), tuple(skipped))


def allocate_ids(
    bank: Bank, source_id: str, count: int, taken: set[str] = frozenset()
) -> list[str]:
    """``count`` fresh 编号 ``<source_id>-d<n>`` used by no item of ``bank`` nor in ``taken``."""
    used = {i.id or question_key(i.question) for i in bank.items} | set(taken)
    found: list[str] = []
    n = 0
    while len(found) < count:
        n += 1
        suffix = f"-d{n}"
        candidate = source_id[: MAX_ID - len(suffix)] + suffix
        if candidate not in used:
            used.add(candidate)
            found.append(candidate)
    return found


def _finish(source: Item, items: list[Item], bank: Bank) -> list[Item]:
    """Fresh 编号, the link to the source, its tags, 来源 and 红线, the variables used."""
    ids = allocate_ids(bank, source.id or "", len(items))
    declared = [variable.name for variable in bank.variables]
    done = []
    for new_id, draft in zip(ids, items, strict=True):
        texts = [draft.question, *(c.text for c in draft.choices), draft.explanation]
        done.append(
            replace(
                draft,
                id=new_id,
                derived_from=source.id,
                tags=source.tags,
                source=source.source,
                red_line=source.red_line,
                synonyms=source.synonyms if draft.type == "cloze" else (),
                variables=vx.used(texts, declared),
                blanks=_blanks(draft.question, declared) if draft.type == "cloze" else (),
            )
        )
    return done


def _blanks(question: str, declared: list[str]) -> tuple[tuple[str, ...], ...]:
    """The accepted answers of each blank, as the parser reads them."""
    return tuple(
        tuple(a.strip() for a in sx.ALTERNATIVES_RE.split(inner))
        for inner in sx.BLANK_RE.findall(question)
        if inner not in declared
    )


# -- the material: key points, the question as context, the siblings' key points ----------

_MARKUP = re.compile(r"\*\*|__|`|~~")
_SENTENCE_END = re.compile(r"[。；;！!？?\n]+")
_TRAILING = "。；;，,、.！!：: \t\u3000"


def _clean(text: str) -> str:
    text = _MARKUP.sub("", text)
    text = re.sub(r"[ \t\u3000]+", " ", text).strip()
    return text.strip(_TRAILING)


def key_points(item: Item) -> list[str]:
    """The key points of a 问答 item, or the sentences of an answer written without any;
    without Markdown emphasis, end punctuation, and ones too short or too long."""
    if item.key_points:
        raw = list(item.key_points)
    else:
        lines = [line.lstrip("#> ").strip() for line in split_lines(item.answer)]
        raw = [part for line in lines for part in _SENTENCE_END.split(line)]
    points: list[str] = []
    for text in map(_clean, raw):
        if 2 <= len(text) <= MAX_POINT and text not in points:
            points.append(text)
    return points


def _context(question: str) -> str | None:
    """The question on one line, ready for a statement to follow it (答：…)."""
    text = " ".join(line.strip() for line in split_lines(question) if line.strip())
    if not text or len(text) > MAX_CONTEXT:
        return None
    if text[-1] in "？?":
        return text
    if text[-1] in "。.：:！!":
        return text[:-1] + "？"
    return text + "？"


def sibling_points(source: Item, section: Section, points: list[str]) -> list[str]:
    """Wrong options: the key points of the section's other 问答 items, in section order,
    none like one of ``points`` or said in the source's answer (at most :data:`MAX_POOL`)."""
    key = source.id
    answer = _fold(source.answer)
    found: dict[str, str] = {}
    for other in section.items:
        if other.type != "qa" or other.derived_from == key:
            continue
        if (other.id or question_key(other.question)) == key or other.question == source.question:
            continue
        for point in key_points(other):
            if len(vx.REFERENCE_RE.sub("", point).strip()) < 2:
                continue  # only a company fact ({{公司地址}}): no option for another question
            folded = _fold(point)
            if folded in found or (folded and folded in answer):
                continue
            if any(similar(point, p) for p in points):
                continue
            found[folded] = point
            if len(found) == MAX_POOL:
                return list(found.values())
    return list(found.values())


def similar(a: str, b: str) -> bool:
    """Whether two options say (nearly) the same thing: equal, one inside the other, or
    alike by difflib's ratio, compared in the grader's folded form (width, 繁/简, numerals)."""
    fa, fb = _fold(a), _fold(b)
    if not fa or not fb:
        return a.strip() == b.strip()
    shorter, longer = sorted((fa, fb), key=len)
    if shorter in longer and len(shorter) >= 2:
        return True
    matcher = difflib.SequenceMatcher(None, fa, fb, autojunk=False)
    # The cheap upper bounds first: most pairs are told apart without the full ratio.
    return (
        matcher.real_quick_ratio() >= SIMILAR
        and matcher.quick_ratio() >= SIMILAR
        and matcher.ratio() >= SIMILAR
    )


@lru_cache(maxsize=4096)
def _fold(text: str) -> str:
    return fold(text)


def _pick(pool: list[str], target: str, count: int, taken: Sequence[str] = ()) -> list[str]:
    """Up to ``count`` siblings closest in length to ``target`` (a plausible option), no
    two alike and none like one in ``taken``."""
    chosen: list[str] = []
    for point in sorted(pool, key=lambda p: abs(len(p) - len(target))):
        if not _fits(point) or any(similar(point, p) for p in [*taken, *chosen]):
            continue
        chosen.append(point)
        if len(chosen) == count:
            break
    return chosen


# -- 填空 ------------------------------------------------------------------------------------

_WORD = re.compile(r"^[\w\u4e00-\u9fff]+$")
#: Verbs, adverbs and adjectives that frame a key term rather than being one: never merged
#: into a term (熟悉银行, 提供恰当), and blanked only when a point has no other word.
_FRAMING = frozenset(
    """
    分为 包括 根据 通过 按照 属于 面向 作为 直接 申请 所有 及时 进行 负责 熟悉 了解 理解
    掌握 解答 提供 维护 建立 分析 处理 记录 保护 具备 做好 告知 通知 协助 配合 接待 检查
    确认 说明 介绍 安排 跟进 倾听 平息 解决 遵守 执行 完成 保持 注意 使用 利用 帮助 满足
    达到 包含 实行 实施 发现 发放 收取 开出 交给 主动 积极 认真 耐心 热情 定期 准确 深入
    良好 恰当 全面 相关 有效 相应 各类 各项 任何 立即 马上 迅速 尽快 严格 更加 能够 以便
    """.split()  # noqa: SIM905 - a word list reads better as text
)


def _words(text: str) -> list[tuple[int, int]]:
    """Key terms of a text as (start, end) spans: runs of content words (two characters or
    more, merged while at most four characters: 值班人员, 服务建议); the framing words
    (熟悉, 提供 …) only when there is no other."""
    runs: list[list[int]] = []
    framing: list[list[int]] = []
    for token in _segment.tokens(text, [(0, len(text))]):
        content = (
            len(token.text) >= 2
            and _WORD.match(token.text)
            and token.text not in STOPWORDS
            and (token.text not in NEGATORS or token.text in NOT_NEGATIONS)
            and not any(ch.isdigit() for ch in token.text)
        )
        if not content or token.text in _FRAMING:
            if content:
                framing.append([token.start, token.end])
            runs.append([])
            continue
        if runs and runs[-1] and token.start - runs[-1][0] + len(token.text) <= 4:
            runs[-1][1] = token.end
        else:
            runs.append([token.start, token.end])
    return [(run[0], run[1]) for run in (r for r in runs if r)] or [
        (run[0], run[1]) for run in framing
    ]


def _blankable(text: str) -> bool:
    return not set(text) & set("{}|｜")


def _blanked(point: str, context: str, others: Sequence[str] = ()) -> tuple[str, int] | None:
    """The point with figures (else key terms: not in the question nor in the ``others``
    points, so the blank has one answer) blanked, and the number of blanks."""
    if not _blankable(point):
        return None
    spans = [(f.start, f.end, "|".join(alternatives(f))) for f in figures(point)]
    if not spans:
        said = [_fold(context), *map(_fold, others)]
        terms = [
            (s, e) for s, e in _words(point) if not any(_fold(point[s:e]) in text for text in said)
        ]
        terms.sort(key=lambda span: span[0] - span[1])  # longest first, then first
        spans = [(s, e, point[s:e]) for s, e in terms[: 2 if len(point) >= 14 else 1]]
    chosen: list[tuple[int, int, str]] = []
    for span in sorted(spans):  # no two blanks side by side ({{三类}}{{186}})
        if len(chosen) < MAX_BLANKS and (not chosen or span[0] > chosen[-1][1]):
            chosen.append(span)
    spans = chosen
    if not spans or (len(spans) == 1 and spans[0][1] - spans[0][0] == len(point)):
        return None  # nothing to blank, or the whole point: no context left
    out, at = [], 0
    for start, end, accepted in spans:
        out += [point[at:start], "{{", accepted, "}}"]
        at = end
    out.append(point[at:])
    return "".join(out), len(spans)


def _clozes(source: Item, points: list[str], context: str, bank: Bank) -> list[Item]:
    """Up to two 填空 items, points with figures first."""
    ordered = sorted(points, key=lambda p: not figures(p))
    declared = {variable.name for variable in bank.variables}
    if any(name not in declared for name in sx.BLANK_RE.findall(context)):
        return []  # a {{…}} of the question would read as a blank
    made = []
    short = [p for p in points if len(p) <= 8 and _blankable(p)]
    if len(points) >= 2 and len(short) == len(points):
        # A list of terms (真诚、善意、精致、完美): the list with one of them blanked.
        at = max(range(len(points)), key=lambda n: (len(points[n]), n == 1))
        listed = [("{{" + p + "}}" if n == at else p) for n, p in enumerate(points)]
        question = f"{context}答：{'、'.join(listed)}。"
        made.append(Item(type="cloze", question=question, explanation=_because(source)))
        ordered = [p for p in ordered if p not in short]
    for point in ordered:
        blanked = _blanked(point, context, [p for p in points if p != point])
        if blanked is None:
            continue
        question = f"{context}答：{blanked[0]}。"
        made.append(Item(type="cloze", question=question, explanation=_because(source)))
        if len(made) == 2:
            break
    return made


def _because(source: Item) -> str:
    points = key_points(source)
    return "答案要点：" + "；".join(points) + "。"


# -- 判断 ------------------------------------------------------------------------------------


def _statement(context: str, points: list[str], point: str) -> str:
    lead = "答案包括" if len(points) > 1 else "答"
    return f"{context}{lead}：{point}。"


def _judges(source: Item, points: list[str], context: str, pool: list[str]) -> list[Item]:
    """A true statement, and up to two false ones (a figure changed, a rule turned round,
    or another item's key point given as this one's answer)."""
    correct = "；".join(points)
    made = [
        Item(
            type="judge",
            question=_statement(context, points, points[0]),
            verdict=True,
            explanation=f"正确。本题答案：{correct}。",
        )
    ]
    falses: list[Item] = []
    for point in points:
        for figure in figures(point):
            wrong = wrong_figure(figure)
            if wrong and wrong != figure.text:
                changed = point[: figure.start] + wrong + point[figure.end :]
                falses.append(_false(context, points, changed, point))
                break
        if falses:
            break
    for point in points:
        turned = negated(point)
        if turned is not None and len(falses) < 2:
            falses.append(_false(context, points, turned, point))
            break
    for other in _pick(pool, points[0], 1):
        if len(falses) < 2:
            explanation = f"错误。“{other}”不是本题的答案。本题答案：{correct}。"
            question = _statement(context, points, other)
            falses.append(
                Item(type="judge", question=question, verdict=False, explanation=explanation)
            )
    return made + falses


def _false(context: str, points: list[str], wrong: str, right: str) -> Item:
    return Item(
        type="judge",
        question=_statement(context, points, wrong),
        verdict=False,
        explanation=f"错误。正确的说法是：{right}。",
    )


# -- 单选 and 多选 ----------------------------------------------------------------------------


def _options(source: Item, correct: list[str], wrong: list[str]) -> tuple[Choice, ...]:
    """The options in an order fixed by the source (they are shuffled when shown)."""
    options = [Choice(text, True) for text in correct] + [Choice(text, False) for text in wrong]
    seed = hashlib.sha256((source.id or "").encode("utf-8")).hexdigest()
    random.Random(seed).shuffle(options)  # noqa: S311 - a fixed order, not a secret
    return tuple(options)


def _fits(point: str) -> bool:
    return len(point) <= sx.MAX_OPTION_LENGTH and "\n" not in point


def _single(source: Item, points: list[str], context: str, pool: list[str]) -> Item | Skip:
    right = next((p for p in points if _fits(p)), None)
    if right is None:
        return Skip("single", "no-points")
    wrong = _pick(pool, right, SINGLE_WRONG, [right])
    if len(wrong) < SINGLE_WRONG:
        return Skip("single", "few-siblings", SINGLE_WRONG, len(wrong))
    question = context if len(points) == 1 else f"下列哪一项属于“{context}”的答案？"
    return Item(
        type="single",
        question=question,
        choices=_options(source, [right], wrong),
        explanation=f"本题答案：{'；'.join(points)}。",
    )


def _multi(source: Item, points: list[str], context: str, pool: list[str]) -> Item | Skip:
    right = [p for p in points if _fits(p)][:MULTI_MAX_CORRECT]
    if len(right) < 2:
        return Skip("multi", "few-points", 2, len(right))
    wrong = _pick(pool, right[0], MULTI_MAX_WRONG, right)
    if len(wrong) < MULTI_MIN_WRONG:
        return Skip("multi", "few-siblings", MULTI_MIN_WRONG, len(wrong))
    return Item(
        type="multi",
        question=f"下列哪些属于“{context}”的答案？",
        choices=_options(source, right, wrong),
        explanation=f"本题答案：{'；'.join(points)}。",
    )
