"""Importing banks: idempotence, versions on edit, retirement, identity across edits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from quizapp.bank.export import export_bank
from quizapp.bank.loader import BankImportError, import_banks, load_bank
from quizapp.bank.parser import parse_text
from quizapp.extensions import db
from quizapp.models import Bank, Item, ItemVersion, JobRole, Section
from tests.conftest import database_snapshot
from tests.factories import bank_text

T0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)

BODY = """# 报修处理
岗位：贴心管家、客服前台

## 一、业主来电报修，怎样处理？
编号：repair-flow
答案：
1. 值班人员登记
2. 开出维修单交工程部
解析：报修是闭环。

## 二、有偿维修前须讲明什么？
编号：paid-repair
- [ ] 人员
- [x] 费用

# 接听电话

## 电话铃响{{三|3}}声之内必须接听。

## 接听电话时可以让对方久等。
答案：错
"""


def load(text: str, now: datetime = T0, path: str = "bank.md"):
    result = parse_text(text)
    assert result.errors == [], result.errors
    reports = import_banks(db.session, [(result.bank, path)], now=now)
    db.session.commit()
    return reports[0]


def items_by_key() -> dict[str, Item]:
    return {item.key: item for item in db.session.scalars(select(Item))}


def test_first_import_creates_everything(app):
    report = load(bank_text(BODY))
    assert (report.created_bank, report.new) == (True, 4)
    bank = db.session.scalar(select(Bank))
    assert (bank.slug, bank.title) == ("sample", "示例题库")
    assert [s.title for s in bank.sections] == ["报修处理", "接听电话"]
    # Roles keep the order the file gives them.
    assert [r.name for r in bank.sections[0].roles] == ["贴心管家", "客服前台"]
    assert set(db.session.scalars(select(JobRole.name))) == {"客服前台", "贴心管家"}
    item = items_by_key()["repair-flow"]
    assert (item.type, item.version, item.explicit_id) == ("qa", 1, True)
    assert [kp.text for kp in item.key_points] == ["值班人员登记", "开出维修单交工程部"]
    paid = items_by_key()["paid-repair"]
    assert [(c.text, c.correct) for c in paid.choices] == [("人员", False), ("费用", True)]
    assert db.session.scalar(select(func.count()).select_from(ItemVersion)) == 4


def test_importing_the_same_file_again_changes_nothing(app):
    load(bank_text(BODY))
    before = database_snapshot()
    report = load(bank_text(BODY), now=T0 + timedelta(days=1))
    assert report.unchanged_bank and report.unchanged == 4
    assert database_snapshot() == before


def test_same_content_with_other_line_ends_and_numbering_changes_nothing(app):
    load(bank_text(BODY))
    before = database_snapshot()
    renumbered = BODY.replace("## 一、", "## 1. ").replace("## 二、", "## （2）")
    load("\ufeff" + bank_text(renumbered).replace("\n", "\r\n"), now=T0 + timedelta(days=1))
    assert database_snapshot() == before


def test_an_edited_item_keeps_its_identity_and_gets_a_new_version(app):
    load(bank_text(BODY))
    original = items_by_key()
    edited = BODY.replace("2. 开出维修单交工程部", "2. 开出维修单交工程部\n3. 前台回访")
    report = load(bank_text(edited), now=T0 + timedelta(days=1))
    assert (report.updated, report.unchanged, report.new, report.retired) == (1, 3, 0, 0)
    after = items_by_key()
    assert {k: i.id for k, i in after.items()} == {k: i.id for k, i in original.items()}
    item = after["repair-flow"]
    assert item.version == 2
    assert item.updated_at == T0 + timedelta(days=1)
    assert [kp.text for kp in item.key_points] == ["值班人员登记", "开出维修单交工程部", "前台回访"]
    assert [v.version for v in item.versions] == [1, 2]
    assert item.versions[0].content["key_points"] == ["值班人员登记", "开出维修单交工程部"]
    # The answer changed, so learners will have to relearn it.
    assert report.answer_changed == [item.id]
    assert after["paid-repair"].version == 1


def test_editing_only_the_explanation_is_a_new_version_but_not_a_new_answer(app):
    load(bank_text(BODY))
    report = load(bank_text(BODY.replace("报修是闭环。", "报修从登记到回访是闭环。")))
    assert report.updated == 1
    assert report.answer_changed == []


def test_removed_items_are_retired_not_deleted_and_come_back(app):
    load(bank_text(BODY))
    paid_id = items_by_key()["paid-repair"].id
    without = BODY.replace(
        "## 二、有偿维修前须讲明什么？\n编号：paid-repair\n- [ ] 人员\n- [x] 费用\n", ""
    )
    report = load(bank_text(without), now=T0 + timedelta(days=1))
    assert report.retired == 1
    paid = db.session.get(Item, paid_id)
    assert paid is not None and paid.retired_at == T0 + timedelta(days=1)
    assert "paid-repair" not in {i.id for i in load_bank(db.session, "sample").items}

    report = load(bank_text(BODY), now=T0 + timedelta(days=2))
    assert report.restored == 1
    assert items_by_key()["paid-repair"].id == paid_id
    assert db.session.get(Item, paid_id).retired_at is None


def test_a_removed_section_is_retired(app):
    load(bank_text(BODY))
    only_first = BODY.split("# 接听电话")[0]
    load(bank_text(only_first), now=T0 + timedelta(days=1))
    retired = db.session.scalar(select(Section).where(Section.title == "接听电话"))
    assert retired.retired_at == T0 + timedelta(days=1)
    assert [s.title for s in load_bank(db.session, "sample").sections] == ["报修处理"]


def test_giving_an_id_to_an_item_keeps_its_identity(app):
    load(bank_text(BODY))
    judge = next(i for i in items_by_key().values() if i.type == "judge")
    with_id = BODY.replace(
        "## 接听电话时可以让对方久等。\n", "## 接听电话时可以让对方久等。\n编号：phone-wait\n"
    )
    report = load(bank_text(with_id))
    assert report.new == 0
    assert items_by_key()["phone-wait"].id == judge.id


def test_an_item_moved_to_another_section_keeps_its_identity(app):
    load(bank_text(BODY))
    before = items_by_key()["paid-repair"].id
    moved = BODY.replace(
        "## 二、有偿维修前须讲明什么？\n编号：paid-repair\n- [ ] 人员\n- [x] 费用\n", ""
    )
    moved += "\n## 有偿维修前须讲明什么？\n编号：paid-repair\n- [ ] 人员\n- [x] 费用\n"
    load(bank_text(moved))
    item = items_by_key()["paid-repair"]
    assert item.id == before and item.section.title == "接听电话" and item.version == 1


def test_two_files_with_one_bank_id_import_nothing(app):
    first = parse_text(bank_text(BODY)).bank
    with pytest.raises(BankImportError, match="also used by a.md"):
        import_banks(db.session, [(first, "a.md"), (first, "b.md")], now=T0)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Bank)) == 0


def test_export_from_the_database_round_trips(app):
    parsed = parse_text(bank_text(BODY)).bank
    load(bank_text(BODY))
    stored = load_bank(db.session, "sample")
    assert stored == parsed
    before = database_snapshot()
    load(export_bank(stored), now=T0 + timedelta(days=3))
    assert database_snapshot() == before
