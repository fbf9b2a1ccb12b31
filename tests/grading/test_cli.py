"""`quizapp grade`: the command object, run without any Flask app."""

from __future__ import annotations

import json

from click.testing import CliRunner

from quizapp.grading.cli import grade_command


def run(*args: str):
    return CliRunner().invoke(grade_command, list(args))


def test_json_output_has_exactly_the_documented_keys():
    result = run(
        "--key-point",
        "说话轻",
        "--key-point",
        "走路轻",
        "--key-point",
        "操作轻",
        "--answer",
        "走路轻，说话轻",
        "--json",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"hits", "coverage", "rating"}
    assert data["hits"] == [True, True, False]
    assert 0 <= data["coverage"] <= 1
    assert data["coverage"] == round(2 / 3, 4)
    assert data["rating"] == "hard"


def test_json_negation():
    result = run("--key-point", "以客户为中心", "--answer", "不以客户为中心", "--json")
    assert json.loads(result.output) == {"hits": [False], "coverage": 0.0, "rating": "again"}


def test_readable_summary():
    result = run("--key-point", "说话轻", "--key-point", "操作轻", "--answer", "说话轻")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "✓ 说话轻"
    assert lines[1] == "✗ 操作轻"
    assert "coverage: 1/2 (50%)" in result.output
    assert "rating: hard" in result.output


def test_key_point_and_answer_are_required():
    assert run("--answer", "x").exit_code == 2
    assert run("--key-point", "x").exit_code == 2


def test_command_name_and_help():
    assert grade_command.name == "grade"
    result = run("--help")
    assert "--key-point" in result.output and "--json" in result.output
