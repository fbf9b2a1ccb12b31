"""A worker process for tests/study/test_concurrency.py: one app, one engine, many answers."""

from __future__ import annotations

import traceback
from datetime import timedelta


def answer_many(
    database_url: str, employee_no: str, item_ids: list[int], count: int, seed: int
) -> dict:
    """Answer the same few items `count` times; return successes per item, conflicts, errors."""
    from sqlalchemy import select

    from quizapp import create_app
    from quizapp.extensions import db
    from quizapp.models import Employee
    from quizapp.models.types import utcnow
    from quizapp.study.answers import submit_answer
    from quizapp.study.errors import StudyError
    from quizapp.study.session import present

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "x"})
    done = dict.fromkeys(item_ids, 0)
    conflicts = 0
    errors: list[str] = []
    with app.app_context():
        employee = db.session.scalar(select(Employee).where(Employee.employee_no == employee_no))
        for n in range(count):
            item_id = item_ids[(n + seed) % len(item_ids)]
            for _attempt in range(50):
                now = utcnow()
                try:
                    ticket = present(
                        db.session, employee, item_id, now - timedelta(seconds=3)
                    ).ticket
                    submit_answer(
                        db.session,
                        employee,
                        ticket,
                        {"verdict": n % 3 != 0},
                        f"w{seed}-{n}-{_attempt}",
                        now,
                    )
                    done[item_id] += 1
                    break
                except StudyError as error:
                    db.session.rollback()
                    if error.status != 409:
                        errors.append(f"{error.status} {error}")
                        break
                    conflicts += 1  # another process answered first: show the card again
                except Exception:  # noqa: BLE001 - every other failure is counted, not hidden
                    db.session.rollback()
                    errors.append(traceback.format_exc(limit=3))
                    break
        db.session.remove()
        db.engine.dispose()
    return {"done": done, "conflicts": conflicts, "errors": errors}
