"""bench/load.py's reconciliation: what the database holds against what the simulated
people were told, read with the app's own models after the run."""

from __future__ import annotations

from datetime import timedelta

GRACE = timedelta(seconds=10)  # quizapp.exams.scoring.GRACE


def _close(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and abs(a - b) <= 1e-9 * max(1.0, abs(a))
    return a == b


def same_state(stored, replayed) -> bool:
    if stored is None or replayed is None:
        return stored is replayed
    left, right = stored.to_dict(), replayed.to_dict()
    return left.keys() == right.keys() and all(_close(left[k], right[k]) for k in left)


def reconcile(url: str, secret: str, record, exam_id: int) -> dict:
    from sqlalchemy import func, select

    from quizapp import create_app
    from quizapp.exams.taking import sweep_expired
    from quizapp.extensions import db
    from quizapp.models import (
        Employee,
        ExamAnswer,
        ExamAttempt,
        IdempotencyRecord,
        MemoryState,
        ReviewLog,
    )
    from quizapp.models.types import utcnow
    from quizapp.study.history import replay_state
    from quizapp.study.memory import to_srs

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secret})
    with app.app_context():
        session = db.session
        numbers = dict(session.execute(select(Employee.id, Employee.employee_no)).all())
        study_rows = session.execute(
            select(ReviewLog.employee_id, ReviewLog.idempotency_key).where(
                ReviewLog.idempotency_key.is_not(None),
                ReviewLog.idempotency_key.not_like("exam:%"),
            )
        ).all()
        logged = {(numbers[employee], key) for employee, key in study_rows}
        exam_reviews = session.scalar(
            select(func.count())
            .select_from(ReviewLog)
            .where(ReviewLog.idempotency_key.like("exam:%"))
        )
        duplicate_records = session.scalar(
            select(func.count()).select_from(
                select(IdempotencyRecord.employee_id, IdempotencyRecord.key)
                .group_by(IdempotencyRecord.employee_id, IdempotencyRecord.key)
                .having(func.count() > 1)
                .subquery()
            )
        )
        mismatches, states = [], 0
        people = {person.id: person for person in session.scalars(select(Employee))}
        for row in session.scalars(select(MemoryState)):
            states += 1
            replayed = replay_state(session, people[row.employee_id], row.item_id)
            if not same_state(to_srs(row), replayed):
                mismatches.append([numbers[row.employee_id], row.item_id])
        # As `quizapp exam attempts` does: attempts past their time are submitted first.
        sweep_expired(session, utcnow())
        exam = _exam(session, record, exam_id, numbers, ExamAttempt, ExamAnswer)
        session.remove()
        db.engine.dispose()
    acked = record.acked
    return {
        "answers_acked": len(acked),
        "answers_sent": len(record.sent),
        "reviews_logged": len(study_rows),
        "acked_not_logged": len(acked - logged),
        "logged_not_acked": len(logged - acked),
        "duplicates": len(study_rows) - len(logged) + duplicate_records,
        "memory_states": states,
        "replay_mismatches": len(mismatches),
        "replay_mismatch_examples": mismatches[:5],
        "exam_reviews_logged": exam_reviews,
        "exam": exam,
    }


def _exam(session, record, exam_id, numbers, ExamAttempt, ExamAnswer) -> dict:
    from sqlalchemy import select

    attempts = session.scalars(select(ExamAttempt).where(ExamAttempt.exam_id == exam_id)).all()
    by_person: dict[str, list] = {}
    for attempt in attempts:
        by_person.setdefault(numbers[attempt.employee_id], []).append(attempt)
    takers = record.exam
    lost, late_accepted, after_deadline, wrong_status, auto_after_deadline = 0, 0, 0, 0, 0
    for number, mine in takers.items():
        [attempt, *_more] = by_person.get(number) or [None]
        if attempt is None:
            continue
        rows = {
            row.position: row
            for row in session.scalars(
                select(ExamAnswer).where(ExamAnswer.attempt_id == attempt.id)
            )
        }
        for position, revision in mine["saves"].items():
            row = rows.get(position)
            if row is None or row.revision < revision or not row.answer:
                lost += 1
        limit = attempt.deadline_at + GRACE if attempt.deadline_at else None
        if limit is not None:
            late_accepted += sum(1 for r in rows.values() if r.saved_at and r.saved_at > limit)
            # Handed in by the person after the grace (a sweep's auto-submit may come later).
            if attempt.status == "submitted" and attempt.submitted_at > limit:
                after_deadline += 1
        # A hand-in acknowledged must have closed the attempt ("auto_submitted" when the
        # server got it after the deadline); one never handed in is auto-submitted.
        if mine["submitted"]:
            wrong_status += attempt.status == "in_progress"
            auto_after_deadline += attempt.status == "auto_submitted"
        elif mine["late"]:
            wrong_status += attempt.status != "auto_submitted"
    starts = [a.started_at for a in attempts if numbers[a.employee_id] in takers]
    late = [m for m in takers.values() if m["late"]]
    submits = [m["submit_sent"] for m in takers.values() if "submit_sent" in m]
    return {
        "takers": len(takers),
        "attempts": len(attempts),
        "people_with_one_attempt": sum(1 for n in takers if len(by_person.get(n, [])) == 1),
        "people_with_more_attempts": sum(1 for n in takers if len(by_person.get(n, [])) > 1),
        "start_spread_s": round((max(starts) - min(starts)).total_seconds(), 3) if starts else None,
        "saves_acked": sum(len(m["saves"]) for m in takers.values()),
        "saves_lost": lost,
        "submits_acked": sum(1 for m in takers.values() if m["submitted"]),
        "submit_sent_s_after_start": [round(min(submits), 1), round(max(submits), 1)]
        if submits
        else None,
        "wrong_status": wrong_status,
        "submits_reaching_server_after_deadline": auto_after_deadline,
        "submitted_after_grace": after_deadline,
        "saves_after_grace_accepted": late_accepted,
        "late_probes": sum(1 for m in late if m["late_status"] is not None),
        "late_probes_refused": sum(
            1 for m in late if m["late_status"] and 400 <= m["late_status"] < 500
        ),
    }
