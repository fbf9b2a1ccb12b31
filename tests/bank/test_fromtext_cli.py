"""`quizapp bank from-text FILE [--json | -o OUT.md]` (quizapp/bank/fromtext_cli.py).

The command needs no app: it is invoked directly with click's runner, stdout and stderr
apart.
"""

from __future__ import annotations

import io
import json

import docx
import pytest
from click.testing import CliRunner

from quizapp.bank.documents import MAX_DOCUMENT_BYTES
from quizapp.bank.fromtext_cli import from_text_command
from quizapp.bank.parser import parse_file, parse_text
from tests.conftest import DATA

SALES = DATA / "fromtext" / "sales-centre.txt"


def run(*args: str):
    return CliRunner().invoke(from_text_command, [str(a) for a in args])


def test_json_is_a_list_of_question_and_answer_in_document_order():
    result = run(SALES, "--json")
    assert result.exit_code == 0, result.stderr
    pairs = json.loads(result.stdout)
    assert len(pairs) == 40
    assert all(list(pair) == ["q", "a"] for pair in pairs)
    assert pairs[0] == {
        "q": "洗手间马桶堵塞该怎么处理?",
        "a": "先尝试自行通厕、如未能完成,呼叫管理部领班支援,或联系项目经理,并填写工程维修单报修",
    }
    assert (
        pairs[11]["a"]
        == "找策划部的负责人领取停车票。\n正常在剩余50张停车票时,应通知策划部提前准备停车票。"
    )
    assert "洗手间马桶" in result.stdout  # not escaped as \\uXXXX


def test_json_joins_sub_points_with_line_breaks(tmp_path):
    path = tmp_path / "list.txt"
    path.write_text("1、技术席须具备哪些能力？答：1、熟悉资费；2、熟悉终端。", encoding="utf-8")
    result = run(path, "--json")
    assert json.loads(result.stdout) == [
        {"q": "技术席须具备哪些能力？", "a": "熟悉资费\n熟悉终端。"}
    ]


def test_without_options_the_draft_bank_goes_to_stdout():
    result = run(SALES)
    assert result.exit_code == 0, result.stderr
    parsed = parse_text(result.stdout)
    assert parsed.errors == []
    assert parsed.bank.id == "sales-centre" and parsed.bank.title == "sales-centre"
    assert len(parsed.bank.items) == 40
    assert parsed.bank.items[0].source == "sales-centre，第2行"


def test_output_file_and_a_summary_on_stderr(tmp_path):
    source = tmp_path / "客服 应知应会.txt"
    source.write_bytes(
        "1、客服热线是多少？\n答：96968。\n2、几点上班？\n答：八点半。\n".encode("gbk")
    )
    out = tmp_path / "draft.md"
    result = run(source, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert (
        result.stderr.strip() == f"wrote {out}: 2 items from 2 question/answer pairs (0 left out)"
    )
    parsed = parse_file(out)
    assert parsed.errors == []
    assert parsed.bank.id.startswith("draft-") and parsed.bank.title == "客服 应知应会"


def test_a_word_file(tmp_path):
    document = docx.Document()
    document.add_paragraph("一、VIP会员有效期？")
    document.add_paragraph("答：一年。")
    path = tmp_path / "VIP Rules.docx"
    document.save(path)
    result = run(path, "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == [{"q": "VIP会员有效期？", "a": "一年。"}]
    assert parse_text(run(path).stdout).bank.id == "vip-rules"


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("missing.txt", None, "missing.txt: no such file"),
        ("list.pdf", b"%PDF-1.4", "unsupported file type '.pdf'"),
        ("list.txt", b"\x81\x00\x82", "not text in UTF-8 or GBK"),
        ("list.docx", b"not a zip", "not a valid Word (.docx) file"),
        ("big.txt", b"a" * (MAX_DOCUMENT_BYTES + 1), "larger than 5 MB"),
    ],
)
@pytest.mark.parametrize("option", [[], ["--json"]])
def test_bad_files_exit_1_with_a_clear_error(tmp_path, name, content, message, option):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = run(path, *option)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("error: ") and message in result.stderr


def test_a_document_without_questions(tmp_path):
    path = tmp_path / "prose.txt"
    path.write_text("客服人员要热情、耐心。\n微笑服务。\n", encoding="utf-8")
    assert json.loads(run(path, "--json").stdout) == []
    result = run(path, "-o", tmp_path / "out.md")
    assert result.exit_code == 1
    assert "no questions with answers found" in result.stderr
    assert not (tmp_path / "out.md").exists()


def test_pairs_that_cannot_make_an_item(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text("1、甲是什么？\n答：" + "很长" * 1500 + "\n", encoding="utf-8")
    result = run(path)
    assert result.exit_code == 1
    assert f"{path}:1: left out: answer too long" in result.stderr
    assert "none of the 1 question/answer pairs could make an item" in result.stderr


def test_an_output_that_cannot_be_written(tmp_path):
    result = run(SALES, "-o", tmp_path / "no-such-folder" / "out.md")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and "cannot write" in result.stderr


def test_json_and_output_together_is_a_usage_error(tmp_path):
    result = run(SALES, "--json", "-o", tmp_path / "x.md")
    assert result.exit_code == 2
    assert "either --json or -o" in result.stderr


def test_left_out_pairs_are_named_on_stderr(tmp_path):
    path = tmp_path / "dup.txt"
    path.write_text("1、甲是什么？\n答：乙。\n2、甲是什么？\n答：乙。\n", encoding="utf-8")
    result = run(path)
    assert result.exit_code == 0
    assert f"{path}:3: left out: the same question and answer again" in result.stderr
    assert len(parse_text(result.stdout).bank.items) == 1


def test_naughty_file_names(tmp_path, blns):
    for index, naughty in enumerate(blns[:80]):
        name = "".join(ch for ch in naughty if ch not in "/\\\x00")[:60] + ".txt"
        path = tmp_path / f"{index}-{name}"
        try:
            path.write_text("1、甲是什么？\n答：乙。\n", encoding="utf-8")
        except (OSError, UnicodeEncodeError):
            continue  # a name the file system refuses
        result = run(path)
        assert result.exit_code == 0, (naughty, result.stderr)
        assert parse_text(result.stdout).errors == [], naughty


def test_docx_bytes_are_read_not_decoded_as_text(tmp_path):
    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("1、甲是什么？答：乙。")
    document.save(buffer)
    path = tmp_path / "a.txt"
    path.write_bytes(buffer.getvalue())
    result = run(path, "--json")
    assert result.exit_code == 1 and "not text in UTF-8 or GBK" in result.stderr
