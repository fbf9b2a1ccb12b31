"""Items hidden for want of a company fact: the rows each process keeps of the items that
use a variable are checked against the database on every call, so a bank published,
a value set or cleared, or another database is seen at once."""

from __future__ import annotations

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from quizapp.extensions import db
from quizapp.facts import service as facts
from quizapp.models import Item
from tests.factories import T0, load_bank, make_person

BANK = """---
id: facts
title: 公司信息题库
roles: 客服前台
变量：{variables}
---

# 公司
## {{{{公司名称}}}}的服务热线是多少？
编号：hotline
答案：
- 拨打{{{{服务热线}}}}

## 本公司叫{{{{公司名称}}}}。
编号：name
答案：对
{extra}"""

EXTRA = """
## 投诉电话是多少？
编号：complaints
答案：
- {{投诉电话}}
"""


def bank(variables: str = "公司名称；服务热线", extra: str = "") -> str:
    return BANK.format(variables=variables, extra=extra)


def hidden(site_id: int | None = None) -> set[str]:
    ids = facts.hidden_for(db.session, site_id)
    return set(db.session.scalars(select(Item.key).where(Item.id.in_(ids))))


def test_a_published_bank_is_seen_at_once(app):
    load_bank(bank())
    assert hidden() == {"hotline", "name"}
    assert hidden() == {"hotline", "name"}  # kept: the same again
    # A default for 公司名称, published at the same moment: only the hotline stays hidden.
    load_bank(bank("公司名称=示例物业；服务热线"))
    assert hidden() == {"hotline"}
    # A new item with a variable nobody has a value for.
    load_bank(bank("公司名称=示例物业；服务热线；投诉电话", EXTRA))
    assert hidden() == {"hotline", "complaints"}
    # Back to the first text: its items as before (the new one retired).
    load_bank(bank())
    assert hidden() == {"hotline", "name"}


def test_a_value_set_or_cleared_is_seen_at_once(app):
    load_bank(bank())
    admin = make_person("A1", roles=("admin",))
    site = make_person("S1", site="一号项目").site_id
    assert hidden() == hidden(site) == {"hotline", "name"}
    facts.set_value(db.session, "公司名称", None, "示例物业", admin, T0)
    assert hidden() == hidden(site) == {"hotline"}
    facts.set_value(db.session, "服务热线", site, "400-000", admin, T0)
    assert hidden() == {"hotline"} and hidden(site) == set()
    facts.clear_value(db.session, "公司名称", None, admin, T0)
    assert hidden() == hidden(site) == {"hotline", "name"}


def test_each_database_keeps_its_own(app, tmp_path):
    load_bank(bank())
    assert hidden() == {"hotline", "name"}
    other = create_engine(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    try:
        db.metadata.create_all(other)
        with Session(other) as session:
            assert facts.hidden_for(session, None) == frozenset()
    finally:
        other.dispose()
    assert hidden() == {"hotline", "name"}
