"""The trainer's review of typed answers: scope, the score and verdict afterwards."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from quizapp.exams.errors import ExamError
from quizapp.exams.reviewing import review_answer, review_queue
from quizapp.exams.taking import save_answer, start_attempt, submit_attempt
from quizapp.extensions import db
from quizapp.models import AuditEntry, ExamAttempt
from tests.conftest import database_snapshot
from tests.exams import T0, make_exam, setup_hire
from tests.factories import make_person


@pytest.fixture
def world(app):
    make_person("T1", roles=("trainer",))
    make_person("T2", roles=("trainer",))
    make_person("H1", roles=("hr",))
    hire = setup_hire(trainer="T1")
    exam = make_exam(fixed=("ring", "three"), pass_mark=0.75)
    attempt = start_attempt(db.session, hire, exam.id, T0)
    save_answer(db.session, hire, attempt.id, 1, {"verdict": True}, 0, T0)
    save_answer(db.session, hire, attempt.id, 2, {"text": "说话轻"}, 0, T0)
    submit_attempt(db.session, hire, attempt.id, T0 + timedelta(minutes=1))
    return {"attempt": attempt, "exam": exam, "hire": hire}


def person(no):
    from quizapp.models import Employee

    return db.session.scalar(select(Employee).where(Employee.employee_no == no))


def test_the_queue_follows_scope(world):
    [pending] = review_queue(db.session, person("T1"))
    assert pending.position == 2 and pending.attempt.employee.employee_no == "E1"
    assert pending.attempt.exam.title == "小测"
    assert len(review_queue(db.session, person("H1"))) == 1
    assert review_queue(db.session, person("T2")) == []
    assert review_queue(db.session, world["hire"]) == []


def test_a_trainer_who_created_the_exam_reviews_it(world):
    world["exam"].created_by_id = person("T2").id
    db.session.commit()
    assert len(review_queue(db.session, person("T2"))) == 1


def test_a_review_sets_the_final_score_and_verdict(world):
    attempt = db.session.get(ExamAttempt, world["attempt"].id)
    assert attempt.passed is None and attempt.review_pending
    [pending] = review_queue(db.session, person("T1"))
    answer = review_answer(
        db.session, person("T1"), pending.id, 0.5, "要点不全", T0 + timedelta(hours=1)
    )
    assert answer.final_score == 0.5 and answer.review_status == "done"
    assert answer.review_comment == "要点不全" and answer.reviewed_at == T0 + timedelta(hours=1)
    db.session.expire_all()
    attempt = db.session.get(ExamAttempt, world["attempt"].id)
    assert attempt.score == 0.75 and attempt.passed is True and not attempt.review_pending
    assert review_queue(db.session, person("T1")) == []
    assert db.session.scalar(select(AuditEntry.target).where(AuditEntry.action == "exam_review"))
    # A correction later changes the verdict again.
    review_answer(db.session, person("H1"), pending.id, 0.0, "", T0 + timedelta(hours=2))
    db.session.expire_all()
    attempt = db.session.get(ExamAttempt, world["attempt"].id)
    assert attempt.score == 0.5 and attempt.passed is False


def test_out_of_scope_or_bad_scores_change_nothing(world):
    [pending] = review_queue(db.session, person("T1"))
    before = database_snapshot()
    with pytest.raises(ExamError) as caught:
        review_answer(db.session, person("T2"), pending.id, 1.0, "", T0)
    assert caught.value.status == 404
    for bad in (1.5, -0.1, float("nan"), "x"):
        with pytest.raises(ExamError) as caught:
            review_answer(db.session, person("T1"), pending.id, bad, "", T0)
        assert caught.value.status == 400
    objective = db.session.get(ExamAttempt, world["attempt"].id).answers[0]
    with pytest.raises(ExamError) as caught:
        review_answer(db.session, person("T1"), objective.id, 1.0, "", T0)
    assert caught.value.status == 409
    assert database_snapshot() == before
