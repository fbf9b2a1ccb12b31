"""Text as it is typed on a phone, reduced to one comparable form.

Everything the graders compare goes through :func:`normalise` first, on both sides (the
bank's answer and the employee's typing), so the same rules apply to both:

1. Unicode NFKC and lower case: full-width ``ＡＢＣ１２３：（）`` become ``abc123:()``.
2. Traditional to simplified Chinese (OpenCC ``t2s``): ``業主來電`` becomes ``业主来电``.
3. Numbers: Chinese numerals before a measure word become digits (``三声`` -> ``3声``,
   ``五千万`` -> ``5000万``), ``百分之九十五`` -> ``95%``, ranges ``80到200`` -> ``80-200``.
4. Punctuation and white space are dropped; where they were is remembered as a clause
   break (voice input has none, so nothing may depend on them being there).
5. Synonyms (see :mod:`quizapp.grading.synonyms`) are replaced by one canonical word.

The result keeps, for every character, the offset of the character of the original text
it came from, so matches can be highlighted in what the user actually typed.

This module is the only user of OpenCC and pypinyin; both load lazily, once per process.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

_lock = threading.Lock()
_t2s = None


def _converter():
    """The OpenCC traditional-to-simplified converter, created on first use."""
    global _t2s
    if _t2s is None:
        with _lock:
            if _t2s is None:
                import opencc

                _t2s = opencc.OpenCC("t2s")
    return _t2s


def to_simplified(text: str) -> str:
    """Traditional characters as simplified ones (OpenCC t2s), for the other packages:
    only grading imports the text libraries."""
    return _converter().convert(text)


@dataclass(frozen=True)
class Norm:
    """A normalised text.

    ``text`` is the comparable form (no punctuation or spaces). ``origin[i]`` is the offset
    in the original string of the character ``text[i]`` came from; ``origin_end[i]`` the
    offset just after it. ``breaks[i]`` is true when punctuation or space (a clause break)
    stood before ``text[i]``.
    """

    text: str
    origin: tuple[int, ...]
    origin_end: tuple[int, ...]
    breaks: tuple[bool, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original-text span of the normalised span ``[start, end)``."""
        if end <= start or not self.text:
            return (0, 0)
        return (self.origin[start], self.origin_end[end - 1])

    def clauses(self) -> list[tuple[int, int]]:
        """``(start, end)`` of every clause: runs of text between breaks."""
        out: list[tuple[int, int]] = []
        start = 0
        for i in range(1, len(self.text)):
            if self.breaks[i]:
                out.append((start, i))
                start = i
        if self.text:
            out.append((start, len(self.text)))
        return out


# ---------------------------------------------------------------------------------------
# Building blocks: a string plus per-character origins, rewritten stage by stage.


class _Buffer:
    __slots__ = ("chars", "start", "end", "brk")

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.start: list[int] = []
        self.end: list[int] = []
        self.brk: list[bool] = []

    def add(self, chars: str, start: int, end: int, brk: bool = False) -> None:
        for n, ch in enumerate(chars):
            self.chars.append(ch)
            self.start.append(start)
            self.end.append(end)
            self.brk.append(brk and n == 0)

    @property
    def text(self) -> str:
        return "".join(self.chars)

    def sub(self, pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str]) -> _Buffer:
        """Replace every match of ``pattern``; new characters inherit the match's origin."""
        text = self.text
        out = _Buffer()
        pos = 0
        for m in pattern.finditer(text):
            a, b = m.span()
            if a == b:
                continue
            for i in range(pos, a):
                out.add(self.chars[i], self.start[i], self.end[i], self.brk[i])
            out.add(repl(m), self.start[a], self.end[b - 1], self.brk[a])
            pos = b
        if pos == 0:
            return self
        for i in range(pos, len(text)):
            out.add(self.chars[i], self.start[i], self.end[i], self.brk[i])
        return out


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    return unicodedata.normalize("NFKC", ch).lower()


@lru_cache(maxsize=8192)
def _t2s_char(ch: str) -> str:
    return _converter().convert(ch)


_KEEP_PUNCT = {"%"}
_DIGIT_JOINERS = {"-", ".", ":"}


def _is_gap(ch: str) -> bool:
    """Punctuation, white space and control characters: dropped, leaving a break."""
    cat = unicodedata.category(ch)
    return cat[0] in "PZC" and ch not in _KEEP_PUNCT


