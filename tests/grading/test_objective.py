"""Single, multi, judge and cloze comparators."""

from __future__ import annotations

import pytest

from quizapp.grading import grade_choice, grade_cloze, grade_judge


def test_single_choice_right_and_wrong():
    right = grade_choice([False, True, False, False], [1])
    assert right.correct and right.score == 1.0
    wrong = grade_choice([False, True, False, False], [2])
    assert not wrong.correct and wrong.score == 0.0
    assert [o.right for o in wrong.options] == [True, False, False, True]


def test_single_choice_nothing_picked_is_wrong():
    assert not grade_choice([True, False], []).correct


def test_multi_choice_exact():
    result = grade_choice([True, True, False, True], [0, 1, 3])
    assert result.correct and result.score == 1.0


def test_multi_choice_partial_credit_per_option():
    result = grade_choice([True, True, False, True], [0, 1])
    assert not result.correct
    assert result.score == pytest.approx(2 / 3)
    detail = [(o.index, o.correct, o.selected, o.right) for o in result.options]
    assert detail == [
        (0, True, True, True),
        (1, True, True, True),
        (2, False, False, True),
        (3, True, False, False),
    ]


def test_multi_choice_wrong_picks_cost_credit_and_score_never_negative():
    assert grade_choice([True, True, False, False], [0, 2]).score == 0.0
    assert grade_choice([True, True, False, False], [2, 3]).score == 0.0
    # Picking everything does not pay.
    assert grade_choice([True, True, False, False], [0, 1, 2, 3]).score == 0.0


def test_multi_flag_overrides_inference():
    # A multi item with one correct option is still graded per option.
    result = grade_choice([True, False, False], [0, 1], multi=True)
    assert not result.correct and result.score == 0.0


def test_choice_out_of_range_is_an_error():
    with pytest.raises(ValueError):
        grade_choice([True, False], [2])


def test_choice_result_to_dict():
    data = grade_choice([False, True], [1]).to_dict()
    assert data["correct"] is True and data["score"] == 1.0
    assert data["options"][1] == {"index": 1, "correct": True, "selected": True, "right": True}


@pytest.mark.parametrize(
    ("verdict", "answer", "correct"),
    [(True, True, True), (False, False, True), (True, False, False), (False, None, False)],
)
def test_judge(verdict, answer, correct):
    result = grade_judge(verdict, answer)
    assert result.correct is correct
    assert result.score == (1.0 if correct else 0.0)


def test_cloze_accepts_alternatives():
    blanks = (("三", "3"),)
    assert grade_cloze(blanks, ["3"]).correct
    assert grade_cloze(blanks, ["三"]).correct
    assert not grade_cloze(blanks, ["5"]).correct


@pytest.mark.parametrize("typed", ["５０００万", " 5000 万 ", "5000万。", "五千万", "5000萬"])
def test_cloze_ignores_width_spaces_punctuation_numerals_and_traditional(typed):
    assert grade_cloze((("5000万",),), [typed]).correct


def test_cloze_traditional_characters():
    assert grade_cloze((("下班前",),), ["下班前"]).correct
    assert grade_cloze((("维修单",),), ["維修單"]).correct


def test_cloze_synonyms_from_bank_or_item():
    blanks = (("钻石卡",),)
    assert not grade_cloze(blanks, ["钻卡"]).correct
    assert grade_cloze(blanks, ["钻卡"], synonyms=[("钻卡", "钻石卡")]).correct


def test_cloze_several_blanks_score_and_detail():
    blanks = (("3", "三"), ("10", "十"))
    result = grade_cloze(blanks, ["三", "15"])
    assert not result.correct
    assert result.score == 0.5
    assert [b.correct for b in result.blanks] == [True, False]
    assert result.blanks[0].matched == "三"
    assert result.blanks[1].matched is None
    assert result.to_dict()["blanks"][1]["given"] == "15"


def test_cloze_missing_and_empty_answers_are_wrong():
    result = grade_cloze((("a",), ("b",)), ["a"])
    assert [b.correct for b in result.blanks] == [True, False]
    assert not grade_cloze((("a",),), [""]).correct
    assert not grade_cloze((("a",),), ["，。"]).correct


def test_cloze_percent_is_kept():
    assert grade_cloze((("93%", "93"),), ["９３％"]).correct
    assert not grade_cloze((("93%",),), ["95%"]).correct


def test_cloze_needs_blanks():
    with pytest.raises(ValueError):
        grade_cloze((), [])
