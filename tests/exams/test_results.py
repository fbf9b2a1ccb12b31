"""An exam's results (quizapp.exams.results) on attempts and answers written directly: the
rows each viewer may see, per-item figures, the summary, the export rows, the exam list,
and the sweep of abandoned attempts before reading."""

from __future__ import annotations

from datetime import timedelta

import pytest

from quizapp.exams.authoring import create_exam
from quizapp.exams.errors import ExamError
from quizapp.exams.results import exam_list, exam_results, export_rows
from quizapp.extensions import db
from quizapp.models import ExamAnswer, ExamAttempt
from tests.exams.test_authoring import NOW, attempt_for, build_world, spec


def answer(attempt, position, item_id, correct, score, pending=False, **values):
    row = ExamAnswer(
        attempt_id=attempt.id,
        position=position,
        item_id=item_id,
        item_version=1,
        answer=values.pop("given", {"choices": [0]}),
        correct=correct,
        auto_score=score,
        final_score=None if pending else score,
        review_status="pending" if pending else "none",
        **values,
    )
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def world(app):
    return build_world()


@pytest.fixture
def fixed(world):
    """An HR exam of three fixed items; E1 (T1's) half right with a typed answer pending,
    E2 (T1's) all right, E3 (T2's) all wrong, and E1 busy with a second attempt."""
    items = [world.items[key] for key in ("ring", "paid", "three")]
    exam = create_exam(
        db.session,
        world["H1"],
        spec(world, draw="fixed", quotas=(), item_ids=tuple(items)),
        NOW - timedelta(days=1),
    )
    e1 = attempt_for(exam, world["E1"], score=0.5, passed=None, review_pending=True)
    answer(e1, 1, items[0], True, 1.0)
    answer(e1, 2, items[1], False, 0.0)
    answer(e1, 3, items[2], False, 0.5, pending=True, given={"text": "说话轻"})
    e2 = attempt_for(exam, world["E2"], score=1.0, passed=True)
    for position, item_id in enumerate(items, start=1):
        answer(e2, position, item_id, True, 1.0)
    e3 = attempt_for(exam, world["E3"], score=0.0, passed=False)
    for position, item_id in enumerate(items, start=1):
        answer(e3, position, item_id, False, 0.0, given=None)
    attempt_for(
        exam,
        world["E1"],
        number=2,
        status="in_progress",
        open_slot=1,
        submitted_at=None,
        score=None,
        passed=None,
        deadline_at=NOW + timedelta(days=1),
    )
    return exam


def test_hr_sees_every_attempt_with_its_figures(world, fixed):
    found = exam_results(db.session, world["H1"], fixed.id, NOW)
    rows = [(a.employee_no, a.number, a.status) for a in found.attempts]
    assert rows == [
        ("E1", 1, "submitted"),
        ("E1", 2, "in_progress"),
        ("E2", 1, "submitted"),
        ("E3", 1, "submitted"),
    ]
    first = found.attempts[0]
    assert first.seconds == 300
    assert first.review_pending and first.passed is None
    assert first.predicted_score is None  # not a readiness draw
    summary = found.summary
    assert (summary.takers, summary.finished, summary.passed) == (3, 3, 1)
    assert summary.pass_rate == pytest.approx(1 / 3)
    assert summary.mean_score == pytest.approx(0.5)
    assert summary.pending_reviews == 1


def test_per_item_results_over_finished_attempts(world, fixed):
    found = exam_results(db.session, world["H1"], fixed.id, NOW)
    by_position = {row.position: row for row in found.items}
    assert [row.position for row in found.items] == [1, 2, 3]
    ring, paid, three = by_position[1], by_position[2], by_position[3]
    assert ring.type == "judge" and "电话铃响" in ring.question
    assert (ring.drawn, ring.answered) == (3, 2)
    assert ring.share_correct == pytest.approx(2 / 3)
    assert paid.share_correct == pytest.approx(1 / 3)
    assert three.type == "qa"
    assert three.mean_score == pytest.approx(0.5)  # (0.5 provisional + 1 + 0) / 3


def test_a_trainer_sees_only_their_trainees_attempts(world, fixed):
    t1 = exam_results(db.session, world["T1"], fixed.id, NOW)
    assert {a.employee_no for a in t1.attempts} == {"E1", "E2"}
    assert t1.summary.takers == 2
    assert t1.items[0].drawn == 2
    t2 = exam_results(db.session, world["T2"], fixed.id, NOW)
    assert {a.employee_no for a in t2.attempts} == {"E3"}


def test_another_trainers_exam_and_employees_are_refused(world):
    exam = create_exam(db.session, world["T1"], spec(world), NOW)
    with pytest.raises(ExamError) as caught:
        exam_results(db.session, world["T2"], exam.id, NOW)
    assert caught.value.status == 404
    with pytest.raises(ExamError) as caught:
        exam_results(db.session, world["E1"], exam.id, NOW)
    assert caught.value.status == 403


def test_readiness_draw_compares_predicted_and_actual(world):
    exam = create_exam(db.session, world["H1"], spec(world, draw="readiness"), NOW)
    attempt_for(exam, world["E1"], score=0.5, passed=False, predicted_score=0.6)
    attempt_for(exam, world["E2"], score=1.0, passed=True, predicted_score=0.8)
    found = exam_results(db.session, world["H1"], exam.id, NOW)
    assert [a.predicted_score for a in found.attempts] == [0.6, 0.8]
    assert found.summary.mean_predicted == pytest.approx(0.7)
    assert found.summary.mean_actual == pytest.approx(0.75)


def test_export_rows_follow_the_attempts(world, fixed):
    found = exam_results(db.session, world["H1"], fixed.id, NOW)
    rows = export_rows(found)
    assert rows[0][:4] == ["E1", "测试E1", 1, "已交卷"]
    assert rows[0][4] == "2026-11-02 09:00"  # Shanghai time
    assert rows[0][6:10] == [300, 0.5, None, True]
    assert rows[1][3] == "作答中" and rows[1][5] is None


def test_exam_list_counts_in_the_viewers_scope(world, fixed):
    own = create_exam(db.session, world["T1"], spec(world, title="T1 的小测"), NOW)
    hr = {row.exam.id: row for row in exam_list(db.session, world["H1"], NOW)}
    assert set(hr) == {fixed.id, own.id}
    assert (hr[fixed.id].takers, hr[fixed.id].pending_reviews) == (3, 1)
    assert hr[fixed.id].pass_rate == pytest.approx(1 / 3)
    t1 = {row.exam.id: row for row in exam_list(db.session, world["T1"], NOW)}
    assert t1[fixed.id].takers == 2 and t1[fixed.id].pass_rate == pytest.approx(0.5)
    assert t1[own.id].manageable and not t1[fixed.id].manageable
    t2 = {row.exam.id for row in exam_list(db.session, world["T2"], NOW)}
    assert t2 == {fixed.id}


def test_abandoned_attempts_are_submitted_before_reading(world):
    exam = create_exam(db.session, world["H1"], spec(world), NOW - timedelta(days=1))
    attempt = attempt_for(
        exam,
        world["E1"],
        status="in_progress",
        open_slot=1,
        started_at=NOW - timedelta(hours=2),
        deadline_at=NOW - timedelta(hours=1),
        submitted_at=None,
        score=None,
        passed=None,
    )
    found = exam_results(db.session, world["H1"], exam.id, NOW)
    assert [a.status for a in found.attempts] == ["auto_submitted"]
    assert db.session.get(ExamAttempt, attempt.id).status == "auto_submitted"
