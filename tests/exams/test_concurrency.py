"""20 simultaneous starts of one exam by one person (a double tap, many tabs, a retrying
phone): exactly one attempt, and the attempts limit holds. On a SQLite file and, when
QUIZAPP_TEST_DATABASE_URL names one, on PostgreSQL."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from quizapp import create_app
from quizapp.extensions import db
from quizapp.models import ExamAttempt
from tests.exams import make_exam, setup_hire
from tests.exams.concurrency import start_and_maybe_submit

WORKERS = 20


def engines() -> list[str]:
    urls = ["sqlite-file"]
    if os.environ.get("QUIZAPP_TEST_DATABASE_URL", "").startswith("postgresql"):
        urls.append(os.environ["QUIZAPP_TEST_DATABASE_URL"])
    return urls


@pytest.fixture(params=engines())
def database(request, tmp_path):
    engine = request.param
    if engine == "sqlite-file":
        url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x"})
        context = app.app_context()
        context.push()
        upgrade()
    else:
        url = engine
        request.getfixturevalue("app")  # the session's PostgreSQL database, emptied afterwards
        context = None
    yield url
    if context is not None:
        db.session.remove()
        db.engine.dispose()
        context.pop()


def run(url: str, exam_id: int, submit: bool) -> list[dict]:
    barrier = threading.Barrier(WORKERS)
    with ThreadPoolExecutor(WORKERS) as pool:
        futures = [
            pool.submit(start_and_maybe_submit, url, "E1", exam_id, barrier, submit)
            for _ in range(WORKERS)
        ]
        return [future.result() for future in futures]


def attempts() -> int:
    db.session.rollback()  # end the read that began before the workers wrote
    return db.session.scalar(select(func.count()).select_from(ExamAttempt))


@pytest.mark.slow
def test_twenty_simultaneous_starts_make_one_attempt(database):
    setup_hire()
    exam = make_exam(fixed=("ring", "paid"), attempts_allowed=3)
    outcomes = run(database, exam.id, submit=False)
    assert [o for o in outcomes if "error" in o] == []
    assert len({o["attempt"] for o in outcomes}) == 1
    assert attempts() == 1


@pytest.mark.slow
def test_the_attempts_limit_holds_under_concurrency(database):
    setup_hire()
    exam = make_exam(fixed=("ring",), attempts_allowed=2)
    outcomes = run(database, exam.id, submit=True)
    assert [o for o in outcomes if "error" in o] == []
    assert attempts() <= 2
    assert {o.get("refused") for o in outcomes if "refused" in o} <= {409}
    numbers = db.session.scalars(select(ExamAttempt.number).order_by(ExamAttempt.number)).all()
    assert numbers == list(range(1, len(numbers) + 1))
