"""The expected-lapses migration fills memory_state.expected_lapses by replaying each
item's review log, so a stored state stays equal to a replay of its log."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from quizapp import create_app, srs
from quizapp.extensions import db
from tests.study.test_last_rating_migration import _insert_reviews, _inserter

BEFORE = "b39bb015d907"
# (item, kind, rating, answered at, undone at)
LOG = [
    (1, "review", 3, "2026-01-01 01:00:00", None),
    (1, "review", 3, "2026-01-04 01:00:00", None),
    (1, "review", 1, "2026-01-15 01:00:00", None),
    (1, "retry", 3, "2026-01-15 01:01:00", None),  # logged, not scheduled
    (1, "review", 3, "2026-01-16 01:00:00", None),
    (2, "review", 3, "2026-01-01 01:00:00", None),
    (2, "review", 3, "2026-01-09 01:00:00", "2026-01-09 01:02:00"),  # undone
    (2, "review", 3, "2026-01-10 01:00:00", None),
    (3, "review", 1, "2026-01-01 01:00:00", None),  # answered once: nothing expected yet
]


def _expected(item: int, settings: srs.RoleSettings) -> float:
    entries = [
        srs.Review(item, 1, rating, datetime.fromisoformat(at).replace(tzinfo=UTC), kind == "retry")
        for n, kind, rating, at, undone in LOG
        if n == item and undone is None
    ]
    state = srs.replay(entries, settings)
    assert state is not None
    return state.expected_lapses


@pytest.mark.parametrize("with_role", [False, True])
def test_expected_lapses_are_backfilled_by_replaying_the_log(tmp_path, with_role):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'q.sqlite3'}", "SECRET_KEY": "x"}
    )
    settings = srs.DEFAULT_SETTINGS
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as connection:
            add = _inserter(connection)
            role = None
            if with_role:
                settings = srs.RoleSettings(
                    desired_retention=0.85, day_boundary_hour=6, timezone="Europe/Berlin"
                )
                add("job_role", id=1, name="r", **settings.to_dict())
                role = 1
            add("employee", id=1, employee_no="E1", status="active", job_role_id=role)
            add("bank", id=1, slug="b")
            add("section", id=1, bank_id=1)
            for item in (1, 2, 3):
                answers = sum(1 for n, kind, _r, _a, undone in LOG if n == item and undone is None)
                add("item", id=item, bank_id=1, section_id=1, key=f"k{item}")
                add("memory_state", employee_id=1, item_id=item, state=2, reps=answers)
            _insert_reviews(connection, LOG)
        upgrade()
        with db.engine.connect() as connection:
            found = dict(
                connection.execute(text("SELECT item_id, expected_lapses FROM memory_state")).all()
            )
        wanted = {item: _expected(item, settings) for item in (1, 2, 3)}
        assert wanted[1] > wanted[2] > 0 and wanted[3] == 0
        assert found == pytest.approx(wanted, abs=1e-12)
        downgrade(revision=BEFORE)
        upgrade()
        db.engine.dispose()
