"""`quizapp grade --item`: the app's own grading of a stored item, from the command line."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Item
from quizapp.questions import question_type
from quizapp.study.items import ItemView
from tests.conftest import REPO

PROPERTY = str(REPO / "question_bank" / "property.md")


@pytest.fixture
def banks(runner):
    result = runner.invoke(args=["bank", "import", PROPERTY])
    assert result.exit_code == 0, result.output


def item_id(key: str) -> int:
    return db.session.scalar(select(Item.id).where(Item.key == key))


def grade(runner, *args: str):
    return runner.invoke(args=["grade", *args])


def test_item_json_has_the_documented_keys_and_applies_the_red_line(runner, banks):
    ident = item_id("prop-complaint-flow")
    answer = "客服部接到投诉，把信息传给管家，管家联系相关部门处理，24小时内回复前台，受理人回访"
    result = grade(runner, "--item", str(ident), "--answer", answer, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {
        "item",
        "type",
        "correct",
        "rating",
        "hits",
        "coverage",
        "contradicted",
        "red_line",
    }
    assert data["item"] == ident and data["type"] == "qa" and data["red_line"] is True
    assert data["hits"] == [True, True, True, False, True]
    assert data["contradicted"] == [False, False, False, True, False]
    assert data["coverage"] == 0.8
    assert data["rating"] == "again" and data["correct"] is False


def test_item_grades_exactly_as_the_question_type_does(runner, banks):
    ident = item_id("prop-tip-emergency")
    answer = "赶紧想办法减少客户损失，要冷静，马上报告领导请求帮忙"
    result = grade(runner, "--item", str(ident), "--answer", answer, "--json")
    data = json.loads(result.output)
    view = ItemView.of(db.session.get(Item, ident))
    graded = question_type("qa").grade(view, {"text": answer}, None)
    assert data["hits"] == graded.hits
    assert data["rating"] == graded.rating.word
    assert data["correct"] == graded.correct


def test_item_uses_the_items_synonyms_and_question(runner, banks):
    # 四小时 is an item synonym of 4个小时; the key-point form knows nothing of it.
    ident = item_id("prop-complaint-flow")
    answer = "管家四小时内回复前台"
    data = json.loads(grade(runner, "--item", str(ident), "--answer", answer, "--json").output)
    assert data["hits"][3] is True


def test_item_readable_summary(runner, banks):
    ident = item_id("prop-fee-public-utility")
    result = grade(runner, "--item", str(ident), "--answer", "物业费包括公共水电费的分摊")
    assert result.exit_code == 0, result.output
    assert "✗ 物业费不包括公共水电费的分摊 (contradicted: negation)" in result.output
    assert "red line" in result.output
    assert "rating: again" in result.output
    assert "correct: no" in result.output


def test_objective_item_through_its_type(runner, banks):
    ident = db.session.scalar(select(Item.id).where(Item.type == "judge"))
    view = ItemView.of(db.session.get(Item, ident))
    word = "对" if view.verdict else "错"
    data = json.loads(grade(runner, "--item", str(ident), "--answer", word, "--json").output)
    assert data["type"] == "judge" and data["correct"] is True
    assert data["hits"] == [] and data["contradicted"] == []


def test_unknown_item(runner, banks):
    result = grade(runner, "--item", "999999", "--answer", "x")
    assert result.exit_code != 0
    assert "no item 999999" in result.output


def test_item_and_key_point_are_exclusive(runner):
    result = grade(runner, "--item", "1", "--key-point", "x", "--answer", "x")
    assert result.exit_code == 2
    assert "not both" in result.output
    result = grade(runner, "--answer", "x")
    assert result.exit_code == 2
    assert "--key-point" in result.output
