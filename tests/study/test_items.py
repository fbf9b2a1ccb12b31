"""The per-process cache of item views: a hit needs no reload, any edit is seen at once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event, select

from quizapp.extensions import db
from quizapp.models import Item
from quizapp.study import items
from tests.factories import STUDY_BANK as BANK
from tests.factories import T0, load_bank


def item_id(key: str) -> int:
    return db.session.scalar(select(Item.id).where(Item.key == key))


def statements_during(function) -> list[str]:
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        function()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def test_a_view_holds_what_the_pages_and_grading_read(app):
    load_bank()
    view = items.load_item(db.session, item_id("weekly"))
    assert view.type == "multi" and view.question == "哪些属于每周工作？"
    assert [(c.text, c.correct) for c in view.choices] == [
        ("回访", True),
        ("跟进投诉", True),
        ("发放征询表", False),
    ]
    three = items.load_item(db.session, item_id("three"))
    assert [kp.text for kp in three.key_points] == ["说话轻", "走路轻", "操作轻"]
    assert items.load_item(db.session, 10**9) is None


def test_a_second_load_is_one_small_read(app):
    load_bank()
    items.clear()
    paid = item_id("paid")
    first = items.load_item(db.session, paid)
    selects = statements_during(lambda: items.load_item(db.session, paid))
    assert items.load_item(db.session, paid) is first
    assert len([s for s in selects if s.lstrip().upper().startswith("SELECT")]) == 1


def test_an_edited_item_or_bank_is_read_again(app):
    load_bank()
    before = items.load_item(db.session, item_id("three"))
    load_bank(BANK.replace("- 操作轻", "- 操作轻\n- 表情轻"), now=T0 + timedelta(days=1))
    after = items.load_item(db.session, item_id("three"))
    assert [kp.text for kp in after.key_points] == ["说话轻", "走路轻", "操作轻", "表情轻"]
    assert after.version == before.version + 1
    # Bank-wide synonyms change no item, but grading uses them: the view is read again.
    with_synonyms = BANK.replace("roles: 客服前台\n", "roles: 客服前台\nsynonyms: 业主=住户\n")
    load_bank(with_synonyms, now=T0 + timedelta(days=2))
    assert items.load_item(db.session, item_id("paid")).bank_synonyms != []


def test_several_items_load_in_one_read_of_their_content_keys(app):
    load_bank()
    items.clear()
    wanted = [item_id("weekly"), item_id("three"), item_id("paid")]
    first = items.load_items(db.session, wanted)
    assert {i: v.question for i, v in first.items()} == {
        i: items.load_item(db.session, i).question for i in wanted
    }
    selects = statements_during(lambda: items.load_items(db.session, [*wanted, 10**9]))
    assert len([s for s in selects if s.lstrip().upper().startswith("SELECT")]) == 1
    again = items.load_items(db.session, [*wanted, 10**9])
    assert sorted(again) == sorted(wanted)  # an item that does not exist is absent
    assert all(again[i] is first[i] for i in wanted)
    # A re-import with a changed item is read again, as with load_item.
    load_bank(BANK.replace("- 操作轻", "- 操作轻\n- 表情轻"), now=T0 + timedelta(days=1))
    changed = items.load_items(db.session, wanted)[item_id("three")]
    assert [kp.text for kp in changed.key_points] == ["说话轻", "走路轻", "操作轻", "表情轻"]
