"""Content limits: hostile or oversized bank content is refused by the parser, at its line,
before Markdown ever sees it (docs/bank-format.md, "Limits"). How fast: bench/bank_limits_bench.py.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from quizapp.bank import syntax as sx
from quizapp.bank.parser import parse_bytes, parse_file, parse_text
from quizapp.bank.syntax import NestingProblem, nesting_problem
from quizapp.extensions import db
from quizapp.models import Bank
from tests.bank.hostile import (
    bracket_bomb,
    bracket_bomb_of_size,
    hidden_closers,
    nested_list,
    nested_quotes,
)
from tests.factories import bank_text

# bank_text puts the body at line 8; this item's 答案 is on line 12.
QA = "# 章\n\n## 问题？\n类型：问答\n答案："
ANSWER_LINE = 12


def errors(body: str) -> list[tuple[int, str]]:
    result = parse_text(bank_text(body))
    assert result.bank is None
    return [(problem.line, problem.message) for problem in result.errors]


def has(found: list[tuple[int, str]], line: int, fragment: str) -> bool:
    return any(got == line and fragment in message for got, message in found)


def test_a_12_kb_bracket_bomb_in_an_answer_is_refused_at_its_line():
    found = errors(QA + bracket_bomb(4000) + "\n")
    assert has(found, ANSWER_LINE, "答案 nests [ or ( brackets more than 8 deep")
    assert has(found, ANSWER_LINE, "line longer than 4,000 characters (12,004)")
    assert has(found, ANSWER_LINE, "答案 longer than 2,000 characters")
    assert {line for line, _ in found} == {ANSWER_LINE}


def test_a_150_kb_bracket_bomb_is_refused_at_its_line():
    bomb = bracket_bomb_of_size(150_000)
    found = errors(QA + "\n" + bomb + "\n")
    assert has(found, ANSWER_LINE + 1, f"line longer than 4,000 characters ({len(bomb):,})")
    assert has(found, ANSWER_LINE + 1, "答案 nests [ or ( brackets more than 8 deep")
    assert has(found, ANSWER_LINE, "答案 longer than 2,000 characters")


def test_a_short_bracket_bomb_is_refused_for_its_depth_alone():
    found = errors(QA + "\n前言\n" + bracket_bomb(9) + "\n")
    assert found == [
        (
            ANSWER_LINE + 2,
            "答案 nests [ or ( brackets more than 8 deep, or leaves them open: "
            "close each one, or write ［ ］ （ ） instead",
        )
    ]


def test_trailing_spaces_do_not_hide_a_bomb():
    # 答案 is within its length once its lines are trimmed, as Markdown gets them.
    padding = ("说" + " " * 300 + "\n") * 10
    found = errors(QA + "\n" + padding + bracket_bomb(9) + "\n")
    assert [line for line, _ in found] == [ANSWER_LINE + 11]


def test_a_3000_level_nested_list_is_refused_at_the_ninth_level():
    text = nested_list(3000)
    found = errors(QA + "\n" + text + "\n")
    # The list starts on the line after 答案; its ninth level is 8 lines further.
    assert has(found, ANSWER_LINE + 1 + 8, "答案 nests lists or block quotes more than 8 deep")
    assert has(found, ANSWER_LINE, "答案 longer than 2,000 characters")
    long_lines = [
        ANSWER_LINE + 1 + index
        for index, line in enumerate(text.split("\n"))
        if len(line) > sx.MAX_LINE_LENGTH
    ]
    assert long_lines
    assert [line for line, message in found if message.startswith("line longer")] == long_lines


def test_nested_block_quotes_in_an_explanation_are_refused():
    body = "# 章\n\n## 问题？\n答案：对\n解析：\n\n" + nested_quotes(9) + "\n"
    assert errors(body) == [(14, "解析 nests lists or block quotes more than 8 deep: flatten them")]


def test_nesting_up_to_the_limit_is_allowed():
    body = QA + "\n" + nested_list(8) + "\n解析：" + nested_quotes(8) + "\n"
    result = parse_text(bank_text(body))
    assert result.errors == []
    [item] = result.bank.items
    assert item.key_points == ("第1层",)


@pytest.mark.parametrize("name", sorted(hidden_closers()))
def test_brackets_closed_where_markdown_cannot_see_are_refused(name):
    text = hidden_closers(400)[name]
    found = errors(QA + "\n" + text + "\n")
    assert any("答案 nests [ or ( brackets" in message for _, message in found), found


def test_an_over_long_line_is_refused_and_one_at_the_limit_is_not():
    # 原文 may be 10,000 characters, so only the line limit applies.
    at_limit = "原文：" + "说" * (sx.MAX_LINE_LENGTH - 3)
    assert len(at_limit) == sx.MAX_LINE_LENGTH
    ok = parse_text(bank_text("# 章\n\n## 问题？\n答案：对\n" + at_limit + "\n"))
    assert ok.errors == []
    found = errors("# 章\n\n## 问题？\n答案：对\n" + at_limit + "说\n")
    assert found == [(12, "line longer than 4,000 characters (4,001): break it into shorter lines")]


def block(size: int) -> str:
    """`size` characters on lines of at most 1,000 (line breaks count), on its own lines."""
    text = (("说" * 999 + "\n") * (size // 1000 + 1))[:size]
    return "\n" + text[:-1] + "说"


FIELDS = {
    # field, its line in the item, the value of a given length
    "answer": ("答案：", lambda n: block(n)),
    "explanation": ("解析：", lambda n: block(n)),
    "passage": ("原文：", lambda n: block(n)),
    "source": ("来源：", lambda n: "说" * n),
    "tags": ("标签：", lambda n: "说" * n),
    "synonyms": ("同义词：", lambda n: ("甲=乙；" * n)[:n]),
}


@pytest.mark.parametrize("name", sorted(FIELDS))
def test_each_field_has_a_length_limit(name):
    label, value = FIELDS[name]
    limit = sx.MAX_FIELD_LENGTH[name]
    item = "# 章\n\n## 问题？\n类型：问答\n"
    rest = "" if name == "answer" else "答案：对的\n"
    ok = parse_text(bank_text(item + rest + label + value(limit) + "\n"))
    assert ok.errors == [], ok.errors[:3]
    found = errors(item + rest + label + value(limit + 1) + "\n")
    line = 12 if name == "answer" else 13
    label_text = sx.FIELD_LABELS[name]
    assert found == [
        (line, f"{label_text} longer than {limit:,} characters ({limit + 1:,}): shorten it")
    ]


def test_the_question_has_a_length_limit():
    limit = sx.MAX_QUESTION_LENGTH
    ok = parse_text(bank_text("# 章\n\n## " + "问" * limit + "\n答案：对\n"))
    assert ok.errors == []
    # Continuation lines count too.
    found = errors("# 章\n\n## 问题\n" + "问" * (limit - 2) + "\n答案：对\n")
    assert found == [
        (
            10,
            f"question longer than {limit:,} characters ({limit + 1:,}): "
            "shorten it, or quote the document in 原文",
        )
    ]


def test_options_have_a_length_and_a_number_limit():
    options = "".join(f"- [{'x' if n == 0 else ' '}] 选项{n}\n" for n in range(sx.MAX_OPTIONS))
    ok = parse_text(bank_text("# 章\n\n## 选哪个？\n" + options))
    assert ok.errors == []
    found = errors("# 章\n\n## 选哪个？\n" + options + "- [ ] 多一个\n")
    assert found == [(11 + sx.MAX_OPTIONS, "more than 26 options in one item")]
    long = "说" * (sx.MAX_OPTION_LENGTH + 1)
    found = errors(f"# 章\n\n## 选哪个？\n- [x] 甲\n- [ ] {long}\n")
    assert found == [(12, "option longer than 500 characters (501): shorten it")]


def test_titles_have_a_length_limit():
    long = "题" * (sx.MAX_TITLE_LENGTH + 1)
    result = parse_text(bank_text("# 章\n\n## 问？\n答案：对\n", title=long))
    assert [(e.line, e.message) for e in result.errors] == [
        (3, "title longer than 200 characters (201)")
    ]
    assert errors(f"# {long}\n\n## 问？\n答案：对\n") == [
        (8, "title longer than 200 characters (201)")
    ]


def test_a_bank_of_more_than_20000_items_is_refused_at_the_first_too_many():
    body = "# 章\n\n" + "".join(f"## 问题{n}？\n答案：对\n" for n in range(sx.MAX_BANK_ITEMS + 1))
    # Item n's heading is on line 10 + 2n.
    assert errors(body) == [
        (
            10 + 2 * sx.MAX_BANK_ITEMS,
            "more than 20,000 items in one bank: split it into several banks",
        )
    ]


def test_a_bank_of_more_than_500_sections_is_refused_at_the_first_too_many():
    body = "".join(
        f"# 第{n}章\n\n## 问题{n}？\n答案：对\n\n" for n in range(sx.MAX_BANK_SECTIONS + 1)
    )
    # Section n's heading is on line 8 + 5n.
    assert errors(body) == [
        (
            8 + 5 * sx.MAX_BANK_SECTIONS,
            "more than 500 sections in one bank: split it into several banks",
        )
    ]


def oversized(size: int) -> str:
    """A bank text of more than `size` bytes."""
    head = bank_text("# 章\n\n## 问题？\n答案：对\n原文：\n")
    line = "说" * 333 + "\n"  # 1,000 bytes
    return head + line * ((size - len(head.encode())) // len(line.encode()) + 2)


def line_passing_the_limit(data: bytes) -> int:
    """The line that holds the first byte over MAX_BANK_BYTES."""
    end = 0
    for number, line in enumerate(data.split(b"\n"), start=1):
        end += len(line) + 1
        if end > sx.MAX_BANK_BYTES:
            return number
    raise AssertionError("not over the limit")


def test_a_bank_over_20_mb_is_refused_at_the_line_that_passes_the_limit(tmp_path):
    data = oversized(sx.MAX_BANK_BYTES + 1).encode()
    message = "the file is larger than 20 MB from this line on: split the bank into several files"
    for bank_bytes in (data, b"\xef\xbb\xbf" + data[:-700]):
        line = line_passing_the_limit(bank_bytes)
        path = tmp_path / "big.md"
        path.write_bytes(bank_bytes)
        for result in (parse_bytes(bank_bytes), parse_file(path)):
            assert result.bank is None
            assert [(e.line, e.message) for e in result.errors] == [(line, message)]
    result = parse_text(data.decode())
    assert [(e.line, e.message) for e in result.errors] == [(line_passing_the_limit(data), message)]


def test_the_size_limit_is_inclusive(monkeypatch):
    text = bank_text("# 章\n\n## 问题？\n答案：对\n")
    size = len(text.encode())
    monkeypatch.setattr(sx, "MAX_BANK_BYTES", size)
    assert parse_bytes(text.encode()).errors == []
    assert parse_text(text).errors == []
    monkeypatch.setattr(sx, "MAX_BANK_BYTES", size - 1)
    assert [e.line for e in parse_bytes(text.encode()).errors] == [text.count("\n")]


@pytest.mark.parametrize(
    "text",
    [
        "- - - - - - - - 八层",
        "> " * 8 + "引用",
        ">" * 8 + "引用",
        "    " * 7 + "- 第八层",
        "- - - - - - - - - -",  # a horizontal rule, not ten lists
        " " * 40 + "缩进的文字",
        "1. " + " \t" * 20,  # spaces at the end of a line nest nothing
        "1. 说话轻\n    - 细节\n2. 走路轻",
        "[" * 8 + "x" + "]" * 8,
        "[制度](https://example.com/a_(b)) " * 50,
        "`a[0]` " * 8,
        "\\[" * 50,
        "]" * 50 + ")" * 50,
        "(1)说话轻 (2)走路轻 " * 30,
        "（" * 50,
    ],
)
def test_nesting_within_the_limit(text):
    assert nesting_problem(text) is None


@pytest.mark.parametrize(
    "text, problem",
    [
        (bracket_bomb(9), (0, "brackets")),
        ("[" * 9, (0, "brackets")),
        ("(" * 9, (0, "brackets")),
        ("说明\n[[[[\n[[[[\n[ 第九个\n", (3, "brackets")),  # open brackets stay open
        ("[x\n](y)\n" * 9, (16, "brackets")),  # closed on another line: counted as open
        ("[`]`" * 9, (0, "brackets")),
        ("`a[0]` " * 9, (0, "brackets")),  # on a line with code, no closing bracket counts
        ("[\\]" * 9, (0, "brackets")),
        ("[)" * 9, (0, "brackets")),
        ("- " * 9 + "九层", (0, "containers")),
        ("> " * 9 + "九层", (0, "containers")),
        (">" * 9 + "九层", (0, "containers")),
        ("\t" * 8 + "- 九层", (0, "containers")),
        ("    " * 8 + "- 九层", (0, "containers")),
        ("1. 2. 3. 4. 5. 6. 7. 8. 9. 九层", (0, "containers")),
        (nested_list(3000), (8, "containers")),
        ("正文\r\n" + "> " * 9 + "九层", (1, "containers")),
    ],
)
def test_nesting_beyond_the_limit(text, problem):
    assert nesting_problem(text) == NestingProblem(*problem)


def test_bank_check_prints_file_line_message_and_fails(runner, tmp_path):
    path = tmp_path / "bomb.md"
    path.write_text(bank_text(QA + bracket_bomb(4000) + "\n"), encoding="utf-8")
    result = runner.invoke(args=["bank", "check", str(path)])
    assert result.exit_code == 1
    assert f"{path}:{ANSWER_LINE}: 答案 nests [ or ( brackets more than 8 deep" in result.output


def test_bank_import_of_a_hostile_file_imports_nothing(runner, app, tmp_path):
    path = tmp_path / "bomb.md"
    path.write_text(bank_text(QA + "\n" + nested_list(3000) + "\n"), encoding="utf-8")
    result = runner.invoke(args=["bank", "import", str(path)])
    assert result.exit_code == 1
    assert db.session.scalar(select(func.count()).select_from(Bank)) == 0
