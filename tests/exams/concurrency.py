"""Workers for tests/exams/test_concurrency.py: each thread its own app and session."""

from __future__ import annotations

import threading
import traceback

# Building apps one at a time: CPython 3.11's ast module is not thread-safe ("AST
# constructor recursion depth mismatch"), and building is not what is raced here.
_BUILDING = threading.Lock()


def start_and_maybe_submit(
    database_url: str, employee_no: str, exam_id: int, barrier: threading.Barrier, submit: bool
) -> dict:
    """Wait for every worker, then start the exam (and hand it in when `submit`);
    the attempt's id, or the refusal's status, or the traceback of anything else."""
    from sqlalchemy import select

    from quizapp import create_app
    from quizapp.exams.errors import ExamError
    from quizapp.exams.taking import start_attempt, submit_attempt
    from quizapp.extensions import db
    from quizapp.models import Employee
    from quizapp.models.types import utcnow

    with _BUILDING:
        app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "x"})
    outcome: dict = {}
    with app.app_context():
        try:
            person = db.session.scalar(select(Employee).where(Employee.employee_no == employee_no))
            db.session.commit()
            barrier.wait(timeout=60)
            attempt = start_attempt(db.session, person, exam_id, utcnow())
            outcome["attempt"] = attempt.id
            if submit:
                submit_attempt(db.session, person, attempt.id, utcnow())
        except ExamError as error:
            db.session.rollback()
            outcome["refused"] = error.status
        except Exception:  # noqa: BLE001 - every other failure is reported, not hidden
            db.session.rollback()
            outcome["error"] = traceback.format_exc(limit=5)
        finally:
            db.session.remove()
            db.engine.dispose()
    return outcome
