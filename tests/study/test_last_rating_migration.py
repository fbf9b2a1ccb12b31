"""The readiness migration fills memory_state.last_rating from the review log."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from quizapp import create_app
from quizapp.extensions import db

BEFORE = "559088812b43"


def test_last_rating_is_backfilled_from_the_last_answer_not_undone(tmp_path):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'q.sqlite3'}", "SECRET_KEY": "x"}
    )
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as connection:
            add = _inserter(connection)
            add("employee", id=1, employee_no="E1", status="active")
            add("bank", id=1, slug="b")
            add("section", id=1, bank_id=1)
            for item in (1, 2, 3):
                add("item", id=item, bank_id=1, section_id=1, key=f"k{item}")
                add("memory_state", employee_id=1, item_id=item, state=2)
            reviews = [
                (1, "review", 3, "2026-01-01 01:00:00", None),
                (1, "review", 1, "2026-01-02 01:00:00", None),  # item 1: last answer wrong
                (2, "review", 1, "2026-01-01 01:00:00", None),
                (2, "review", 3, "2026-01-02 01:00:00", None),
                (2, "retry", 3, "2026-01-02 01:01:00", None),
                (3, "review", 3, "2026-01-01 01:00:00", None),
                (3, "review", 1, "2026-01-02 01:00:00", "2026-01-02 01:02:00"),  # undone
            ]
            _insert_reviews(connection, reviews)
        upgrade()
        with db.engine.connect() as connection:
            found = dict(
                connection.execute(text("SELECT item_id, last_rating FROM memory_state")).all()
            )
        assert found == {1: 1, 2: 3, 3: 3}
        downgrade(revision=BEFORE)
        upgrade()
        db.engine.dispose()


def _insert_reviews(connection, reviews) -> None:
    """Employee 1's review log: (item, kind, rating, server time, undone at) rows."""
    for item, kind, rating, at, undone in reviews:
        connection.execute(
            text(
                "INSERT INTO review_log (employee_id, item_id, item_version, kind,"
                " rating, overruled, answer, server_time, undone_at) VALUES"
                " (1, :item, 1, :kind, :rating, 0, '{}', :at, :undone)"
            ),
            {"item": item, "kind": kind, "rating": rating, "at": at, "undone": undone},
        )


def _inserter(connection):
    """Insert a row giving only some columns: every other NOT NULL column without a
    default gets a value of its type (the schema is the old revision's, not the models')."""

    def add(table: str, **values) -> None:
        for _cid, name, kind, notnull, default, pk in connection.exec_driver_sql(
            f"PRAGMA table_info({table})"
        ):
            if name in values or not notnull or default is not None or pk:
                continue
            kind = kind.upper()
            if "INT" in kind or "BOOL" in kind:
                values[name] = 0
            elif "FLOAT" in kind or "REAL" in kind:
                values[name] = 0.0
            elif "DATE" in kind or "TIME" in kind:
                values[name] = "2026-01-01 00:00:00"
            elif "JSON" in kind:
                values[name] = "[]"
            else:
                values[name] = "x"
        columns = ", ".join(values)
        marks = ", ".join(f":{name}" for name in values)
        connection.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({marks})"), values)

    return add
