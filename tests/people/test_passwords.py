"""The password policy: long enough, not the person's number or phone, not one character
over and over, not a common password."""

from __future__ import annotations

import pytest

from quizapp.demo import DEMO_PEOPLE
from quizapp.people import passwords
from quizapp.people.passwords import password_problem

COMMON = "这个密码太常见，很容易被猜到，请换一个"


@pytest.mark.parametrize(
    "password",
    [
        "12345678",
        "123456789",
        "1234567890",
        "87654321",
        "password",
        "Password1",
        "PASSWORD",
        "ｐａｓｓｗｏｒｄ",  # full width, as a Chinese keyboard types it
        " password ",
        "qwerty123",
        "a123456789",
        "qq123456",
        "woaini1314",
        "abc12345",
        "iloveyou",
        "quizapp123",
        "Quizapp@123",
        "admin123",
        "1qaz2wsx",
        "aa123456",
    ],
)
def test_common_passwords_are_refused(password):
    assert password_problem(password, "E1") == COMMON


@pytest.mark.parametrize("password", sorted({p[6] for p in DEMO_PEOPLE}))
def test_the_published_demo_passwords_are_refused(password):
    assert password_problem(password, "E1") == COMMON


@pytest.mark.parametrize(
    "password, employee_no, phone, problem",
    [
        ("short7", "E1", "", "密码至少 8 个字符"),
        ("11111111", "E1", "", "密码不能全部是同一个字符"),
        ("ＡＡＡＡＡＡＡＡ", "E1", "", "密码不能全部是同一个字符"),
        ("e12345678", "E12345678", "", "密码不能与工号相同"),
        ("13800138000", "E1", "138-0013-8000", "密码不能与手机号相同"),
        ("x" * 129 + "y", "E1", "", "密码最多 128 个字符"),
    ],
)
def test_the_other_rules(password, employee_no, phone, problem):
    assert password_problem(password, employee_no, phone) == problem


@pytest.mark.parametrize("password", ["correct-horse-9", "物业客服2026春", "tea-at-3-Lotus"])
def test_a_good_password_passes(password):
    assert password_problem(password, "E1", "13800138000") is None


def test_the_list_is_a_data_file_read_once():
    words = passwords.common_passwords()
    assert words is passwords.common_passwords()
    assert 200 <= len(words) <= 2000
    assert all(word == word.strip().lower() and word for word in words)
