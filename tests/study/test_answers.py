"""Answering: grading per type, idempotency, ownership, undo, overrule, the one retry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from quizapp import srs
from quizapp.extensions import db
from quizapp.models import IdempotencyRecord, ReviewLog
from quizapp.study.answers import _request_hash, overrule, submit_answer, undo_last
from quizapp.study.curriculum import role_settings
from quizapp.study.errors import StudyError
from quizapp.study.memory import to_srs
from quizapp.study.session import Ticket, present
from tests.factories import T0, make_person
from tests.study.util import answer, item, snapshot, state_of, ticket_for


def test_grading_of_each_type(hire):
    assert answer(hire, "paid", {"choices": [1]}).correct is True
    assert answer(hire, "weekly", {"choices": [0]}).correct is False
    assert answer(hire, "ring", {"verdict": False}).correct is False
    assert answer(hire, "ring-cloze", {"blanks": ["３"]}).correct is True
    typed = answer(hire, "three", {"text": "说话要轻，走路也轻"})
    assert typed.key_points_hit == [True, True, False]
    assert typed.proposed_rating == typed.rating
    assert typed.correct is True  # two of three key points: Hard, remembered
    assert answer(hire, "fire", {"verdict": True}).rating in (srs.GOOD, srs.EASY)


def test_self_rating_without_typing(hire):
    review = answer(hire, "three", {"self_rating": "hard"})
    assert review.rating == srs.HARD and review.proposed_rating is None


def test_a_repeated_request_returns_the_stored_result(hire):
    ticket = ticket_for(hire, "paid")
    first = submit_answer(db.session, hire, ticket, {"choices": [1]}, "k1", T0)
    again = submit_answer(
        db.session, hire, ticket, {"choices": [1]}, "k1", T0 + timedelta(seconds=3)
    )
    assert again.id == first.id
    assert db.session.scalar(select(func.count()).select_from(ReviewLog)) == 1


def test_same_key_with_another_answer_is_422(hire):
    ticket = ticket_for(hire, "paid")
    submit_answer(db.session, hire, ticket, {"choices": [1]}, "k1", T0)
    with pytest.raises(StudyError) as error:
        submit_answer(db.session, hire, ticket, {"choices": [0]}, "k1", T0)
    assert error.value.status == 422


def test_a_repeat_while_the_first_is_running_is_409(hire):
    ticket = ticket_for(hire, "paid")
    given = {"choices": [1]}
    db.session.add(
        IdempotencyRecord(
            employee_id=hire.id,
            key="k1",
            request_hash=_request_hash(ticket, given),
            status="running",
        )
    )
    db.session.commit()
    with pytest.raises(StudyError) as error:
        submit_answer(db.session, hire, ticket, given, "k1", T0)
    assert error.value.status == 409
    assert db.session.scalar(select(func.count()).select_from(ReviewLog)) == 0


def test_a_missing_key_is_400(hire):
    with pytest.raises(StudyError) as error:
        submit_answer(db.session, hire, ticket_for(hire, "paid"), {"choices": [1]}, "", T0)
    assert error.value.status == 400


def test_two_tabs_record_one_review(hire):
    first_tab = ticket_for(hire, "paid")
    second_tab = ticket_for(hire, "paid")
    submit_answer(db.session, hire, first_tab, {"choices": [1]}, "tab-1", T0)
    with pytest.raises(StudyError) as error:
        submit_answer(db.session, hire, second_tab, {"choices": [1]}, "tab-2", T0)
    assert error.value.status == 409
    assert db.session.scalar(select(func.count()).select_from(ReviewLog)) == 1
    # The refused key is released: nothing half-done is left behind.
    assert db.session.scalar(select(func.count()).select_from(IdempotencyRecord)) == 1


def test_items_that_are_not_the_employees_are_refused(hire):
    other = make_person("E2", job_role="客服前台")
    with pytest.raises(StudyError) as error:
        present(db.session, hire, item("telecom-only").id, T0)
    assert error.value.status == 404
    with pytest.raises(StudyError) as error:
        submit_answer(db.session, other, ticket_for(hire, "paid"), {"choices": [1]}, "x", T0)
    assert error.value.status == 403
    forged = Ticket(hire.id, item("telecom-only").id, 0, 1, T0.timestamp())
    with pytest.raises(StudyError) as error:
        submit_answer(db.session, hire, forged, {"verdict": True}, "y", T0)
    assert error.value.status == 404


def test_undo_restores_the_previous_state_exactly(hire):
    answer(hire, "ring", {"verdict": True})
    before = snapshot(state_of(hire, "ring"))
    answer(hire, "ring", {"verdict": False}, now=T0 + timedelta(days=3))
    assert snapshot(state_of(hire, "ring")) != before
    undone = undo_last(db.session, hire, T0 + timedelta(days=3, minutes=1))
    assert undone.undone_at is not None
    assert snapshot(state_of(hire, "ring")) == before
    # Undo of a first answer makes the item new again.
    undo_last(db.session, hire, T0 + timedelta(days=3, minutes=2))
    assert state_of(hire, "ring") is None


def test_overrule_is_logged_and_rerates(hire):
    typed = answer(hire, "three", {"text": "说话轻"})
    assert typed.rating == srs.AGAIN
    replacement = overrule(db.session, hire, typed.id, True, T0 + timedelta(minutes=1))
    assert (
        replacement.overruled
        and replacement.rating == srs.GOOD
        and replacement.proposed_rating == srs.AGAIN
    )
    db.session.refresh(typed)
    assert typed.undone_at is not None and typed.replaced_by_id == replacement.id
    expected, _ = srs.apply_answer(
        srs.MemoryState.new(item("three").id, T0),
        srs.GOOD,
        T0,
        role_settings(hire.job_role),
    )
    assert to_srs(state_of(hire, "three")) == expected


def test_one_retry_after_a_wrong_answer_changes_no_schedule(hire):
    answer(hire, "ring", {"verdict": False})
    before = snapshot(state_of(hire, "ring"))
    ticket = ticket_for(hire, "ring", T0 + timedelta(seconds=10), retry=True)
    retry = submit_answer(
        db.session, hire, ticket, {"verdict": True}, "retry-1", T0 + timedelta(seconds=20)
    )
    assert retry.kind == "retry" and retry.correct is True
    assert snapshot(state_of(hire, "ring")) == before
