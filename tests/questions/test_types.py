"""The question-type registry: each type reads its answer from a form, grades it, and
names the partial that shows it; nothing else needs to know the type's name."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from flask import render_template
from jinja2 import ChoiceLoader, DictLoader
from werkzeug.datastructures import MultiDict

from quizapp.bank.model import ITEM_TYPES, Choice
from quizapp.questions import QUESTION_TYPES, AnswerError, Graded, QuestionType, question_type
from quizapp.srs import Rating


@dataclass(frozen=True)
class KeyPoint:
    text: str


@dataclass(frozen=True)
class FakeItem:
    type: str
    question: str = "问题"
    answer: str = ""
    verdict: bool | None = None
    blanks: list = field(default_factory=list)
    synonyms: list = field(default_factory=list)
    bank_synonyms: list = field(default_factory=list)
    choices: tuple = ()
    key_points: tuple = ()
    red_line: bool = False


SINGLE = FakeItem("single", choices=(Choice("人员", False), Choice("费用", True)))
MULTI = FakeItem("multi", choices=(Choice("回访", True), Choice("跟进", True), Choice("喂", False)))
JUDGE = FakeItem("judge", verdict=True)
CLOZE = FakeItem("cloze", question="铃响{{三|3}}声内接听", blanks=[["三", "3"]])
QA = FakeItem(
    "qa", answer="- 说话轻\n- 走路轻", key_points=(KeyPoint("说话轻"), KeyPoint("走路轻"))
)


def graded(item: FakeItem, form: dict, response_ms: int | None = 1_000) -> Graded:
    kind = question_type(item.type)
    return kind.grade(item, kind.read_form(MultiDict(form), item), response_ms)


def test_every_item_type_of_the_bank_format_is_registered_once():
    assert set(QUESTION_TYPES) == set(ITEM_TYPES)
    assert all(kind.name == name for name, kind in QUESTION_TYPES.items())
    assert len({kind.partial for kind in QUESTION_TYPES.values()}) == 4  # 单选/多选 share one


def test_each_partial_defines_card_feedback_and_entry(app):
    for kind in QUESTION_TYPES.values():
        module = app.jinja_env.get_template(kind.partial).module
        for macro in ("card", "feedback", "entry"):
            assert callable(getattr(module, macro)), (kind.name, macro)


def test_objective_types_read_and_grade_their_forms():
    assert graded(SINGLE, {"choice": "1"}).correct
    assert graded(SINGLE, {"choice": ["1", "0"]}).detail["selected"] == [0]  # one for single
    assert graded(MULTI, {"choice": ["0", "1"]}).rating is Rating.EASY
    assert not graded(MULTI, {"choice": ["0", "1", "2"]}).correct
    assert graded(JUDGE, {"verdict": "true"}).correct
    assert graded(JUDGE, {"verdict": "false"}).rating is Rating.AGAIN
    assert not graded(JUDGE, {}).correct  # no verdict given is a wrong answer
    assert graded(CLOZE, {"blank": "３"}).correct


def test_tampered_choice_values_are_ignored_or_refused():
    # "²" is a digit to str.isdigit() but no number to int(): never a crash.
    assert graded(MULTI, {"choice": ["²", "x", "1"]}).detail["selected"] == [1]
    with pytest.raises(AnswerError):
        graded(SINGLE, {"choice": "7"})
    with pytest.raises(AnswerError):
        question_type("single").grade(SINGLE, {"choices": ["a"]}, None)
    with pytest.raises(AnswerError):
        question_type("judge").grade(JUDGE, {"verdict": "yes"}, None)


def test_time_limits_per_type_follow_difficulty():
    order = ["judge", "single", "multi"]
    fast = [question_type(name).time_limits.fast_ms for name in order]
    slow = [question_type(name).time_limits.slow_ms for name in order]
    assert fast == sorted(fast) and slow == sorted(slow)
    assert question_type("qa").time_limits is None  # typing speed says little about recall


def test_a_cloze_items_limits_scale_with_its_blanks():
    limits = question_type("cloze").time_limits
    two = FakeItem("cloze", blanks=[["三"], ["四"]])
    answer = {"blanks": ["三", "四"]}
    assert question_type("cloze").grade(two, answer, limits.fast_ms * 2).rating is Rating.EASY
    assert question_type("cloze").grade(CLOZE, {"blanks": ["三"]}, limits.fast_ms * 2).rating == (
        Rating.GOOD
    )


def test_free_text_typed_and_self_rated_share_one_pass_rule():
    typed = graded(QA, {"text": "说话要轻"})
    assert typed.hits == [True, False] and typed.rating is Rating.HARD
    assert typed.proposed is Rating.HARD and typed.correct  # Hard is remembered
    assert not graded(QA, {"text": "不知道"}).correct
    assert graded(QA, {"text": "说话轻，走路轻"}).correct
    hard = graded(QA, {"self_rating": "hard", "text": "ignored"})
    assert hard.rating is Rating.HARD and hard.correct and hard.proposed is None
    assert not graded(QA, {"self_rating": "again"}).correct
    assert graded(QA, {"self_rating": "good"}).correct
    # A word that is no rating is read as typed text, never as a rating.
    assert graded(QA, {"self_rating": "perfect", "text": "说话轻"}).proposed is not None
    with pytest.raises(AnswerError):
        question_type("qa").grade(QA, {"self_rating": "perfect"}, None)


def test_free_text_applies_the_red_line_rule():
    points = (KeyPoint("贴心管家4个小时内回复前台"), KeyPoint("受理人做回访"),
              KeyPoint("客户服务部接到投诉"), KeyPoint("把信息传送给贴心管家"))  # fmt: skip
    answer = {"text": "客服部接到投诉，把信息传给管家，管家24小时内回复前台，受理人做回访"}
    plain = FakeItem("qa", key_points=points)
    red = FakeItem("qa", key_points=points, red_line=True)
    relaxed = question_type("qa").grade(plain, answer, None)
    assert relaxed.hits == [False, True, True, True] and relaxed.correct
    strict = question_type("qa").grade(red, answer, None)
    assert strict.hits == relaxed.hits
    assert strict.rating is Rating.AGAIN and not strict.correct
    assert strict.detail["contradicted"] == [True, False, False, False]
    assert strict.detail["red_line"] is True


def test_typed_text_is_cut_to_its_limit():
    answer = question_type("qa").read_form(MultiDict({"text": "轻" * 5000}), QA)
    assert len(answer["text"]) == 2000
    blanks = question_type("cloze").read_form(MultiDict({"blank": ["三" * 500, "多余"]}), CLOZE)
    assert blanks == {"blanks": ["三" * 200]}


class Ordering(QuestionType):
    """A sixth type, as a test: put the options in order."""

    name = "order"
    label = "排序"
    partial = "questions/order.html"

    def read_form(self, form, item):
        return {"order": [int(v) for v in form.getlist("position")]}

    def grade(self, item, answer, response_ms):
        right = answer["order"] == list(range(len(item.choices)))
        return Graded(right, Rating.GOOD if right else Rating.AGAIN)


def test_a_sixth_type_needs_only_its_registry_entry_and_its_partial(app, monkeypatch):
    from quizapp.study.session import Card, Ticket

    partial = (
        "{% macro card(item, card) %}<ol class=order>{% for i, c in card.choices %}"
        "<li>{{ c.text }}</li>{% endfor %}</ol>{% endmacro %}"
        "{% macro feedback(item, review, can_overrule) %}{% endmacro %}"
        "{% macro entry(item) %}{% endmacro %}"
    )
    monkeypatch.setitem(QUESTION_TYPES, "order", Ordering())
    monkeypatch.setattr(
        app.jinja_env,
        "loader",
        ChoiceLoader([DictLoader({"questions/order.html": partial}), app.jinja_env.loader]),
    )
    item = FakeItem("order", choices=(Choice("接听", True), Choice("问候", True)))
    card = Card(item, Ticket(1, 1, 0, 1, 0.0, (1, 0)), is_new=True, red_line=False)
    with app.test_request_context("/study/"):
        html = render_template(
            "study/card.html",
            card=card,
            item=item,
            ticket="t",
            key="k",
            plan=None,
            done=0,
            total=1,
            percent=0,
        )
    assert "<ol class=order><li>问候</li><li>接听</li></ol>" in html
    assert 'data-type="order"' in html and "排序" in html
    assert graded(item, {"position": ["0", "1"]}).correct
