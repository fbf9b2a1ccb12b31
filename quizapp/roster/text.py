"""Text rules shared by the readers and the validator.

Documented normalisation, and nothing else:

- Employee numbers (工号, also the trainer column): Unicode NFKC (full-width to half-width),
  surrounding whitespace removed, upper-cased. ``A001``, `` a001`` and ``Ａ００１`` are the
  same person.
  After that an employee number is made of ASCII letters, digits and ASCII punctuation
  only (every number valid before this rule was ASCII printable, and stays valid), so a
  look-alike such as ``ADMİN`` (dotted capital I) is refused rather than being a new
  account.
- Other text: surrounding whitespace removed (spaces, ideographic spaces U+3000, tabs,
  line breaks); the rest is kept exactly. The characters quizapp.textsafety refuses
  (controls, noncharacters, unpaired surrogates, direction controls) are refused, never
  dropped: the forms refuse the same ones.
"""

from __future__ import annotations

import re
import unicodedata

from ..i18n import N_, fill
from ..textsafety import BIDI_CONTROLS, describe_character
from ..textsafety import bad_character as _refused_character

EMPLOYEE_NO_MAX = 32
# Printable ASCII but the space: letters, digits and punctuation such as - _ . /
_EMPLOYEE_NO_CHARACTERS = re.compile(r"[!-~]+", re.ASCII)
# Whitespace that is also a control character, yet harmless at the edges of a cell.
_EDGE_CONTROLS = frozenset("\t\n\r")


def _strippable(ch: str) -> bool:
    return ch.isspace() and (unicodedata.category(ch) != "Cc" or ch in _EDGE_CONTROLS)


def clean_text(value: str) -> str:
    """Remove surrounding whitespace only (not other control characters: they are errors)."""
    start, end = 0, len(value)
    while start < end and _strippable(value[start]):
        start += 1
    while end > start and _strippable(value[end - 1]):
        end -= 1
    return value[start:end]


def bad_character(value: str) -> str | None:
    """The first character that may not be stored in a roster text field, or None (the
    one rule of quizapp.textsafety, for a field of one line)."""
    return _refused_character(value)


def show(value: object, limit: int = 30) -> str:
    """A value for an error message: invisible characters escaped, long text shortened."""
    text = str(value)
    out = []
    for ch in text[:limit]:
        code = ord(ch)
        invisible = unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp")
        if not (invisible or ch in BIDI_CONTROLS or _refused_character(ch)):
            out.append(ch)
        elif code > 0xFFFF:  # a plane-end noncharacter such as U+1FFFE
            out.append(f"\\U{code:08x}")
        else:
            out.append(f"\\u{code:04x}" if code > 0xFF else f"\\x{code:02x}")
    if len(text) > limit:
        out.append("…")
    return "“" + "".join(out) + "”"


class EmployeeNoError(ValueError):
    """An unusable employee number. ``template`` (Chinese, in the translation catalogue)
    and ``params`` let each page show it in its own language; str() is the Chinese text."""

    def __init__(self, template: str, **params: object) -> None:
        self.template = template
        self.params = params
        super().__init__(fill(template, params))


def normalise_employee_no(text: str) -> str:
    """The canonical employee number (工号): NFKC, surrounding whitespace removed, upper case.

    Raises EmployeeNoError, a ValueError, for an empty number, internal whitespace, control
    or invisible characters, any other character that is not ASCII (a look-alike letter),
    or more than 32 characters.
    """
    if not isinstance(text, str):
        raise EmployeeNoError(N_("工号必须是文字，收到的是 %(kind)s"), kind=type(text).__name__)
    value = unicodedata.normalize("NFKC", text).upper()
    # Upper-casing can leave a decomposed form (ǰ -> J + U+030C): normalise again, so the
    # result is stable when normalised twice.
    value = unicodedata.normalize("NFKC", value).strip()
    if not value:
        raise EmployeeNoError(N_("工号不能为空 (employee number is empty)"))
    for ch in value:
        category = unicodedata.category(ch)
        if ch.isspace() or category in ("Zs", "Zl", "Zp"):
            raise EmployeeNoError(
                N_("工号 %(value)s 中间不能有空格或换行 (no whitespace inside)"), value=show(text)
            )
        if category in ("Cc", "Cf", "Cs", "Co", "Cn"):
            raise EmployeeNoError(
                N_("工号 %(value)s 含有不可见或控制字符 %(character)s，请重新输入"),
                value=show(text),
                character=describe_character(ch),
            )
    if not _EMPLOYEE_NO_CHARACTERS.fullmatch(value):
        ch = next(ch for ch in value if not _EMPLOYEE_NO_CHARACTERS.fullmatch(ch))
        raise EmployeeNoError(
            N_(
                "工号 %(value)s 含有 %(character)s：工号只能由英文字母、数字和半角符号"
                "（如 - _ . /）组成"
            ),
            value=show(text),
            character=describe_character(ch),
        )
    if len(value) > EMPLOYEE_NO_MAX:
        raise EmployeeNoError(
            N_("工号 %(value)s 太长：%(length)s 个字符，最多 %(limit)s 个"),
            value=show(text),
            length=len(value),
            limit=EMPLOYEE_NO_MAX,
        )
    return value


def column_letter(position: int) -> str:
    """Excel column letters for a 1-based position: 1 -> A, 27 -> AA."""
    letters = ""
    while position > 0:
        position, remainder = divmod(position - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def column_place(position: int) -> str:
    """How HR finds a column: 第 3 列（C）."""
    return f"第 {position} 列（{column_letter(position)}）"
