"""Shared helpers for the authoring tests: a trainer logged in, uploads, form tokens."""

from __future__ import annotations

import io
import re

from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import BankDraft
from tests.factories import csrf_token

BANK = """---
id: service
title: 客服题库
roles: 客服前台
---

# 基础
岗位：客服前台

## 三轻指什么？
编号：three
类型：问答
答案：
- 说话轻
- 走路轻
- 操作轻

## 有偿维修前须讲明什么？
编号：paid
- [ ] 人员
- [x] 费用
- [ ] 时间

## 电话铃响三声之内必须接听。
编号：ring
答案：对

## 发现火情先报警。
编号：fire
答案：对
"""


def token(client, path: str = "/authoring/") -> str:
    return csrf_token(client, path)


def upload_text(client, text: str, follow: bool = False):
    """Paste bank Markdown into the upload form."""
    return client.post(
        "/authoring/upload",
        data={"text": text, "csrf_token": token(client)},
        follow_redirects=follow,
    )


def upload_file(client, data: bytes, filename: str = "bank.md"):
    return client.post(
        "/authoring/upload",
        data={"file": (io.BytesIO(data), filename), "csrf_token": token(client)},
        content_type="multipart/form-data",
    )


def draft_id(response) -> int:
    match = re.search(r"/authoring/drafts/(\d+)$", response.headers["Location"])
    assert match, response.headers.get("Location")
    return int(match.group(1))


def publish(client, draft: int, follow: bool = False):
    return client.post(
        f"/authoring/drafts/{draft}/publish",
        data={"csrf_token": token(client, f"/authoring/drafts/{draft}")},
        follow_redirects=follow,
    )


def drafts() -> list[BankDraft]:
    return list(db.session.scalars(select(BankDraft).order_by(BankDraft.id)))
