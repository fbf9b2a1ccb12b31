"""The one text-safety rule (quizapp.textsafety) and where the roster uses it: imports,
employee numbers, and exports that never fail on stored text."""

from __future__ import annotations

import csv
import io
import sys
import unicodedata

import pytest
from openpyxl import load_workbook

from quizapp.roster import neutralise_cell, normalise_employee_no, write_csv, write_xlsx
from quizapp.roster.text import bad_character as roster_bad_character
from quizapp.textsafety import (
    BIDI_CONTROLS,
    REPLACEMENT,
    bad_character,
    is_noncharacter,
    replace_refused,
)

REFUSED_EVERYWHERE = [
    "\x00",
    "\x07",
    "\x1b",
    "\x7f",
    "\x85",  # NEXT LINE (C1)
    "\x9f",
    "\ufffe",
    "\uffff",
    "\ufdd0",
    "\ufdef",
    "\U0001fffe",
    "\U0010ffff",
    "\ud800",  # a lone surrogate
    "\udfff",
    "\u202a",
    "\u202e",
    "\u2066",
    "\u2069",
    "\u200e",
    "\u200f",
    "\u061c",
]
LINE_CONTROLS = ["\t", "\n", "\r"]
ALLOWED = [
    "张三",
    "O'Brien",
    "👨\u200d👩\u200d👧",  # joiners inside emoji
    "\u00a0",
    "\u3000",
    "\ufdcf",
    "\ufdf0",
    "\ufffd",
    "\U0001fffd",
    "\u200d",
    "\u2028",
    "عربي",
]


def _expected_refusal(ch: str, multiline: bool) -> bool:
    """The rule, written independently from the module under test."""
    category = unicodedata.category(ch)
    code = ord(ch)
    if category == "Cc":
        return not (multiline and ch in "\t\n\r")
    noncharacter = 0xFDD0 <= code <= 0xFDEF or code % 0x10000 in (0xFFFE, 0xFFFF)
    bidi = ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
    return category == "Cs" or noncharacter or bidi


@pytest.mark.parametrize("ch", REFUSED_EVERYWHERE)
def test_refused_characters(ch):
    assert bad_character(f"a{ch}b") == ch
    assert bad_character(f"a{ch}b", multiline=True) == ch
    assert roster_bad_character(f"a{ch}b") == ch
    assert replace_refused(f"a{ch}b") == f"a{REPLACEMENT}b"


@pytest.mark.parametrize("ch", LINE_CONTROLS)
def test_tab_and_line_breaks_only_where_a_field_allows_several_lines(ch):
    assert bad_character(f"a{ch}b") == ch
    assert bad_character(f"a{ch}b", multiline=True) is None
    assert replace_refused(f"a{ch}b") == f"a{ch}b"  # exports keep line breaks
    assert replace_refused(f"a{ch}b", multiline=False) == f"a{REPLACEMENT}b"


@pytest.mark.parametrize("text", ALLOWED)
def test_allowed_text(text):
    assert bad_character(text) is None
    assert roster_bad_character(text) is None
    assert replace_refused(text) == text


def test_the_rule_over_every_code_point():
    wrong = []
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        for multiline in (False, True):
            refused = bad_character(ch, multiline=multiline) is not None
            if refused != _expected_refusal(ch, multiline):
                wrong.append((hex(code), multiline))
    assert wrong == []
    assert {"\u202a", "\u2069", "\u200e", "\u061c"} <= BIDI_CONTROLS
    assert is_noncharacter("\U0010fffe") and not is_noncharacter("\ufffd")


def test_the_rule_over_the_naughty_strings(blns):
    for text in blns:
        cleaned = replace_refused(text, multiline=False)
        assert bad_character(cleaned) is None
        assert len(cleaned) == len(text)
        assert (bad_character(text) is None) == (cleaned == text)


# Employee numbers: ASCII after NFKC and upper case, so look-alikes are not new accounts.


@pytest.mark.parametrize(
    "typed",
    [
        "ADMİN",  # dotted capital I (U+0130)
        "АDMIN",  # Cyrillic А
        "ADMΙN",  # Greek Iota
        "张三01",
        "café01",
    ],
)
def test_look_alike_employee_numbers_are_refused(typed):
    with pytest.raises(ValueError, match="英文字母"):
        normalise_employee_no(typed)


def test_every_ascii_number_valid_before_stays_valid():
    # Before the ASCII rule any printable ASCII but the space was accepted.
    for code in range(0x21, 0x7F):
        ch = chr(code)
        assert normalise_employee_no(f"a{ch}1") == f"A{ch}1".upper()
    assert normalise_employee_no("hr-2026_01.a/b") == "HR-2026_01.A/B"
    # Full-width and compatibility forms still fold into ASCII.
    assert normalise_employee_no("Ａ００①") == "A001"


# Exports: stored text is written safely, whatever it holds.


@pytest.mark.parametrize("value", ["＝1+1", "＋86", "－2", "＠SUM(A1)", "﹦1+1"])
def test_full_width_formula_triggers_are_neutralised(value):
    assert neutralise_cell(value) == "'" + value


def test_exports_replace_refused_characters_instead_of_failing(blns):
    stored = [*REFUSED_EVERYWHERE, *blns, "a\x00b", "=\ufffe1"]
    rows = [[f"E{i}", text] for i, text in enumerate(stored)]
    sheet = load_workbook(io.BytesIO(write_xlsx(rows, ["工号", "姓名"]))).active
    names = [row[1].value for row in sheet.iter_rows(min_row=2)]
    assert len(names) == len(stored)
    for text, name in zip(stored, names, strict=True):
        assert name is None or bad_character(name, multiline=True) is None, (text, name)
    data = write_csv(rows, ["工号", "姓名"])
    cells = list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))
    assert len(cells) == len(stored) + 1
    assert cells[-2][1] == f"a{REPLACEMENT}b"
    assert cells[-1][1] == f"'={REPLACEMENT}1"


def test_an_overlong_stored_text_is_cut_not_refused():
    sheet = load_workbook(io.BytesIO(write_xlsx([["张" * 40000]], ["姓名"]))).active
    value = sheet["A2"].value
    assert len(value) <= 32767 and value.startswith("张张")
