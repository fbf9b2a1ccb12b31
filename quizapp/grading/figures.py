"""Numbers in key points and answers: quantities, whole-number matches, stray figures.

A figure is either said right or not said: 4 is not found in 24, and 维修及时率100% does
not say 维修及时率达95%以上. Texts reach here normalised (Chinese numerals are digits).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

DIGIT = re.compile(r"\d")
#: A quantity: digits, maybe a measure word (95, 4小时, 3张), not a name like 3G or 186.
QUANTITY = re.compile(r"^\d+(?:[.:]\d+)?[^\da-z]{0,2}$")
#: One number in a text (95, 4.5, 8:30).
NUMBER_RUN = re.compile(r"\d+(?:[.:]\d+)?")


def number_runs(text: str) -> tuple[tuple[int, int, str], ...]:
    """Every number of ``text`` as ``(start, end, digits)``."""
    return tuple((m.start(), m.end(), m.group(0)) for m in NUMBER_RUN.finditer(text))


def figures_of(words: Iterable[str]) -> set[str]:
    """The numbers the words contain (4 and 30 of 4小时30分)."""
    return {m.group(0) for word in words for m in NUMBER_RUN.finditer(word)}


def whole_number_spans(word: str, text: str, limit: int = 12) -> list[tuple[int, int]]:
    """Where ``word`` (with digits) occurs in ``text`` with no digit glued to either side."""
    pattern = rf"(?<![\d.]){re.escape(word)}(?!\d)"
    return [(m.start(), m.end()) for m in re.finditer(pattern, text)][:limit]


def numbers_agree(
    wanted: set[str],
    numbers: Sequence[tuple[int, int, str]],
    breaks: Sequence[bool],
    words: Sequence[tuple[int, int]],
) -> bool:
    """No number other than a ``wanted`` one right next to one of the found ``words``.

    ``numbers`` are the answer's (:func:`number_runs`), ``breaks`` its clause breaks and
    ``words`` the ``(start, end)`` of the found words to check. A missing number is no
    disagreement: it just weighs nothing.
    """
    for start, end, value in numbers:
        if value in wanted or value == "1":  # 1 is mostly 一 (一次性, 第一), not a figure
            continue
        for w_start, w_end in words:
            if 0 <= start - w_end <= 2 and not any(breaks[w_end : start + 1]):
                return False
            if 0 <= w_start - end <= 2 and not any(breaks[end : w_start + 1]):
                return False
    return True
