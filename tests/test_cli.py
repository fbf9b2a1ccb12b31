"""`quizapp bank check|import|export` as a trainer or `make run` uses them."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from quizapp.bank.parser import parse_file
from quizapp.extensions import db
from quizapp.models import Bank, Item
from tests.bank.test_parser import MALFORMED
from tests.conftest import DATA, REPO, database_snapshot

EXAMPLE = str(DATA / "example.md")
BANKS = sorted(str(p) for p in (REPO / "question_bank").glob("*.md"))


def test_check_a_good_file(runner):
    result = runner.invoke(args=["bank", "check", EXAMPLE])
    assert result.exit_code == 0, result.output
    assert "property-demo: 6 items in 1 sections" in result.output


def test_check_json_shape(runner):
    bad = str(DATA / "malformed" / "judge_no_verdict.md")
    result = runner.invoke(args=["bank", "check", EXAMPLE, bad, "--json"])
    assert result.exit_code == 1
    good, broken = json.loads(result.stdout)
    assert set(good) == {
        "file",
        "bank_id",
        "title",
        "items",
        "by_type",
        "sections",
        "roles",
        "variables",
        "errors",
        "warnings",
        "quality",
    }
    assert good == {
        "file": EXAMPLE,
        "bank_id": "property-demo",
        "title": "物业客服应知应会（示例）",
        "items": 6,
        "by_type": {"qa": 1, "single": 1, "multi": 1, "judge": 1, "cloze": 2},
        "sections": 1,
        "roles": ["客服前台", "贴心管家"],
        "variables": [],
        "errors": [],
        "warnings": [],
        # The example's 多选 has one wrong option: a quality warning, not an error.
        "quality": [
            {
                "line": 36,
                "item_id": None,
                "kind": "multi-wrong-options",
                "message": "多选 item has 1 wrong option(s): give it at least 2 plausible "
                "wrong options",
            }
        ],
    }
    assert broken["file"] == bad
    assert broken["errors"] == [
        {"line": 9, "message": "判断 item has no verdict: add 答案：对 or 答案：错"}
    ]


def test_check_prints_every_error_as_file_line_message(runner):
    paths = [str(DATA / "malformed" / name) for name in ("duplicate_ids.md", "unknown_type.md")]
    result = runner.invoke(args=["bank", "check", *paths])
    assert result.exit_code == 1
    assert f"{paths[0]}:14: duplicate item id 'q1' (first at line 10)" in result.stderr
    assert f"{paths[1]}:10: unknown type '论述'" in result.stderr


def test_check_of_the_shipped_banks_prints_no_warning(runner):
    result = runner.invoke(args=["bank", "check", *BANKS])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr, result.stderr
    assert result.stdout.count("; 0 warning(s)") == len(BANKS)
    assert "variables: 公司名称, 公司地址, 顾客满意率, 维修及时率" in result.stdout


def test_check_does_not_touch_the_database(runner, app):
    before = database_snapshot()
    assert runner.invoke(args=["bank", "check", EXAMPLE]).exit_code == 0
    assert database_snapshot() == before


def test_shipped_banks_have_no_errors(runner):
    names = {p.rsplit("/", 1)[-1] for p in BANKS}
    assert {"property.md", "telecom.md"} <= names
    result = runner.invoke(args=["bank", "check", *BANKS, "--json"])
    assert result.exit_code == 0, result.stdout
    for report in json.loads(result.stdout):
        assert report["errors"] == [], report["file"]
        assert report["warnings"] == [], report["file"]
        assert report["quality"] == [], (report["file"], report["quality"])
        assert report["items"] >= 1
    by_file = {r["file"].rsplit("/", 1)[-1]: r for r in json.loads(result.stdout)}
    for name in ("property.md", "telecom.md"):
        assert by_file[name]["items"] >= 12
        assert all(
            by_file[name]["by_type"][t] > 0 for t in ("qa", "single", "multi", "judge", "cloze")
        ), name


def test_import_then_import_again(runner, app):
    result = runner.invoke(args=["bank", "import", EXAMPLE])
    assert result.exit_code == 0, result.output
    assert "property-demo: created; 6 new" in result.output
    before = database_snapshot()
    again = runner.invoke(args=["bank", "import", EXAMPLE])
    assert "property-demo: unchanged (6 items)" in again.output
    assert database_snapshot() == before


def test_import_all_shipped_banks(runner, app):
    result = runner.invoke(args=["bank", "import", *BANKS])
    assert result.exit_code == 0, result.output
    expected = sum(len(parse_file(p).bank.items) for p in BANKS)
    assert db.session.scalar(select(func.count()).select_from(Item)) == expected


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_a_malformed_file_imports_nothing(runner, app, tmp_path, name):
    runner.invoke(args=["bank", "import", EXAMPLE])
    before = database_snapshot()
    bad = str(DATA / "malformed" / name)
    # With an edited good file alongside: all-or-nothing means the edit is not imported either.
    edited = tmp_path / "edited.md"
    edited.write_text(
        (DATA / "example.md").read_text(encoding="utf-8").replace("维修费用", "维修的费用"),
        encoding="utf-8",
    )
    result = runner.invoke(args=["bank", "import", str(edited), bad])
    assert result.exit_code == 1
    line, fragment = MALFORMED[name][0]
    assert f"{bad}:{line}: " in result.stderr and fragment in result.stderr
    assert "nothing was imported" in result.stderr
    assert database_snapshot() == before


def test_good_file_with_bad_file_imports_neither(runner, app):
    bad = str(DATA / "malformed" / "cloze_no_blank.md")
    result = runner.invoke(args=["bank", "import", EXAMPLE, bad])
    assert result.exit_code == 1
    assert db.session.scalar(select(func.count()).select_from(Bank)) == 0


def test_two_files_claiming_one_bank_id_import_nothing(runner, app, tmp_path):
    copy = tmp_path / "copy.md"
    copy.write_text((DATA / "example.md").read_text(encoding="utf-8"), encoding="utf-8")
    result = runner.invoke(args=["bank", "import", EXAMPLE, str(copy)])
    assert result.exit_code == 1
    assert "bank id 'property-demo' is also used by" in result.stderr
    assert db.session.scalar(select(func.count()).select_from(Bank)) == 0


def test_export_to_stdout_and_file_round_trips(runner, app, tmp_path):
    runner.invoke(args=["bank", "import", EXAMPLE])
    stdout = runner.invoke(args=["bank", "export", "property-demo"])
    assert stdout.exit_code == 0
    out = tmp_path / "out.md"
    result = runner.invoke(args=["bank", "export", "property-demo", "-o", str(out)])
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8") == stdout.stdout
    assert parse_file(out).bank == parse_file(EXAMPLE).bank
    before = database_snapshot()
    assert "unchanged" in runner.invoke(args=["bank", "import", str(out)]).output
    assert database_snapshot() == before


def test_export_of_an_unknown_bank(runner, app):
    runner.invoke(args=["bank", "import", EXAMPLE])
    result = runner.invoke(args=["bank", "export", "nope"])
    assert result.exit_code == 1
    assert "no bank 'nope' (imported banks: property-demo)" in result.stderr
