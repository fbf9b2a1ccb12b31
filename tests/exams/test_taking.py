"""Sitting an exam: starting, the server's clock, saving, submitting, the sweep."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from quizapp.exams.errors import ExamError, StaleAnswer
from quizapp.exams.taking import (
    GRACE,
    can_reveal,
    exams_for,
    save_answer,
    start_attempt,
    submit_attempt,
    sweep_expired,
)
from quizapp.extensions import db
from quizapp.models import Assignment, ExamAnswer, ExamAttempt, JobRole, MemoryState, ReviewLog
from tests.conftest import database_snapshot
from tests.exams import T0, item_id, make_exam, setup_hire
from tests.factories import make_person

PAPER = ("paid", "weekly", "ring", "ring-cloze", "three")
RIGHT = {
    "paid": {"choices": [1]},
    "weekly": {"choices": [0, 1]},
    "ring": {"verdict": True},
    "ring-cloze": {"blanks": ["三"]},
    "three": {"text": "说话轻，走路轻，操作轻"},
}


@pytest.fixture
def hire(app):
    return setup_hire()


def keys_of(attempt) -> list[str]:
    from quizapp.models import Item

    return [db.session.get(Item, a.item_id).key for a in attempt.answers]


def answer_all(hire, attempt, now, wrong=()):
    for row, key in zip(attempt.answers, keys_of(attempt), strict=True):
        answer = {"verdict": False} if key in wrong and key == "ring" else RIGHT[key]
        if key in wrong and key != "ring":
            answer = {"choices": [0]} if "choices" in answer else {"blanks": ["五"]}
        save_answer(db.session, hire, attempt.id, row.position, answer, row.revision, now)


def test_a_fixed_paper_in_order_with_a_deadline(hire):
    exam = make_exam(fixed=PAPER, time_limit_s=600)
    attempt = start_attempt(db.session, hire, exam.id, T0)
    assert keys_of(attempt) == list(PAPER)
    assert attempt.number == 1 and attempt.status == "in_progress"
    assert attempt.deadline_at == T0 + timedelta(minutes=10)
    assert [a.choice_order for a in attempt.answers][:2] == [[0, 1, 2], [0, 1, 2]]


def test_the_deadline_is_never_after_the_exam_closes(hire):
    exam = make_exam(fixed=PAPER, time_limit_s=3600, closes_at=T0 + timedelta(minutes=5))
    assert start_attempt(db.session, hire, exam.id, T0).deadline_at == T0 + timedelta(minutes=5)
    untimed = make_exam(fixed=PAPER)
    assert start_attempt(db.session, hire, untimed.id, T0).deadline_at is None


def test_random_quotas_and_shuffled_options(hire):
    exam = make_exam(quotas=((1, "基础", "single"), (2, None, "judge")), shuffle_options=True)
    attempt = start_attempt(db.session, hire, exam.id, T0, rng=random.Random(4))
    keys = keys_of(attempt)
    assert keys[0] == "paid" and set(keys[1:]) <= {"ring", "fire"} and len(keys) == 3
    order = attempt.answers[0].choice_order
    assert sorted(order) == [0, 1, 2]


def test_a_second_start_returns_the_attempt_in_progress(hire):
    exam = make_exam(fixed=PAPER)
    first = start_attempt(db.session, hire, exam.id, T0)
    again = start_attempt(db.session, hire, exam.id, T0 + timedelta(seconds=1))
    assert again.id == first.id
    assert db.session.scalar(select(func.count()).select_from(ExamAttempt)) == 1


def test_the_attempts_limit_holds(hire):
    exam = make_exam(fixed=PAPER, attempts_allowed=2)
    for n in range(2):
        attempt = start_attempt(db.session, hire, exam.id, T0 + timedelta(minutes=n))
        submit_attempt(db.session, hire, attempt.id, T0 + timedelta(minutes=n, seconds=30))
    before = database_snapshot()
    with pytest.raises(ExamError) as caught:
        start_attempt(db.session, hire, exam.id, T0 + timedelta(minutes=5))
    assert caught.value.status == 409
    assert database_snapshot() == before
    [listing] = exams_for(db.session, hire, T0 + timedelta(minutes=5))
    assert listing.attempts_used == 2 and listing.attempts_left == 0 and not listing.can_start


def test_outside_the_window_nothing_starts(hire):
    exam = make_exam(
        fixed=PAPER, opens_at=T0 + timedelta(hours=1), closes_at=T0 + timedelta(hours=2)
    )
    for when in (T0, T0 + timedelta(hours=2)):
        with pytest.raises(ExamError):
            start_attempt(db.session, hire, exam.id, when)
    assert [x.state for x in exams_for(db.session, hire, T0)] == ["not_yet"]
    assert [x.state for x in exams_for(db.session, hire, T0 + timedelta(hours=3))] == ["closed"]
    assert start_attempt(db.session, hire, exam.id, T0 + timedelta(minutes=61)).number == 1


def test_an_exam_that_does_not_reach_the_person_is_a_404(hire):
    other = make_person("E2", job_role="营业厅营业员")
    exam = make_exam(fixed=PAPER)
    assert exams_for(db.session, other, T0) == []
    with pytest.raises(ExamError) as caught:
        start_attempt(db.session, other, exam.id, T0)
    assert caught.value.status == 404


def test_an_assignment_brings_an_exam_to_people_outside_its_audience(hire):
    other = make_person("E2", job_role="营业厅营业员")
    exam = make_exam(fixed=PAPER, audience="people", job_role_id=None)
    role = db.session.scalar(select(JobRole).where(JobRole.name == "营业厅营业员"))
    db.session.add(
        Assignment(
            title="考试", audience="role", job_role_id=role.id, exam_id=exam.id,
            starts_on=T0.date(), due_on=T0.date() + timedelta(days=7),
        )
    )  # fmt: skip
    db.session.commit()
    assert [x.exam.id for x in exams_for(db.session, other, T0)] == [exam.id]
    assert exams_for(db.session, hire, T0) == []


def test_a_quota_that_cannot_be_filled_is_a_clear_error_and_writes_nothing(hire):
    exam = make_exam(quotas=((5, "基础", "single"),))
    before = database_snapshot()
    with pytest.raises(ExamError) as caught:
        start_attempt(db.session, hire, exam.id, T0)
    assert str(caught.value) == "「基础」的单选题只有 1 道可抽，需要 5 道"
    assert database_snapshot() == before


def test_grading_and_the_score(hire):
    exam = make_exam(fixed=PAPER, pass_mark=0.6)
    attempt = start_attempt(db.session, hire, exam.id, T0)
    answer_all(hire, attempt, T0 + timedelta(minutes=1), wrong=("weekly",))
    rows = {k: r for k, r in zip(keys_of(attempt), attempt.answers, strict=True)}
    assert rows["paid"].auto_score == 1.0 and rows["weekly"].auto_score == 0.0
    assert rows["three"].key_points_hit == [True, True, True]
    done = submit_attempt(db.session, hire, attempt.id, T0 + timedelta(minutes=2))
    assert done.status == "submitted" and done.review_pending is True and done.passed is None
    assert done.score == pytest.approx(0.8)
    db.session.expire_all()
    assert db.session.get(ExamAnswer, rows["three"].id).review_status == "pending"


def test_a_paper_of_objective_items_passes_or_fails_at_once(hire):
    exam = make_exam(fixed=("paid", "ring"), pass_mark=1.0)
    attempt = start_attempt(db.session, hire, exam.id, T0)
    first = attempt.answers[0]
    save_answer(db.session, hire, attempt.id, first.position, {"choices": [1]}, 0, T0)
    done = submit_attempt(db.session, hire, attempt.id, T0 + timedelta(minutes=1))
    assert done.score == 0.5 and done.passed is False and done.review_pending is False


def test_a_stale_page_cannot_overwrite_a_newer_answer(hire):
    exam = make_exam(fixed=PAPER)
    attempt = start_attempt(db.session, hire, exam.id, T0)
    save_answer(db.session, hire, attempt.id, 1, {"choices": [1]}, 0, T0)  # tab A
    before = database_snapshot()
    with pytest.raises(StaleAnswer) as caught:
        save_answer(db.session, hire, attempt.id, 1, {"choices": [0]}, 0, T0)  # tab B
    assert caught.value.status == 409
    assert caught.value.saved == {"choices": [1]} and caught.value.revision == 1
    assert database_snapshot() == before


def test_a_late_save_is_refused_and_submits_the_attempt(hire):
    exam = make_exam(fixed=PAPER, time_limit_s=60)
    attempt = start_attempt(db.session, hire, exam.id, T0)
    in_grace = T0 + timedelta(seconds=60) + GRACE
    save_answer(db.session, hire, attempt.id, 1, {"choices": [1]}, 0, in_grace)
    with pytest.raises(ExamError) as caught:
        save_answer(
            db.session, hire, attempt.id, 3, {"verdict": True}, 0, in_grace + timedelta(seconds=1)
        )
    assert caught.value.status == 409 and "时间已到" in str(caught.value)
    db.session.expire_all()
    attempt = db.session.get(ExamAttempt, attempt.id)
    assert attempt.status == "auto_submitted" and attempt.open_slot is None
    assert attempt.answers[2].answer is None and attempt.score == pytest.approx(0.2)


def test_the_sweep_submits_abandoned_attempts_only(hire):
    timed = make_exam(fixed=PAPER, time_limit_s=60)
    untimed = make_exam(fixed=PAPER, title="不限时")
    late = start_attempt(db.session, hire, timed.id, T0)
    open_ = start_attempt(db.session, hire, untimed.id, T0)
    assert sweep_expired(db.session, T0 + timedelta(seconds=65)) == 0
    assert sweep_expired(db.session, T0 + timedelta(seconds=71)) == 1
    assert sweep_expired(db.session, T0 + timedelta(hours=9)) == 0
    db.session.expire_all()
    assert db.session.get(ExamAttempt, late.id).status == "auto_submitted"
    assert db.session.get(ExamAttempt, open_.id).status == "in_progress"


def test_exam_answers_count_as_reviews_exactly_once(hire):
    exam = make_exam(fixed=PAPER)
    attempt = start_attempt(db.session, hire, exam.id, T0)
    save_answer(db.session, hire, attempt.id, 1, {"choices": [1]}, 0, T0)
    save_answer(db.session, hire, attempt.id, 3, {"verdict": False}, 0, T0)
    at = T0 + timedelta(minutes=3)
    submit_attempt(db.session, hire, attempt.id, at)
    submit_attempt(db.session, hire, attempt.id, at + timedelta(minutes=1))
    logs = db.session.scalars(select(ReviewLog).order_by(ReviewLog.id)).all()
    assert [log.idempotency_key for log in logs] == [f"exam:{attempt.id}:1", f"exam:{attempt.id}:3"]
    assert all(log.server_time == at for log in logs) and [log.correct for log in logs] == [
        True,
        False,
    ]
    states = db.session.scalars(select(MemoryState)).all()
    assert {s.item_id for s in states} == {item_id("paid"), item_id("ring")}
    db.session.expire_all()
    rows = db.session.get(ExamAttempt, attempt.id).answers
    assert rows[0].review_log_id == logs[0].id and rows[1].review_log_id is None


def test_readiness_draws_the_weakest_items_and_predicts_the_score(hire):
    from quizapp.study.answers import submit_answer
    from quizapp.study.session import present

    # Two items answered right yesterday: well remembered; the rest never seen (0).
    for key in ("ring", "fire"):
        ticket = present(db.session, hire, item_id(key), T0 - timedelta(days=1)).ticket
        submit_answer(
            db.session, hire, ticket, {"verdict": True}, f"k-{key}", T0 - timedelta(days=1)
        )
    exam = make_exam(draw="readiness", quotas=((2, None, "judge"), (2, None, None)))
    attempt = start_attempt(db.session, hire, exam.id, T0)
    keys = keys_of(attempt)
    assert set(keys[:2]) == {"ring", "fire"}  # the only judge items
    assert not {"ring", "fire"} & set(keys[2:])
    recalls = [a.predicted_recall for a in attempt.answers]
    assert recalls[0] > 0.5 and recalls[2:] == [0.0, 0.0]
    assert attempt.predicted_score == pytest.approx(sum(recalls) / 4)


@pytest.mark.parametrize("draw", ["random", "fixed"])
def test_other_draws_predict_the_score_from_the_items_drawn(hire, draw):
    # Only a readiness draw reads every candidate's recall; the others read the recall of
    # the items drawn, which the paper keeps all the same.
    from quizapp.study.answers import submit_answer
    from quizapp.study.session import present

    for key in ("ring", "fire"):
        ticket = present(db.session, hire, item_id(key), T0 - timedelta(days=1)).ticket
        submit_answer(
            db.session, hire, ticket, {"verdict": True}, f"k-{key}", T0 - timedelta(days=1)
        )
    if draw == "fixed":
        exam = make_exam(fixed=("ring", "paid", "fire"))
    else:
        exam = make_exam(quotas=((2, None, "judge"), (1, "基础", "single")))
    attempt = start_attempt(db.session, hire, exam.id, T0, rng=random.Random(3))
    recalls = {
        key: row.predicted_recall
        for key, row in zip(keys_of(attempt), attempt.answers, strict=True)
    }
    assert recalls.keys() == {"ring", "fire", "paid"}
    assert recalls["ring"] > 0.5 and recalls["fire"] > 0.5 and recalls["paid"] == 0.0
    assert attempt.predicted_score == pytest.approx(sum(recalls.values()) / 3)


def test_reveal_rules(hire):
    now = T0 + timedelta(minutes=5)
    at_once = make_exam(fixed=("ring",))
    after = make_exam(fixed=("ring",), reveal="after_close", closes_at=T0 + timedelta(hours=1))
    a = start_attempt(db.session, hire, at_once.id, T0)
    b = start_attempt(db.session, hire, after.id, T0)
    assert not can_reveal(at_once, a, now)  # never during the attempt
    submit_attempt(db.session, hire, a.id, now)
    submit_attempt(db.session, hire, b.id, now)
    assert can_reveal(at_once, a, now)
    assert not can_reveal(after, b, now)
    assert can_reveal(after, b, T0 + timedelta(hours=1))


def test_someone_elses_attempt_is_a_404(hire):
    other = make_person("E2", job_role="客服前台")
    exam = make_exam(fixed=PAPER)
    attempt = start_attempt(db.session, hire, exam.id, T0)
    for call in (
        lambda: save_answer(db.session, other, attempt.id, 1, {"choices": [1]}, 0, T0),
        lambda: submit_attempt(db.session, other, attempt.id, T0),
    ):
        with pytest.raises(ExamError) as caught:
            call()
        assert caught.value.status == 404


def test_self_rating_and_misfit_answers_are_refused(hire):
    exam = make_exam(fixed=PAPER)
    attempt = start_attempt(db.session, hire, exam.id, T0)
    with pytest.raises(ExamError):
        save_answer(db.session, hire, attempt.id, 5, {"self_rating": "easy"}, 0, T0)
    with pytest.raises(ExamError) as caught:
        save_answer(db.session, hire, attempt.id, 1, {"choices": [7]}, 0, T0)
    assert caught.value.status == 400


def test_the_paper_is_drawn_before_the_write_lock(hire, monkeypatch):
    """On SQLite the write lock is the whole database's: a class starting together must
    not queue behind each other's draws."""
    from contextlib import contextmanager

    from quizapp.exams import taking

    locked = []
    drawn_while_locked = []
    real_transaction, real_draw = taking.write_transaction, taking._draw_paper

    @contextmanager
    def watched_transaction(session):
        locked.append(True)
        try:
            with real_transaction(session) as inner:
                yield inner
        finally:
            locked.pop()

    def watched_draw(*args):
        drawn_while_locked.append(bool(locked))
        return real_draw(*args)

    monkeypatch.setattr(taking, "write_transaction", watched_transaction)
    monkeypatch.setattr(taking, "_draw_paper", watched_draw)
    exam = make_exam(fixed=PAPER, time_limit_s=600)
    attempt = start_attempt(db.session, hire, exam.id, T0)
    assert keys_of(attempt) == list(PAPER) and drawn_while_locked == [False]
    assert start_attempt(db.session, hire, exam.id, T0).id == attempt.id
    assert drawn_while_locked == [False]  # the attempt in progress: nothing drawn
    # Expired: the next start finishes it and draws a new paper, still before the lock.
    later = start_attempt(db.session, hire, exam.id, T0 + timedelta(hours=1))
    assert later.number == 2 and drawn_while_locked == [False, False]


def test_an_attempt_that_ends_before_the_lock_gets_a_paper_under_it(hire, monkeypatch):
    from quizapp.exams import taking

    exam = make_exam(fixed=PAPER, attempts_allowed=2)
    first = start_attempt(db.session, hire, exam.id, T0)
    real_attempts = taking._attempts
    calls = []

    def attempts_then_submitted(session, employee_id, exam_id):
        calls.append(1)
        found = real_attempts(session, employee_id, exam_id)
        if len(calls) == 1:  # seen in progress before the lock; submitted just after
            submit_attempt(db.session, hire, first.id, T0 + timedelta(seconds=20))
        return found

    monkeypatch.setattr(taking, "_attempts", attempts_then_submitted)
    second = start_attempt(db.session, hire, exam.id, T0 + timedelta(seconds=30))
    assert second.number == 2 and keys_of(second) == list(PAPER)
