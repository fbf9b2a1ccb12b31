"""Text work for derived practice items (quizapp.bank.derive): the figures of a key point
with their equivalents and plausible wrong values, and a statement turned round.

Pure Python: no Flask, no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..grading import segment as _segment
from ..grading.normalise import chinese_numeral

# -- figures -------------------------------------------------------------------------------

_UNITS = (
    "%|％|个工作日|工作日|个小时|小时|钟头|分钟|秒钟|秒|个月|天|日|周|星期|年|万元|元|块"
    "|万|亿|次|声|米|公里|级|人|张|项|倍|台|层|岁|度|℃|分|种|类|位|名|条|份|遍|户|家|套|个"
)
#: Units that make even 1 a figure (1天, 一年); 1 alone is mostly 一 in 一次性, 第一.
_STRONG_ONE = {
    "天",
    "日",
    "年",
    "个月",
    "小时",
    "个小时",
    "分钟",
    "周",
    "元",
    "级",
    "倍",
    "%",
    "％",
}
_CN = "零〇一二两三四五六七八九十百千"
_FIGURE = re.compile(
    rf"(?<![\d.:：])(?P<time>\d{{1,2}}[:：]\d{{2}})(?![\d.])"
    rf"|(?<![\d.])(?P<num>\d+(?:\.\d+)?)(?![\d.])[ \t]*(?P<unit>{_UNITS})?"
    rf"|百分之(?P<pct>[{_CN}]+)"
    r"|(?P<half>半个?(?:小时|钟头))"
    rf"|(?<![{_CN}第])(?P<cn>[{_CN}]+)(?P<cnunit>{_UNITS})"
)


@dataclass(frozen=True)
class Figure:
    start: int
    end: int
    text: str
    value: float
    unit: str
    notation: str  # digits, chinese, percent-words, half, time


def figures(text: str) -> list[Figure]:
    """The figures of a text: numbers with their units (30分钟, 三声, 95%, 半小时, 8:30);
    a bare number counts when it has two digits or more (a phone number such as 119)."""
    found = []
    for m in _FIGURE.finditer(text):
        if inside_reference(text, m.start()):
            continue
        if m.group("time"):
            hours, minutes = re.split("[:：]", m.group("time"))
            found.append(Figure(m.start(), m.end(), m.group(0), int(hours), minutes, "time"))
        elif m.group("num"):
            value, unit = float(m.group("num")), m.group("unit") or ""
            if (value == 1 and unit not in _STRONG_ONE) or (not unit and len(m.group("num")) < 2):
                continue
            found.append(Figure(m.start(), m.end(), m.group(0), value, unit, "digits"))
        elif m.group("pct"):
            value = chinese_numeral(m.group("pct"))
            if value is not None:
                found.append(Figure(m.start(), m.end(), m.group(0), value, "%", "percent-words"))
        elif m.group("half"):
            found.append(Figure(m.start(), m.end(), m.group(0), 30, "分钟", "half"))
        else:
            value, unit = chinese_numeral(m.group("cn")), m.group("cnunit")
            if value is None or (value == 1 and unit not in _STRONG_ONE):
                continue
            found.append(Figure(m.start(), m.end(), m.group(0), value, unit, "chinese"))
    return found


def inside_reference(text: str, at: int) -> bool:
    """Whether position ``at`` lies inside a {{…}} (a variable or an existing blank)."""
    opened = text.rfind("{{", 0, at + 1)
    return opened != -1 and text.find("}}", opened) >= at


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def _to_chinese(n: int) -> str | None:
    """A whole number under 10,000 in Chinese numerals (30 → 三十, 105 → 一百零五)."""
    if not 0 < n < 10_000:
        return None
    digits = "零一二三四五六七八九"
    out, zero = "", False
    for unit_value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // unit_value % 10
        if d:
            if zero and out:
                out += "零"
            out += ("" if (unit == "十" and d == 1 and not out) else digits[d]) + unit
            zero = False
        elif out:
            zero = True
    return out


def _spell(value: float, unit: str, notation: str) -> str:
    """A figure written in the notation of the original."""
    if notation in ("chinese", "percent-words") and value == int(value):
        words = _to_chinese(int(value))
        if words:
            return f"百分之{words}" if notation == "percent-words" else words + unit
    return _number(value) + unit


def alternatives(figure: Figure) -> tuple[str, ...]:
    """The figure as written, then natural equivalents (digits, Chinese numerals, 半小时 …)."""
    value, unit = figure.value, figure.unit
    found = [figure.text.strip()]
    if figure.notation == "time":
        found.append(f"{int(value)}:{unit}")
        found.append(f"{int(value)}点{unit}分" if unit != "00" else f"{int(value)}点")
    elif unit in ("%", "％"):
        found.append(_number(value) + "%")
        words = _to_chinese(int(value)) if value == int(value) else None
        if words:
            found.append(f"百分之{words}")
    else:
        found.append(_number(value) + unit)
        if unit and value == int(value) and _to_chinese(int(value)):
            found.append(_to_chinese(int(value)) + unit)
        if unit in ("小时", "个小时"):
            found.append(_number(value) + ("个小时" if unit == "小时" else "小时"))
        if unit == "分钟" and value == 30:
            found.append("半小时")
        if unit == "分钟" and value == 60:
            found.append("1小时")
    unique: list[str] = []
    for text in found:
        if text and text not in unique and not set(text) & set("{}|｜"):
            unique.append(text)
    return tuple(unique[:4])


def wrong_figure(figure: Figure) -> str | None:
    """A plausible wrong figure in the same notation (30分钟 → 15分钟, 95% → 90%), or None
    for a bare number (a phone number or a code is not changed by a little)."""
    value, unit = figure.value, figure.unit
    if figure.notation == "time":
        return f"{(int(value) + 1) % 24}:{unit}"
    if not unit:
        return None
    if unit in ("%", "％"):
        wrong = value - 5 if value >= 90 else (value - 10 if value > 10 else value + 10)
        wrong = min(wrong, 90) if value >= 100 else wrong
    elif unit == "年" and value >= 1900:
        wrong = value + 1
    elif value == int(value) and value >= 2 and int(value) % 2 == 0:
        wrong = value // 2
    else:
        wrong = value * 2
    if figure.notation == "half":
        return "1小时"
    return _spell(wrong, unit, figure.notation)


#: A rule turned round: the first of these words in a statement, and what replaces it.
FLIPS = {
    "禁止": "可以",
    "严禁": "可以",
    "不得": "可以",
    "不能": "可以",
    "不可": "可以",
    "不准": "可以",
    "不许": "可以",
    "切勿": "可以",
    "不要": "要",
    "没有": "有",
    "无需": "需要",
    "无须": "需要",
    "不必": "必须",
    "不用": "需要",
    "不应": "应",
    "不应该": "应该",
    "不会": "会",
    "不是": "是",
    "必须": "不必",
    "务必": "不必",
    "应": "不应",
    "应该": "不应该",
    "应当": "不应当",
    "需要": "不需要",
    "要": "不要",
    "可以": "不可以",
    "能": "不能",
    "能够": "不能",
    "会": "不会",
    "是": "不是",
    "有": "没有",
}


def negated(point: str) -> str | None:
    """The statement turned round at its first rule word (禁止吸烟 → 可以吸烟, 必须登记 →
    不必登记, 不打闹 → 打闹), or None when it has none."""
    tokens = _segment.tokens(point, [(0, len(point))])
    for n, token in enumerate(tokens):
        if token.text in FLIPS:
            flipped = FLIPS[token.text]
        elif token.text in ("不", "没", "未") and n + 1 < len(tokens):
            flipped = ""
        else:
            continue
        if inside_reference(point, token.start):
            continue
        result = point[: token.start] + flipped + point[token.end :]
        if result.strip() and result != point:
            return result
    return None
