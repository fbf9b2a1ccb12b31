"""The whole quizapp app plus two bench-only ceiling endpoints, for gunicorn.

    QUIZAPP_DATABASE_URL=sqlite:////tmp/…/bench.sqlite3 QUIZAPP_SECRET_KEY=bench \\
        .venv/bin/gunicorn --pythonpath bench ceiling_app:app

Same stack and config as wsgi.py (create_app reads QUIZAPP_*), so the study routes are
served by the same workers; the blueprint is registered here, never in the app package.

  /bench/bare       returns a short string: Flask, the policy hook and gunicorn, no database.
  /bench/one-write  one indexed read (an employee by employee_no), one UPDATE (its
                    updated_at), one INSERT (an audit_entry row), a small template rendered
                    with render_template_string, committed. The write runs in the app's own
                    write_transaction (BEGIN IMMEDIATE on SQLite), as the study answer does.
"""

from __future__ import annotations

import random

from flask import Blueprint, abort, render_template_string, request
from sqlalchemy import select, update

from quizapp import create_app
from quizapp.database import write_transaction
from quizapp.extensions import db
from quizapp.models import AuditEntry, Employee
from quizapp.models.types import utcnow
from quizapp.policy import POLICY, PUBLIC

# The one-write endpoint reads a random one of B0001 … B<employees> (the bench script
# creates them), or the one ?employee_no= names.
DEFAULT_EMPLOYEES = 32

TEMPLATE = """<!doctype html>
<title>ceiling</title>
<p>{{ name }} ({{ number }}) · {{ at.strftime('%H:%M:%S') }} · entry {{ entry_id }}</p>
"""

bp = Blueprint("bench", __name__, url_prefix="/bench")


@bp.get("/bare")
def bare():
    return "ok"


@bp.get("/one-write")
def one_write():
    number = request.args.get("employee_no")
    if number is None:
        count = request.args.get("employees", DEFAULT_EMPLOYEES, type=int) or 1
        number = f"B{random.randint(1, count):04d}"
    now = utcnow()
    with write_transaction(db.session):
        person = db.session.execute(
            select(Employee.id, Employee.name).where(Employee.employee_no == number)
        ).first()
        if person is None:
            abort(404)
        db.session.execute(update(Employee).where(Employee.id == person.id).values(updated_at=now))
        entry = AuditEntry(action="bench", actor_id=person.id, target=number, at=now)
        db.session.add(entry)
        db.session.flush()
        entry_id = entry.id
    return render_template_string(
        TEMPLATE, name=person.name, number=number, at=now, entry_id=entry_id
    )


POLICY["bench.bare"] = PUBLIC
POLICY["bench.one_write"] = PUBLIC

app = create_app()
app.register_blueprint(bp)
