"""The Big List of Naughty Strings in every free-text input issue 12 added: an
assignment's title and note, an exam's title, a trainer's review comment and a typed exam
answer. Each string is either stored exactly as given or refused with an error naming the
field — never a crash, never a change on refusal — and whatever was stored shows on the
pages and in the results export without breaking them."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlalchemy import select

from quizapp.assignments.service import AssignmentError, NewAssignment, create_assignment
from quizapp.exams.authoring import ExamSpec, ExamSpecError, Quota, create_exam
from quizapp.exams.errors import ExamError
from quizapp.exams.reviewing import review_answer
from quizapp.exams.taking import save_answer, start_attempt, submit_attempt
from quizapp.extensions import db
from quizapp.models import Assignment, Bank, Employee, Exam, ExamAnswer, JobRole
from quizapp.models.types import utcnow
from tests.exams import make_exam, setup_hire
from tests.factories import login, make_person


def people():
    make_person("H1", roles=("hr",))
    trainer = make_person("T1", roles=("trainer",))
    hire = setup_hire(trainer="T1")
    return db.session.get(Employee, trainer.id), hire


def test_assignment_titles_and_notes(app, blns):
    _trainer, hire = people()
    hr = db.session.scalar(select(Employee).where(Employee.employee_no == "H1"))
    bank_id = db.session.scalar(select(Bank.id))
    now = utcnow()
    stored = refused = 0
    for text in blns:
        for field in ("title", "note"):
            values = {"title": "任务", "note": "", field: text}
            before = db.session.scalar(select(db.func.count()).select_from(Assignment))
            try:
                made = create_assignment(
                    db.session,
                    hr,
                    NewAssignment(
                        bank_ids=[bank_id],
                        audience="role",
                        job_role_id=hire.job_role_id,
                        starts_on=now.date(),
                        due_on=now.date() + timedelta(days=7),
                        **values,
                    ),
                    now,
                )
            except AssignmentError as error:
                assert error.field == field, (field, text)
                db.session.rollback()
                after = db.session.scalar(select(db.func.count()).select_from(Assignment))
                assert after == before
                refused += 1
                continue
            assert getattr(made, field) == text.strip() or getattr(made, field) == text
            stored += 1
    assert stored > 0 and refused > 0
    client = app.test_client()
    login(client, "H1")
    assert client.get("/assignments/").status_code == 200
    client = app.test_client()
    login(client, hire.employee_no)
    assert client.get("/study/").status_code == 200


def test_exam_titles(app, blns):
    trainer, _hire = people()
    bank_id = db.session.scalar(select(Bank.id))
    role_id = db.session.scalar(select(JobRole.id).where(JobRole.name == "客服前台"))
    now = utcnow()
    stored = refused = 0
    for text in blns:
        spec = ExamSpec(
            title=text,
            bank_ids=(bank_id,),
            quotas=(Quota(None, None, 2),),
            audience="role",
            job_role_id=role_id,
        )
        try:
            exam = create_exam(db.session, trainer, spec, now)
        except ExamSpecError as error:
            assert error.field == "title", text
            db.session.rollback()
            refused += 1
            continue
        assert exam.title in (text, text.strip())
        stored += 1
    assert stored > 0 and refused > 0
    client = app.test_client()
    login(client, "T1")
    assert client.get("/exams/").status_code == 200
    exam_id = db.session.scalar(select(Exam.id).order_by(Exam.id.desc()))
    assert client.get(f"/exams/{exam_id}").status_code == 200


def test_typed_answers_and_review_comments(app, blns):
    trainer, hire = people()
    exam = make_exam(fixed=("three",), attempts_allowed=1)
    now = utcnow()
    attempt = start_attempt(db.session, hire, exam.id, now)
    revision = 0
    kept = None
    for text in blns:
        try:
            row = save_answer(db.session, hire, attempt.id, 1, {"text": text}, revision, now)
        except ExamError as error:
            assert error.status in (400, 422), text
            db.session.rollback()
            continue
        revision, kept = row.revision, text
        assert row.answer["text"] in (text, text.strip())
    assert kept is not None
    submit_attempt(db.session, hire, attempt.id, now + timedelta(minutes=1))
    answer_id = db.session.scalar(select(ExamAnswer.id).where(ExamAnswer.attempt_id == attempt.id))
    comments = 0
    for text in blns:
        try:
            row = review_answer(db.session, trainer, answer_id, 0.5, text, now)
        except ExamError as error:
            assert error.status in (400, 422), text
            db.session.rollback()
            continue
        assert row.review_comment in (text, text.strip())
        comments += 1
    assert comments > 0
    client = app.test_client()
    login(client, "T1")
    export = client.get(f"/exams/{exam.id}/results.csv")
    assert export.status_code == 200
    list(csv.reader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff"))))
    assert client.get(f"/exams/{exam.id}").status_code == 200
    client = app.test_client()
    login(client, hire.employee_no)
    assert client.get(f"/exam/attempt/{attempt.id}/result").status_code == 200