# Chinese numerals.
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
_CN_DIGITS.update({"五": 5, "六": 6, "七": 7, "八": 8, "九": 9})
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_MEASURES = (
    "个|声|次|张|米|年|月|日|天|小时|分钟|秒|分|元|块|级|种|类|项|位|名|层|号|周|倍|万|亿"
    "|%|遍|台|条|大|份|步|点|岁|公里|度|℃|人|家|户|栋|辆|套|间|楼|期|季度|星期"
)
_NUMERAL_RUN = re.compile(
    # A number read out digit by digit (一零零一零, 幺幺九: 幺 is 1 on the phone), three
    # digits or more with 零 or 幺 in them, or five and more;
    r"(?:[零〇一二三四五六七八九幺]*[零〇幺][零〇一二三四五六七八九幺]*)(?<=[零〇一二三四五六七八九幺]{3})"
    r"(?![十百千万])"
    r"|[一二三四五六七八九]{5,}|"
    # before a measure word or a range (三声, 两到三个; not a lone 百 as in 百分比); or a
    # run of two characters or more with a unit, which can only be a number (七十五, 二十);
    # or 零 on its own
    # (事故为零), but not in 零件, 零钱, 零售 ...
    r"(?:[零〇一二两三四五六七八九][零〇一二两三四五六七八九十百千]*|[十百千][零〇一二两三四五六七八九十百千]+)"
    rf"(?=(?:{_MEASURES}|到|至|~|-))"
    r"|(?:[零〇一二两三四五六七八九][十百千]|[十百千][零〇一二两三四五六七八九十])"
    r"[零〇一二两三四五六七八九十百千]*"
    r"|零(?![件钱售星散碎食花部])"
    # 十 alone before a measure word (十小时, 十元; not 十分 "very").
    r"|十(?=(?:个|声|次|张|米|年|天|小时|分钟|秒|元|块|级|种|项|位|名|层|周|倍|遍|条|份|岁"
    r"|%|人|家|户|套|间))"
)
#: Durations said in words: 半小时 is 30分钟, 半年 6个月; 4个小时 and 4个钟头 are 4小时.
_HALF = re.compile(r"(?<![\d一二两三四五六七八九十个])半(?:个)?(小时|钟头|年)")
_HALF_WORDS = {"小时": "30分钟", "钟头": "30分钟", "年": "6个月"}
_HOURS = re.compile(r"(?<=\d)个?(?:小时|钟头)")
_OPEN_PERCENT = re.compile(r"(?<=\d%-)(\d+(?:\.\d+)?)(?![\d.%])")
_PERCENT = re.compile(r"百分之([零〇一二两三四五六七八九十百千]+|\d+(?:\.\d+)?)|百分百")
_RANGE = re.compile(r"(?<=[\d%])(?:到|至|~|～|—|–|-)(?=\d)")


# Formulas are read aloud the same way they are typed: 效能=收入−成本 is 效能等于收入减成本.
_MATH_WORDS = {"=": "等于", "＝": "等于", "≠": "不等于", "÷": "除以", "×": "乘", "+": "加"}
_MATH_WORDS.update({"−": "减", "≥": "大于等于", "≤": "小于等于", ">": "大于", "<": "小于"})
_MATH = re.compile(r"[=＝≠÷×+−≥≤><]")
#: A placeholder for a name in a key point (我是物业中心的×××): no word, no formula.
_PLACEHOLDER = re.compile(r"×{2,}|x{3,}|某某")


def chinese_numeral(text: str) -> int | None:
    """The value of a Chinese numeral (``十五`` -> 15, ``五千`` -> 5000, ``二零一零`` -> 2010)."""
    if not text:
        return None
    if all(ch in _CN_DIGITS or ch == "幺" for ch in text):
        return int("".join(str(_CN_DIGITS.get(ch, 1)) for ch in text))
    total, digit = 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
        else:
            return None
    return total + (digit or 0)


def _numeral_repl(m: re.Match[str]) -> str:
    text = m.group(0)
    if len(text) >= 3 and all(ch in _CN_DIGITS or ch == "幺" for ch in text):
        # Read out digit by digit: keep leading zeros (零幺 is 01).
        return "".join(str(_CN_DIGITS.get(ch, 1)) for ch in text)
    value = chinese_numeral(text)
    return text if value is None else str(value)


