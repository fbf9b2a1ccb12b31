""" "我答对了" is limited per study day (MAX_OVERRULES_PER_DAY); "我答错了" never is."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import MemoryState, ReviewLog
from quizapp.study import answers
from quizapp.study import views as study_views
from quizapp.study.answers import MAX_OVERRULES_PER_DAY, overrules_left
from tests.factories import T0, csrf_token, login
from tests.study.util import answer, item


@pytest.fixture
def clock(monkeypatch):
    """The study views' clock, set by the test."""
    now = {"value": T0}
    monkeypatch.setattr(study_views, "utcnow", lambda: now["value"])
    return now


def _snapshot(hire):
    db.session.expire_all()
    state = db.session.scalar(
        select(MemoryState).where(
            MemoryState.employee_id == hire.id, MemoryState.item_id == item("three").id
        )
    )
    log = db.session.execute(
        select(ReviewLog.id, ReviewLog.rating, ReviewLog.overruled, ReviewLog.undone_at).order_by(
            ReviewLog.id
        )
    ).all()
    return (state.revision, state.stability, state.due, state.last_rating), log


def _overrule(client, review_id: int, verdict: str):
    return client.post(
        f"/study/overrule/{review_id}",
        data={"csrf_token": csrf_token(client, "/password"), "verdict": verdict},
    )


def _partly_right(hire, now):
    """A typed answer the grader rates not right (one key point of three)."""
    review = answer(hire, "three", {"text": "说话轻"}, now)
    assert review.proposed_rating is not None and not review.correct
    return review


def test_the_sixth_overrule_to_right_of_a_day_is_refused(client, hire, clock):
    assert MAX_OVERRULES_PER_DAY == 5
    login(client, "E1")
    now = T0
    for used in range(MAX_OVERRULES_PER_DAY):
        now += timedelta(minutes=10)
        review = _partly_right(hire, now)
        clock["value"] = now + timedelta(seconds=30)
        assert overrules_left(db.session, hire, clock["value"]) == MAX_OVERRULES_PER_DAY - used
        response = _overrule(client, review.id, "right")
        assert response.status_code == 302, response.get_data(as_text=True)
    assert overrules_left(db.session, hire, clock["value"]) == 0

    now += timedelta(minutes=10)
    review = _partly_right(hire, now)
    clock["value"] = now + timedelta(seconds=30)
    before = _snapshot(hire)
    refused = _overrule(client, review.id, "right")
    assert refused.status_code == 429
    assert "今天“我答对了”的次数已用完，请找培训师复核这道题" in refused.get_data(as_text=True)
    assert _snapshot(hire) == before  # memory state and review log as they were

    # Admitting a mistake is never limited (here: the grader's rating stands already,
    # so overrule a graded-right answer down to wrong).
    right = answer(hire, "three", {"text": "说话轻，走路轻，操作轻"}, now + timedelta(minutes=1))
    clock["value"] = now + timedelta(minutes=1, seconds=30)
    assert right.correct
    assert _overrule(client, right.id, "wrong").status_code == 302
    replacement = db.session.scalar(select(ReviewLog).order_by(ReviewLog.id.desc()).limit(1))
    assert replacement.overruled and replacement.correct is False

    # The next study day the employee may say "我答对了" again.
    tomorrow = T0 + timedelta(days=1)
    review = _partly_right(hire, tomorrow)
    clock["value"] = tomorrow + timedelta(seconds=30)
    assert overrules_left(db.session, hire, clock["value"]) == MAX_OVERRULES_PER_DAY
    assert _overrule(client, review.id, "right").status_code == 302
    assert overrules_left(db.session, hire, clock["value"]) == MAX_OVERRULES_PER_DAY - 1


def test_undoing_or_flipping_back_does_not_give_an_overrule_back(hire):
    now = T0
    review = _partly_right(hire, now)
    right = answers.overrule(db.session, hire, review.id, True, now + timedelta(seconds=10))
    # Back to wrong, then to right again: two presses of "我答对了".
    wrong = answers.overrule(db.session, hire, right.id, False, now + timedelta(seconds=20))
    again = answers.overrule(db.session, hire, wrong.id, True, now + timedelta(seconds=30))
    answers.undo_last(db.session, hire, now + timedelta(seconds=40))
    assert again.correct
    assert overrules_left(db.session, hire, now + timedelta(minutes=1)) == (
        MAX_OVERRULES_PER_DAY - 2
    )


def test_the_limit_counts_from_when_the_button_was_pressed(hire):
    # Answered late in one study day, overruled early in the next: it counts for the next
    # (the answer's server_time is before the day's start).
    answered = T0 + timedelta(hours=18, minutes=30)  # 03:30 the next morning in Shanghai
    review = _partly_right(hire, answered)
    pressed = answered + timedelta(hours=1)
    answers.overrule(db.session, hire, review.id, True, pressed)
    assert overrules_left(db.session, hire, pressed) == MAX_OVERRULES_PER_DAY - 1
