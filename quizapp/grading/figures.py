"""Numbers in key points and answers: quantities, whole-number matches, stray figures.

A figure is either said right or not said: 4 is not found in 24, and 维修及时率100% does
not say 维修及时率达95%以上. Texts reach here normalised (Chinese numerals are digits).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

DIGIT = re.compile(r"\d")
#: A quantity: digits, maybe a measure word (95, 4小时, 3张, 50M), not a name like 3G.
QUANTITY = re.compile(r"^\d+(?:[.:]\d+)?(?:[^\da-z]{0,2}|m|mb|k|kb|gb|w)$")
#: One number in a text (95, 4.5, 8:30).
NUMBER_RUN = re.compile(r"\d+(?:[.:]\d+)?")


def number_runs(text: str) -> tuple[tuple[int, int, str], ...]:
    """Every number of ``text`` as ``(start, end, digits)``."""
    return tuple((m.start(), m.end(), m.group(0)) for m in NUMBER_RUN.finditer(text))


def whole_number_spans(word: str, text: str, limit: int = 12) -> list[tuple[int, int]]:
    """Where ``word`` (with digits) occurs in ``text`` with no digit glued to either side."""
    pattern = re.escape(word)
    if word[:1].isdigit():
        pattern = r"(?<![\d.])" + pattern
    if word[-1:].isdigit():
        pattern += r"(?!\d)"
    return [(m.start(), m.end()) for m in re.finditer(pattern, text)][:limit]


#: A measure word after a number that makes even 1 a figure (1天, 一年, 1个小时, 1元);
#: 1 alone is mostly 一 in 一次性, 第一, 一下.
FIGURE_UNIT = re.compile(r"个?(?:天|日|年|月|小时|钟头|分钟|周|星期|元|块|%|级|张|声|种|米|倍)")
#: How far (characters, within the clause) around a stretch a stray figure counts.
MARGIN = 4


def _stray(value: str, end: int, text: str, wanted: frozenset[str]) -> bool:
    """Is the number ``value`` (ending at ``end`` of ``text``) a figure the key point lacks?"""
    if value in wanted:
        return False
    after = text[end : end + 3]
    if after[:1] == "g":  # 3G, 4G: a network, not a figure
        return False
    return value != "1" or bool(FIGURE_UNIT.match(after))


def number_status(kp, ans, chosen: Sequence) -> str:
    """Does the stretch holding the ``chosen`` occurrences say the key point's figure?

    ``"wrong"`` when another number stands in the place of the key point's: inside the
    stretch (50-200元 for 80-200元), right next to a word of it (集团客户5000分, 80%推介), or
    - the key point's numbers missing from the clauses that carry its words - within
    :data:`MARGIN` characters of one in the same clause (管家24小时内回复 for
    4个小时内回复); ``"ok"`` when one of the key point's numbers is there; ``"missing"``
    else: a key point with a number is never hit without it.
    """
    if not chosen:
        return "missing"
    text, clause = ans.norm.text, ans.clause
    # The words that carry the figure: whole words of two characters or more (率 alone
    # does not put 95% of 满意率 into 维修及时率).
    words = [o for o in chosen if not kp.terms[o.term].number and o.end - o.start > 1]
    shown = [o for o in chosen if kp.terms[o.term].number and o.credit >= 1]
    if not words:  # 打119: a figure with a one-character word of the answer next to it
        words = [
            o
            for o in chosen
            if not kp.terms[o.term].number
            and ans.tokens[ans.token_at[o.start]].text == text[o.start : o.end]
        ]
    carrying = {clause[o.start] for o in words}
    # The figure may stand in the clause next to its words (分四种：至尊卡、钻卡…).
    near = carrying | {c + 1 for c in carrying} | {c - 1 for c in carrying}
    said = {o.term for o in shown if clause[o.start] in near}
    found = bool(said)
    every = said >= {n for n, t in enumerate(kp.terms) if t.number}
    solid = [o for o in chosen if o.credit >= 1 or o.end - o.start > 1] or chosen
    start = min(o.start for o in solid)
    end = max(o.end for o in solid)
    for n_start, n_end, value in ans.numbers:
        if not _stray(value, n_end, text, kp.figures):
            continue
        if start <= n_start and n_end <= end:
            return "wrong"
        if found and not every and clause[n_start] in carrying:
            return "wrong"  # 送六个月 for 赠送三个月: a figure missing, another in its clause
        reach = 1 if found else MARGIN
        for o in words:
            if clause[o.start] != clause[n_start]:
                continue
            if 0 <= o.start - n_end <= reach or 0 <= n_start - o.end <= reach:
                return "wrong"
    return "ok" if found else "missing"
