"""Employee-number normalisation and the text rules."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.roster import normalise_employee_no
from quizapp.roster.text import bad_character, clean_text, column_place, show


def test_the_same_person_written_three_ways():
    assert normalise_employee_no("A001") == "A001"
    assert normalise_employee_no(" a001") == "A001"
    assert normalise_employee_no("Ａ００１") == "A001"
    assert normalise_employee_no("\u3000ａ００１\t") == "A001"


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("", "不能为空"),
        ("   ", "不能为空"),
        ("\u3000", "不能为空"),
        ("A 001", "空格"),
        ("A\u3000001", "空格"),
        ("A\n001", "空格"),
        ("A\x07001", "控制字符"),
        ("A\u200b001", "不可见"),
        ("A\u202e001", "不可见"),
        ("A" * 33, "太长"),
    ],
)
def test_bad_employee_numbers_are_refused_with_a_reason(value, fragment):
    with pytest.raises(ValueError, match=fragment):
        normalise_employee_no(value)


def test_thirty_two_characters_are_allowed():
    assert normalise_employee_no("a" * 32) == "A" * 32


@settings(database=None, derandomize=True)
@given(st.text(max_size=40))
def test_normalisation_is_stable(text):
    try:
        once = normalise_employee_no(text)
    except ValueError:
        return
    assert normalise_employee_no(once) == once


def test_clean_text_strips_whitespace_but_keeps_other_controls():
    assert clean_text("\u3000 张三\t\r\n") == "张三"
    assert clean_text("\x1f张三") == "\x1f张三"
    assert bad_character("\x1f张三") == "\x1f"
    assert bad_character("张\u202e三") == "\u202e"
    assert bad_character("👨\u200d👩\u200d👧") is None  # joiners inside emoji are fine


def test_messages_show_invisible_characters_and_shorten_long_text():
    assert show("a\x07b") == "“a\\x07b”"
    assert show("x" * 40).endswith("…”")
    assert column_place(28) == "第 28 列（AB）"
