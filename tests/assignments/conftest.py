"""The assignment tests' world: the study bank plus a second bank (no job role, tagged
items), two trainers with a trainee each, HR, and hires of two job roles at two sites."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Bank, Item, MemoryState, Section
from quizapp.srs import REVIEW
from tests.factories import T0, load_bank, make_person

EXTRA_BANK = """---
id: extra
title: 消防专项
roles: 无此岗位
---

# 消防
岗位：无此岗位

## 灭火器压力表指针应在哪个区？
编号：gauge
标签：消防、器材
答案：绿区

## 消防通道可以堆放杂物。
编号：corridor
标签：消防
答案：错

## 每月检查一次应急灯。
编号：lamp
答案：对
"""

TODAY = T0.date()


@pytest.fixture
def world(app):
    load_bank()
    load_bank(EXTRA_BANK)
    people = {
        "T1": make_person("T1", roles=("trainer",)),
        "T2": make_person("T2", roles=("trainer",)),
        "H1": make_person("H1", roles=("hr",)),
        "E1": make_person("E1", job_role="客服前台", site="一期", trainer="T1"),
        "E2": make_person("E2", job_role="客服前台", site="二期", trainer="T2"),
        "E3": make_person("E3", job_role="营业厅营业员", site="一期", trainer="T1"),
    }
    return people


def bank_id(slug: str) -> int:
    return db.session.scalar(select(Bank.id).where(Bank.slug == slug))


def section_id(title: str) -> int:
    return db.session.scalar(select(Section.id).where(Section.title == title))


def item_id(key: str) -> int:
    return db.session.scalar(select(Item.id).where(Item.key == key))


def remember(person, keys, *, stability=400.0, rating=3, days_ago=1) -> None:
    """Memory states as if the person had answered these items (committed)."""
    for key in keys:
        last = T0 - timedelta(days=days_ago)
        db.session.add(
            MemoryState(
                employee_id=person.id,
                item_id=item_id(key),
                state=REVIEW,
                step=None,
                stability=stability,
                difficulty=5.0,
                due=T0 + timedelta(days=300),
                last_review=last,
                reps=3,
                last_rating=rating,
            )
        )
    db.session.commit()


def days(n: int) -> date:
    return TODAY + timedelta(days=n)
