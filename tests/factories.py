"""Plain builders for test data."""

from __future__ import annotations

BANK_HEADER = """---
id: {bank_id}
title: {title}
version: 1
roles: 客服前台、贴心管家
---
"""


def bank_text(body: str, bank_id: str = "sample", title: str = "示例题库") -> str:
    """A bank file: front matter with default roles, then `body` (sections and items)."""
    return BANK_HEADER.format(bank_id=bank_id, title=title) + "\n" + body


def write_bank(tmp_path, body: str, name: str = "bank.md", **kwargs) -> str:
    path = tmp_path / name
    path.write_text(bank_text(body, **kwargs), encoding="utf-8")
    return str(path)
