"""The grading package stays pure and owns its outside libraries."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "quizapp"
OWNED = {"jieba", "rapidfuzz", "opencc", "pypinyin"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_grading_imports_no_flask_and_no_database():
    for path in (PACKAGE / "grading").glob("*.py"):
        if path.name == "cli.py":
            assert "flask" not in imported_modules(path)
            continue
        assert not imported_modules(path) & {"flask", "sqlalchemy", "flask_sqlalchemy"}, path


def test_only_grading_imports_the_text_libraries():
    for path in PACKAGE.rglob("*.py"):
        if "grading" in path.relative_to(PACKAGE).parts:
            continue
        assert not imported_modules(path) & OWNED, path


def test_warm_up_is_silent_and_warning_free():
    # A fresh interpreter with every warning an error: jieba's import (pkg_resources) and
    # its "Building prefix dict" log lines must not leak out.
    code = (
        "from quizapp.grading import warm_up, grade_key_points\n"
        "warm_up()\n"
        "print(grade_key_points(['服务理念'], '服務禮念').hits)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-W", "error", "-c", code],
        capture_output=True,
        text=True,
        cwd=PACKAGE.parent,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "(True,)"
    assert proc.stderr == ""


def test_dictionaries_load_once():
    from quizapp.grading import segment, warm_up

    warm_up()
    first = segment.tokenizer()
    warm_up()
    assert segment.tokenizer() is first
