"""Shared fixtures: an app on the test database, a client, a CLI runner.

The database comes from QUIZAPP_TEST_DATABASE_URL (CI runs the suite on PostgreSQL that
way) and is SQLite in memory when unset. The schema is built by the Alembic migrations,
once per session; every test starts from empty tables.
"""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import pytest
from flask import g
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text

from quizapp import create_app
from quizapp.extensions import db

TEST_DATABASE_URL = os.environ.get("QUIZAPP_TEST_DATABASE_URL", "sqlite://")
DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parent.parent


def gunicorn_config():
    """gunicorn.conf.py, loaded as gunicorn loads it: a fresh module each call, so it reads
    the environment as it is now."""
    spec = importlib.util.spec_from_file_location("gunicorn_conf", REPO / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class FreshGlobalsClient(FlaskClient):
    """A test client whose every request starts with an empty `g`.

    Tests keep an app context open (to use the database directly); Flask then reuses it
    for requests, and Flask-Login would remember the first request's user in `g`.
    """

    def open(self, *args, **kwargs):
        for name in list(g):
            g.pop(name)
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def _app():
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL,
            "SECRET_KEY": "test-secret-key",
        }
    )
    app.test_client_class = FreshGlobalsClient
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            # A clean schema, whatever an earlier (interrupted) run left behind.
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        upgrade()
    yield app
    with app.app_context():
        # Close pooled connections, or psycopg warns about them at interpreter exit.
        db.engine.dispose()


@pytest.fixture
def app(_app):
    with _app.app_context():
        yield _app
        db.session.remove()
        _empty_tables()


def _empty_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def blns() -> list[str]:
    """The Big List of Naughty Strings."""
    return json.loads((DATA / "blns.json").read_text(encoding="utf-8"))


def database_snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, to assert that a failed operation changed nothing."""
    snapshot = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(table.select()).all()
        snapshot[table.name] = sorted(tuple(map(repr, row)) for row in rows)
    return snapshot
