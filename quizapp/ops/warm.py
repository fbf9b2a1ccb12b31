"""Warm workers: the grader's dictionaries load when a worker starts, not inside the first
typed answer (jieba's dictionary alone takes about half a second)."""

from __future__ import annotations

from ..grading import warm_up as _warm_grader


def warm_up() -> None:
    """Load jieba, OpenCC and pypinyin and grade one dummy key-point answer."""
    _warm_grader()
