"""Editing one item through its form: validated by the bank parser, errors at the field,
a valid edit becomes a draft that publishes a new version of the item."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from quizapp.authoring.item_form import ItemInput, OptionInput, edit_item, item_input
from quizapp.bank.parser import parse_text
from quizapp.extensions import db
from quizapp.models import Bank, Employee, Item
from tests.conftest import database_snapshot
from tests.factories import login, make_person

from .helpers import BANK, draft_id, drafts, publish, token


@pytest.fixture
def owner(app, client):
    from tests.factories import load_bank

    make_person("T1", roles=("trainer",))
    load_bank(BANK)
    bank = db.session.scalar(select(Bank))
    bank.owner_id = db.session.scalar(select(Employee.id).where(Employee.employee_no == "T1"))
    db.session.commit()
    login(client, "T1")
    return client


def item(key: str) -> Item:
    return db.session.scalar(select(Item).where(Item.key == key))


def form_data(client, key: str, **changes) -> dict:
    """The form as the page fills it, with some fields changed."""
    page = client.get(f"/authoring/items/{item(key).id}/edit").get_data(as_text=True)
    assert "检查并生成草稿" in page
    data = {"csrf_token": token(client, f"/authoring/items/{item(key).id}/edit")}
    model_item = parse_text(BANK).bank.items[[i.id for i in parse_text(BANK).bank.items].index(key)]
    values = item_input(model_item)
    data |= {
        "question": values.question,
        "answer": values.answer,
        "explanation": values.explanation,
        "tags": values.tags,
        "synonyms": values.synonyms,
    }
    if values.red_line:
        data["red_line"] = "y"
    if values.verdict is not None:
        data["verdict"] = "true" if values.verdict else "false"
    for n, option in enumerate(values.options):
        data[f"options-{n}-text"] = option.text
        if option.correct:
            data[f"options-{n}-correct"] = "y"
    data |= changes
    return data


def post(client, key: str, data: dict):
    return client.post(f"/authoring/items/{item(key).id}/edit", data=data)


def test_the_form_shows_the_fields_of_the_items_type(owner):
    page = owner.get(f"/authoring/items/{item('paid').id}/edit").get_data(as_text=True)
    assert 'name="options-1-text"' in page and 'value="费用"' in page
    assert 'name="options-1-correct"' in page and 'name="verdict"' not in page
    page = owner.get(f"/authoring/items/{item('ring').id}/edit").get_data(as_text=True)
    assert 'name="verdict"' in page and 'name="options-0-text"' not in page
    page = owner.get(f"/authoring/items/{item('three').id}/edit").get_data(as_text=True)
    assert 'name="answer"' in page and "- 说话轻" in page


def test_a_valid_edit_makes_a_draft_that_publishes_a_new_version(owner):
    data = form_data(owner, "paid", **{"options-2-correct": "y"})
    data.pop("options-1-correct")
    response = post(owner, "paid", data)
    assert response.status_code == 302
    draft = draft_id(response)
    assert drafts()[0].kind == "edit"
    page = owner.get(f"/authoring/drafts/{draft}").get_data(as_text=True)
    assert "修改 1 题" in page and "正确答案变了" in page
    assert publish(owner, draft).status_code == 302
    row = item("paid")
    assert row.version == 2 and [c.correct for c in row.choices] == [False, False, True]
    assert item("three").version == 1


def test_an_option_can_be_added_in_a_blank_row(owner):
    response = post(owner, "paid", form_data(owner, "paid", **{"options-3-text": "地点"}))
    publish(owner, draft_id(response))
    assert [c.text for c in item("paid").choices] == ["人员", "费用", "时间", "地点"]


@pytest.mark.parametrize(
    ("key", "changes", "removed", "field_text"),
    [
        # A 单选 with two right options: the parser's error, under the options.
        ("paid", {"options-0-correct": "y"}, (), "options"),
        # A synonym group of one word.
        ("three", {"synonyms": "业主"}, (), "synonyms"),
        # A 判断 with no verdict.
        ("ring", {}, ("verdict",), "verdict"),
        # No question at all.
        ("three", {"question": ""}, (), "question"),
    ],
)
def test_invalid_input_is_shown_at_its_field_and_changes_nothing(
    owner, key, changes, removed, field_text
):
    data = form_data(owner, key, **changes)
    for name in removed:
        data.pop(name, None)
    before = database_snapshot()
    response = post(owner, key, data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    # The error sits in the field's own block of the form.
    block = re.search(
        rf'<(?:div|fieldset) class="field[^"]*has-error[^"]*">(?:(?!</(?:div|fieldset)>).)*?'
        rf'{field_text}.*?class="error"',
        page,
        re.S,
    )
    assert block, page[page.find("<form") :][:3000]
    assert database_snapshot() == before


def test_an_unchanged_item_makes_no_draft(owner):
    response = post(owner, "ring", form_data(owner, "ring"))
    assert response.status_code == 200 and "没有修改任何内容" in response.get_data(as_text=True)
    assert drafts() == []


def test_errors_map_to_fields_in_the_pure_function():
    bank = parse_text(BANK).bank
    outcome = edit_item(
        bank, "paid", ItemInput("有偿维修前须讲明什么？", options=(OptionInput("费用", False),))
    )
    assert list(outcome.errors) == ["options"] and not outcome.ok
    outcome = edit_item(bank, "three", ItemInput("三轻指什么？", answer="- 说话轻\n- 走路轻"))
    assert outcome.ok and outcome.item.key_points == ("说话轻", "走路轻")
    assert parse_text(outcome.text).bank.items[0].answer == "- 说话轻\n- 走路轻"


def test_structure_typed_into_a_field_stays_in_that_field():
    bank = parse_text(BANK).bank
    sneaky = "第一行\n## 不是新题\n类型：判断\n答案：错"
    outcome = edit_item(bank, "three", ItemInput(sneaky, answer="- 说话轻", explanation=sneaky))
    assert outcome.ok, outcome.errors
    reparsed = parse_text(outcome.text).bank
    assert len(reparsed.items) == 4
    assert reparsed.items[0].question == sneaky and reparsed.items[0].explanation == sneaky


def test_a_cloze_item_is_edited_through_its_markup(owner):
    from tests.factories import load_bank

    load_bank(
        BANK.replace("id: service", "id: cloze") + "\n## 电话铃响{{三|3}}声之内接听。\n编号：c1\n"
    )
    bank = db.session.scalar(select(Bank).where(Bank.slug == "cloze"))
    bank.owner_id = db.session.scalar(select(Employee.id).where(Employee.employee_no == "T1"))
    db.session.commit()
    row = db.session.scalar(select(Item).where(Item.bank_id == bank.id, Item.key == "c1"))
    path = f"/authoring/items/{row.id}/edit"
    page = owner.get(path).get_data(as_text=True)
    assert "{{答案}}" in page and "{{三|3}}" in page
    data = {"csrf_token": token(owner, path), "question": "电话铃响{{三|3|叁}}声之内接听。"}
    response = owner.post(path, data=data)
    assert response.status_code == 302
    publish(owner, draft_id(response))
    db.session.refresh(row)
    assert row.blanks == [["三", "3", "叁"]] and row.version == 2
    # Markup that is not a blank is the parser's error, shown under the question.
    data["question"] = "电话铃响声之内接听。"
    response = owner.post(path, data=data)
    assert response.status_code == 422
    assert re.search(r'has-error">\s*<label for="question"', response.get_data(as_text=True))
