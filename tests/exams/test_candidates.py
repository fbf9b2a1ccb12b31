"""The live items exams draw from, kept per process: an import is seen at once."""

from __future__ import annotations

from quizapp.exams.candidates import live_items
from quizapp.exams.taking import start_attempt
from quizapp.extensions import db
from tests.exams import ONE_HOUR, T0, item_id, make_exam, setup_hire
from tests.factories import STUDY_BANK, load_bank

PAID = """## 有偿维修前须讲明什么？
编号：paid
- [ ] 人员
- [x] 费用
- [ ] 时间

"""
WITHOUT_PAID = STUDY_BANK.replace(PAID, "")
MOVED_SECTION = STUDY_BANK.replace("# 营业厅\n", "# 营业厅前台\n")


def _ids() -> list[int]:
    return [row.item_id for row in live_items(db.session)]


def test_every_live_item_in_drawing_order(app):
    setup_hire()
    keys = ["three", "paid", "weekly", "ring", "ring-cloze", "fire", "telecom-only"]
    assert _ids() == [item_id(key) for key in keys]
    # Read again without an import: the same rows, not read again.
    assert live_items(db.session) is live_items(db.session)


def test_an_import_that_retires_an_item_is_seen_at_once(app):
    setup_hire()
    paid = item_id("paid")
    assert paid in _ids()
    load_bank(WITHOUT_PAID, now=T0 + ONE_HOUR)
    assert paid not in _ids()
    load_bank(now=T0 + 2 * ONE_HOUR)  # back again
    assert paid in _ids()


def test_a_retired_section_takes_its_items_along(app):
    setup_hire()
    telecom = item_id("telecom-only")
    load_bank(MOVED_SECTION, now=T0 + ONE_HOUR)
    # The item moved to a new section: still live, under that section.
    rows = {row.item_id: row for row in live_items(db.session)}
    assert rows[telecom].section_id != rows[item_id("three")].section_id
    load_bank(STUDY_BANK.split("# 营业厅")[0], now=T0 + 2 * ONE_HOUR)
    assert telecom not in _ids()


def test_a_paper_drawn_after_an_import_skips_the_item_it_retired(app):
    hire = setup_hire()
    exam = make_exam(fixed=("paid", "weekly", "ring"))
    first = start_attempt(db.session, hire, exam.id, T0)
    assert [a.item_id for a in first.answers] == [item_id(k) for k in ("paid", "weekly", "ring")]
    load_bank(WITHOUT_PAID, now=T0 + ONE_HOUR)
    other = setup_hire("E2")
    second = start_attempt(db.session, other, exam.id, T0 + ONE_HOUR)
    assert [a.item_id for a in second.answers] == [item_id(k) for k in ("weekly", "ring")]
