"""Scoring an attempt (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from quizapp.exams.scoring import (
    ItemResult,
    answered,
    coverage_score,
    format_duration,
    objective_score,
    outcome,
    seconds_taken,
)

T = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)


def test_the_score_is_the_mean_with_unanswered_items_zero():
    result = outcome([ItemResult(1.0), ItemResult(0.0), ItemResult(None), ItemResult(1.0)], 0.5)
    assert result.score == 0.5 and result.passed is True and not result.pending


def test_passing_is_at_or_above_the_pass_mark():
    four_of_five = [ItemResult(1.0)] * 4 + [ItemResult(0.0)]
    assert outcome(four_of_five, 0.8).passed is True
    assert outcome(four_of_five, 0.81).passed is False


def test_no_verdict_while_a_review_is_pending():
    result = outcome([ItemResult(1.0), ItemResult(0.5, pending=True)], 0.6)
    assert result.passed is None and result.pending and result.score == 0.75


def test_an_empty_paper_scores_zero():
    assert outcome([], 0.5).score == 0.0


def test_item_scores():
    assert objective_score(True) == 1.0 and objective_score(False) == 0.0
    assert coverage_score([True, False, True, True]) == 0.75
    assert coverage_score(None, 0.4) == 0.4
    assert coverage_score([], None) == 0.0


def test_time_taken_stops_at_the_deadline():
    deadline = T + timedelta(minutes=10)
    assert seconds_taken(T, T + timedelta(minutes=3), deadline) == 180
    assert seconds_taken(T, T + timedelta(minutes=11), deadline) == 600
    assert seconds_taken(T, None, deadline) is None
    assert format_duration(600) == "10:00" and format_duration(3725) == "1:02:05"


def test_what_counts_as_answered():
    assert not answered(None) and not answered({}) and not answered({"choices": []})
    assert not answered({"text": "  "}) and not answered({"blanks": ["", " "]})
    assert not answered({"verdict": None})
    assert answered({"verdict": False}) and answered({"choices": [0]})
    assert answered({"blanks": ["", "三"]}) and answered({"text": "说话轻"})
