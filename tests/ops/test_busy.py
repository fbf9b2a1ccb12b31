"""Busy, not broken: a write that cannot get its lock in time is a 503 with Retry-After,
nothing of it is written, and the same request succeeds once the lock is gone.

Runs on whatever QUIZAPP_TEST_DATABASE_URL names: on SQLite a second connection holds the
write lock (BEGIN IMMEDIATE and a write) past a short busy timeout; on PostgreSQL it holds
an ACCESS EXCLUSIVE lock on review_log past a short lock_timeout.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager

import psycopg.errors
import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.pool import NullPool

from quizapp import create_app
from quizapp.extensions import db
from quizapp.models import IdempotencyRecord, ReviewLog
from quizapp.ops.busy import handle_database_error, is_busy
from tests.conftest import TEST_DATABASE_URL, FreshGlobalsClient
from tests.factories import STUDY_BANK, load_bank, login, make_person
from tests.study.test_views import fields, right_answer

POSTGRES = make_url(TEST_DATABASE_URL).get_backend_name() == "postgresql"
TIMEOUT_MS = 300


@pytest.fixture
def busy_app(request, tmp_path):
    if POSTGRES:
        request.getfixturevalue("app")  # the migrated schema, emptied after the test
        url = TEST_DATABASE_URL
        timeout = {"POSTGRES_LOCK_TIMEOUT_MS": TIMEOUT_MS}
    else:
        url = f"sqlite:///{tmp_path / 'busy.sqlite3'}"
        timeout = {"SQLITE_BUSY_TIMEOUT_MS": TIMEOUT_MS}
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "test-secret-key", "SQLALCHEMY_DATABASE_URI": url} | timeout
    )
    app.test_client_class = FreshGlobalsClient
    with app.app_context():
        if not POSTGRES:
            upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


@contextmanager
def lock_held(app):
    """Another connection holds the lock an answer needs, until the block ends."""
    db.session.remove()  # the app's own session keeps no transaction open meanwhile
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if POSTGRES:
        engine = create_engine(url, poolclass=NullPool)
        with engine.connect() as connection:
            transaction = connection.begin()
            connection.exec_driver_sql("SET LOCAL lock_timeout = '10s'")
            connection.exec_driver_sql("LOCK TABLE review_log IN ACCESS EXCLUSIVE MODE")
            try:
                yield
            finally:
                transaction.rollback()
        engine.dispose()
    else:
        connection = sqlite3.connect(make_url(url).database, isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("UPDATE employee SET name = name")
        try:
            yield
        finally:
            connection.execute("ROLLBACK")
            connection.close()


def counts() -> tuple[int, int]:
    db.session.remove()
    return (
        db.session.scalar(select(func.count()).select_from(ReviewLog)),
        db.session.scalar(select(func.count()).select_from(IdempotencyRecord)),
    )


@pytest.fixture
def hire_client(busy_app):
    load_bank(STUDY_BANK)
    make_person("E1", job_role="客服前台")
    client = busy_app.test_client()
    login(client, "E1")
    return client


def test_the_short_timeout_is_the_configured_one(busy_app):
    if POSTGRES:
        assert db.session.scalar(text("SHOW lock_timeout")) == f"{TIMEOUT_MS}ms"
    else:
        assert db.session.scalar(text("PRAGMA busy_timeout")) == TIMEOUT_MS


def test_a_locked_answer_is_busy_then_recorded_once(busy_app, hire_client):
    page = hire_client.get("/study/").get_data(as_text=True)
    data = {**fields(page), **right_answer(page)}
    with lock_held(busy_app):
        response = hire_client.post("/study/answer", data=data)
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "2"
        assert "系统繁忙" in response.get_data(as_text=True)
        assert response.mimetype == "text/html"
    assert counts() == (0, 0)  # nothing of it written
    first = hire_client.post("/study/answer", data=data)
    assert first.status_code == 200
    assert "答对了" in first.get_data(as_text=True)
    again = hire_client.post("/study/answer", data=data)
    assert again.status_code == 200
    assert counts() == (1, 1)


def test_a_json_client_is_told_busy_in_json(busy_app, hire_client):
    page = hire_client.get("/study/").get_data(as_text=True)
    data = {**fields(page), **right_answer(page)}
    with lock_held(busy_app):
        response = hire_client.post(
            "/study/answer", data=data, headers={"Accept": "application/json"}
        )
    assert response.status_code == 503
    assert response.get_json() == {"error": "busy"}
    assert response.headers["Retry-After"] == "2"
    assert counts() == (0, 0)


def test_a_real_sqlite_lock_error_is_busy(tmp_path):
    path = tmp_path / "locked.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO t VALUES (1)")
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 0.05}, poolclass=NullPool)
    try:
        with pytest.raises(OperationalError) as caught, engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA busy_timeout=50")
            connection.exec_driver_sql("INSERT INTO t VALUES (2)")
        assert is_busy(caught.value)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        engine.dispose()


@pytest.mark.parametrize(
    "orig",
    [
        psycopg.errors.LockNotAvailable("canceling statement due to lock timeout"),
        psycopg.errors.SerializationFailure("could not serialize access"),
        psycopg.errors.DeadlockDetected("deadlock detected"),
    ],
)
def test_postgresql_lock_errors_are_busy(orig):
    assert is_busy(OperationalError("UPDATE x", {}, orig))


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("SELECT 1", {}, sqlite3.OperationalError("unable to open database file")),
        OperationalError("SELECT 1", {}, psycopg.errors.QueryCanceled("statement timeout")),
        IntegrityError("INSERT", {}, psycopg.errors.UniqueViolation("duplicate key")),
        OperationalError("SELECT 1", {}, psycopg.errors.AdminShutdown("terminating connection")),
    ],
)
def test_other_database_errors_stay_errors(app, error):
    assert not is_busy(error)
    with app.test_request_context("/study/answer", method="POST"), pytest.raises(type(error)):
        handle_database_error(error)


def test_busy_error_handler_answers_503_and_rolls_back(app, monkeypatch):
    rolled_back = []
    monkeypatch.setattr(db.session, "rollback", lambda: rolled_back.append(True))
    error = OperationalError("UPDATE x", {}, psycopg.errors.DeadlockDetected("deadlock"))
    with app.test_request_context("/healthz"):
        response = handle_database_error(error)
    assert response.status_code == 503
    assert response.get_json() == {"error": "busy"}
    assert rolled_back == [True]
