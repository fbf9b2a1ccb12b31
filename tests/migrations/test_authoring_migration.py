"""The authoring migration alters bank and item on SQLite by copying the tables: no row
that refers to them (sections, items, memory states, the review log) may be lost, on the
way up or down."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from quizapp import create_app
from quizapp.extensions import db
from tests.study.test_last_rating_migration import _inserter

BEFORE = "791f1b9ea98e"
TABLES = ("bank", "section", "item", "memory_state", "review_log")


def _counts(connection) -> dict[str, int]:
    return {t: connection.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in TABLES}


def test_upgrade_and_downgrade_keep_every_row_that_refers_to_banks_and_items(tmp_path):
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
            for item in (1, 2):
                add("item", id=item, bank_id=1, section_id=1, key=f"k{item}")
                add("memory_state", employee_id=1, item_id=item, state=2)
                add("review_log", employee_id=1, item_id=item, kind="review", rating=3)
            before = _counts(connection)
        assert before == {"bank": 1, "section": 1, "item": 2, "memory_state": 2, "review_log": 2}
        upgrade()
        with db.engine.connect() as connection:
            assert _counts(connection) == before
            assert connection.execute(text("SELECT variables FROM item")).scalars().all() == [
                "[]",
                "[]",
            ]
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        downgrade(revision=BEFORE)
        with db.engine.connect() as connection:
            assert _counts(connection) == before
        upgrade()
        with db.engine.connect() as connection:
            assert _counts(connection) == before
        db.engine.dispose()
