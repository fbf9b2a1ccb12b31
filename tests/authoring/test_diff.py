"""The diff of a draft against the bank as it stands, computed without the database."""

from __future__ import annotations

from quizapp.authoring.diff import changed_fields, diff_banks
from quizapp.bank.parser import parse_text

from .helpers import BANK


def bank(text: str = BANK):
    result = parse_text(text)
    assert result.ok, result.errors
    return result.bank


def test_a_new_bank_is_all_added():
    diff = diff_banks(None, bank())
    assert diff.new_bank and len(diff.added) == 4 and not diff.changed and not diff.retired
    assert diff.summary()["added"] == 4 and diff.resets == 0


def test_the_same_bank_is_no_change():
    diff = diff_banks(bank(), bank())
    assert diff.empty and diff.unchanged == 4


def test_changes_name_what_changed_and_count_resets_only_for_answer_changes():
    edited = bank(
        BANK.replace("- [x] 费用\n- [ ] 时间", "- [ ] 费用\n- [x] 时间")
        .replace("- 操作轻\n", "- 操作轻\n解析：礼仪。\n标签：礼仪\n")
        .replace("## 发现火情先报警。\n编号：fire\n答案：对\n", "")
        + "\n## 新题？\n答案：错\n"
    )
    diff = diff_banks(bank(), edited, {"paid": 3, "three": 5, "fire": 2})
    changed = {c.key: c for c in diff.changed}
    assert changed["paid"].fields == ("choices",) and changed["paid"].answer_changed
    assert changed["paid"].resets == 3
    assert changed["three"].fields == ("explanation", "tags")
    assert not changed["three"].answer_changed and changed["three"].resets == 0
    assert [c.key for c in diff.retired] == ["fire"]
    assert [c.question for c in diff.added] == ["新题？"]
    assert diff.resets == 3
    assert diff.summary() == {
        "new_bank": False,
        "added": 1,
        "changed": 2,
        "answer_changed": 1,
        "retired": 1,
        "unchanged": 1,
        "resets": 3,
    }


def test_a_question_without_id_that_is_reworded_is_a_new_item():
    old = bank(BANK.replace("编号：ring\n", ""))
    new = bank(BANK.replace("编号：ring\n", "").replace("三声之内", "两声之内"))
    diff = diff_banks(old, new)
    assert len(diff.added) == 1 and len(diff.retired) == 1 and not diff.changed


def test_an_id_newly_given_keeps_the_item():
    old = bank(BANK.replace("编号：ring\n", ""))
    diff = diff_banks(old, bank())
    assert [c.fields for c in diff.changed] == [("id",)] and not diff.added and not diff.retired


def test_moving_an_item_to_another_section_and_bank_fields():
    moved = BANK.replace("## 发现火情先报警。", "# 安全\n\n## 发现火情先报警。").replace(
        "title: 客服题库", "title: 新标题"
    )
    diff = diff_banks(bank(), bank(moved))
    assert [(c.key, c.fields) for c in diff.changed] == [("fire", ("section",))]
    assert diff.bank_fields == ("title", "sections")


def test_changed_fields_of_each_answer_kind():
    three = bank().items[0]
    edited = bank(BANK.replace("- 操作轻", "- 操作要轻")).items[0]
    assert changed_fields(three, edited) == ("answer",)
    assert three.answer_hash != edited.answer_hash