def _percent_repl(m: re.Match[str]) -> str:
    if m.group(0) == "百分百":
        return "100%"
    raw = m.group(1)
    if raw[0].isdigit():
        return raw + "%"
    value = chinese_numeral(raw)
    return m.group(0) if value is None else f"{value}%"


def _fold(text: str) -> _Buffer:
    """Stages 1-4: width and case, traditional characters, numbers, punctuation."""
    buf = _Buffer()
    for i, ch in enumerate(text):
        folded = _fold_char(ch)
        buf.add(folded, i, i + 1)
    # Traditional -> simplified. OpenCC's t2s keeps the length of almost every text; when
    # it does, origins carry over one to one, otherwise convert character by character.
    joined = buf.text
    if joined and not joined.isascii():
        converted = _converter().convert(joined)
        if len(converted) != len(joined):
            converted = "".join(_t2s_char(ch) if len(_t2s_char(ch)) == 1 else ch for ch in joined)
        buf.chars = list(converted)
    buf = buf.sub(_PLACEHOLDER, lambda m: " ")
    buf = buf.sub(_MATH, lambda m: _MATH_WORDS[m.group(0)])
    buf = buf.sub(_PERCENT, _percent_repl)
    buf = buf.sub(_HALF, lambda m: _HALF_WORDS[m.group(1)])
    buf = buf.sub(_NUMERAL_RUN, _numeral_repl)
    buf = buf.sub(_HOURS, lambda m: "小时")
    buf = buf.sub(_RANGE, lambda m: "-")
    buf = buf.sub(_OPEN_PERCENT, lambda m: m.group(1) + "%")
    # Drop punctuation and spaces (keep "-", "." and ":" between digits: 25-27, 8.5, 8:30).
    out = _Buffer()
    chars = buf.chars
    pending_break = False
    for i, ch in enumerate(chars):
        if _is_gap(ch):
            joins_digits = (
                ch in _DIGIT_JOINERS
                and 0 < i < len(chars) - 1
                and (chars[i - 1].isdigit() or (ch == "-" and chars[i - 1] == "%"))
                and chars[i + 1].isdigit()
            )
            if not joins_digits:
                pending_break = True
                continue
        out.add(ch, buf.start[i], buf.end[i], pending_break or buf.brk[i])
        pending_break = False
    return out


def fold(text: str) -> str:
    """The comparable form of ``text`` without synonyms (stages 1-4)."""
    return _fold(text).text


def normalise(text: str, canonicalise: Callable[[_Buffer], _Buffer] | None = None) -> Norm:
    """Normalise ``text``; ``canonicalise`` (from a synonym table) applies stage 5."""
    buf = _fold(text)
    if canonicalise is not None:
        buf = canonicalise(buf)
    return Norm(
        text=buf.text,
        origin=tuple(buf.start),
        origin_end=tuple(buf.end),
        breaks=tuple(buf.brk),
    )


# ---------------------------------------------------------------------------------------
# Pinyin: every character becomes one code point standing for its toneless, "fuzzy"
# syllable, so a homophone slip (礼念 for 理念) is an exact match in pinyin space and
# offsets stay aligned with the text.

_syllable_codes: dict[str, str] = {}
_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"))


def _fuzzy(syllable: str) -> str:
    """Merge sounds phone users commonly confuse (模糊音): zh/z, ch/c, sh/s, -ng/-n."""
    for long, short in _FUZZY_INITIALS:
        if syllable.startswith(long):
            syllable = short + syllable[len(long) :]
            break
    if syllable.endswith("ng") and not syllable.endswith("ong"):
        syllable = syllable[:-1]
    return syllable


@lru_cache(maxsize=16384)
def pinyin_code(ch: str) -> str:
    """One private-use character standing for the fuzzy pinyin of a Han character.

    Characters that are not Han characters stand for themselves.
    """
    if not ("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"):
        return ch
    from pypinyin import lazy_pinyin

    syllable = _fuzzy(lazy_pinyin(ch)[0])
    code = _syllable_codes.get(syllable)
    if code is None:
        with _lock:
            code = _syllable_codes.setdefault(syllable, chr(0xE000 + len(_syllable_codes)))
    return code


def pinyin_string(text: str) -> str:
    """``text`` with every Han character replaced by its pinyin code (same length)."""
    return "".join(pinyin_code(ch) for ch in text)


def warm_up() -> None:
    """Load OpenCC and pypinyin's dictionaries now rather than on the first answer."""
    _converter().convert("業")
    pinyin_code("业")
