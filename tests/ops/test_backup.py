"""`quizapp db backup` / `quizapp db restore`: SQLite's online backup, on SQLite files in
tmp_path whatever the test database is (the commands are about SQLite files)."""

from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import closing

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

import quizapp.backup_cli  # noqa: F401  (adds backup and restore to the db group)
from quizapp import create_app
from quizapp.backup import LOCK_TIMEOUT_MS
from quizapp.extensions import db
from tests.study.test_last_rating_migration import _inserter

WRITES = 1000  # an upper bound: the writer stops 10 rows after the backup


def _app(path):
    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "x"})


def _run(app, *args, **kwargs):
    return app.test_cli_runner().invoke(args=["db", *args], **kwargs)


def _rows(path, table):
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()


def _review(connection, number):
    connection.execute(
        "INSERT INTO review_log (employee_id, item_id, item_version, kind, rating, overruled,"
        " answer, server_time) VALUES (1, 1 + ? % 2, 1, 'review', 1 + ? % 4, 0, ?, ?)",
        (number, number, f'{{"n": {number}}}', f"2026-01-01 00:{number // 60:02}:{number % 60:02}"),
    )


@pytest.fixture
def live(tmp_path):
    """An app on a migrated SQLite file with an employee, a bank, two items, their
    memory states and a few reviews; yields (app, path). Closes every connection after."""
    path = tmp_path / "live.sqlite3"
    app = _app(path)
    with app.app_context():
        upgrade()
        with db.engine.begin() as connection:
            add = _inserter(connection)
            add("employee", id=1, employee_no="E1", status="active")
            add("bank", id=1, slug="b")
            add("section", id=1, bank_id=1)
            for item in (1, 2):
                add("item", id=item, bank_id=1, section_id=1, key=f"k{item}")
                add("memory_state", employee_id=1, item_id=item, state=2, stability=1.5 * item)
        with closing(sqlite3.connect(path, isolation_level=None)) as connection:
            for number in range(5):
                _review(connection, number)
        db.engine.dispose()
    yield app, path
    with app.app_context():
        db.engine.dispose()


def test_backup_while_another_connection_writes_is_a_consistent_prefix(live, tmp_path):
    app, path = live
    out = tmp_path / "backup.sqlite3"
    started, stop = threading.Event(), threading.Event()
    failures = []

    def writer():
        try:
            with closing(sqlite3.connect(path, isolation_level=None, timeout=10)) as c:
                after_stop = 0
                for number in range(5, 5 + WRITES):
                    _review(c, number)  # autocommit: one transaction per review
                    if number == 50:
                        started.set()
                    after_stop += stop.is_set()
                    if after_stop == 10:  # some rows surely after the backup
                        break
                    time.sleep(0.002)
        except Exception as exc:  # reported by the main thread
            failures.append(exc)
            started.set()

    thread = threading.Thread(target=writer)
    thread.start()
    assert started.wait(30)
    result = _run(app, "backup", str(out))
    stop.set()
    thread.join(60)
    assert not failures
    assert result.exit_code == 0, result.output
    assert "integrity check: ok" in result.output

    live_log = _rows(path, "review_log")
    assert len(live_log) < 5 + WRITES, "the writer ran out of rows before the backup"

    restored = tmp_path / "fresh.sqlite3"
    fresh = _app(restored)
    outcome = _run(fresh, "restore", str(out), "--yes")
    assert outcome.exit_code == 0, outcome.output
    copy = _rows(restored, "review_log")
    assert 50 <= len(copy) < len(live_log), "the backup ran while the writer was writing"
    assert copy == live_log[: len(copy)]
    assert f"  review_log: {len(copy)}" in result.output
    with closing(sqlite3.connect(restored)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with fresh.app_context():
        db.engine.dispose()


def test_backup_then_restore_brings_back_the_review_log_and_memory_states(live, tmp_path):
    app, path = live
    out = tmp_path / "backup.sqlite3"
    result = _run(app, "backup", str(out))
    assert result.exit_code == 0, result.output
    assert "  review_log: 5\n" in result.output
    assert "  memory_state: 2\n" in result.output
    assert f"size: {out.stat().st_size} bytes" in result.output
    assert out.stat().st_mode & 0o077 == 0
    at_backup = {t: _rows(path, t) for t in ("review_log", "memory_state")}

    with closing(sqlite3.connect(path, isolation_level=None)) as connection:
        _review(connection, 99)
        connection.execute("DELETE FROM review_log WHERE id = 1")
        connection.execute("UPDATE memory_state SET stability = 42")
    assert _rows(path, "review_log") != at_backup["review_log"]

    result = _run(app, "restore", str(out), "--yes")
    assert result.exit_code == 0, result.output
    assert f"restored {path} from {out}" in result.output
    assert {t: _rows(path, t) for t in at_backup} == at_backup
    with app.app_context():
        count = db.session.execute(text("SELECT count(*) FROM review_log")).scalar()
        db.session.remove()
    assert count == 5


def test_backup_never_overwrites_an_existing_file(live, tmp_path):
    app, _path = live
    out = tmp_path / "precious.sqlite3"
    out.write_bytes(b"yesterday's backup")
    result = _run(app, "backup", str(out))
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert out.read_bytes() == b"yesterday's backup"


def test_restore_refuses_while_another_connection_holds_the_database(live, tmp_path):
    app, path = live
    out = tmp_path / "backup.sqlite3"
    assert _run(app, "backup", str(out)).exit_code == 0
    before = path.read_bytes()

    # An idle reader (a server between requests): the -wal file is there but empty.
    with closing(sqlite3.connect(path, isolation_level=None)) as reader:
        reader.execute("SELECT count(*) FROM review_log").fetchone()
        assert path.with_name(path.name + "-wal").stat().st_size == 0
        began = time.monotonic()
        result = _run(app, "restore", str(out), "--yes")
        assert time.monotonic() - began < 5 + LOCK_TIMEOUT_MS / 1000
    assert result.exit_code == 1
    assert "is in use: stop the server" in result.output
    assert "database was not changed" in result.output

    # A connection that has written and is still open: its -wal file has content.
    with closing(sqlite3.connect(path, isolation_level=None)) as writer:
        _review(writer, 77)
        after_write = _rows(path, "review_log")
        result = _run(app, "restore", str(out), "--yes")
        assert result.exit_code == 1
        assert "-wal back in" in result.output
    assert _rows(path, "review_log") == after_write
    assert len(after_write) == 6 and before


def test_restore_asks_first_and_no_changes_nothing(live, tmp_path):
    app, path = live
    out = tmp_path / "backup.sqlite3"
    assert _run(app, "backup", str(out)).exit_code == 0
    with closing(sqlite3.connect(path, isolation_level=None)) as connection:
        _review(connection, 99)
    before = _rows(path, "review_log")
    result = _run(app, "restore", str(out), input="n\n")
    assert result.exit_code == 1
    assert "Replace every row of" in result.output
    assert "the database was not changed" in result.output
    assert _rows(path, "review_log") == before
    assert len(before) == 6


def test_restore_refuses_a_file_that_is_not_a_quizapp_backup(live, tmp_path):
    app, path = live
    before = _rows(path, "review_log")
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    result = _run(app, "restore", str(junk), "--yes")
    assert result.exit_code == 1
    assert "is not a SQLite database" in result.output

    other = tmp_path / "other.sqlite3"
    with closing(sqlite3.connect(other)) as connection:
        connection.execute("CREATE TABLE t (x)")
        connection.commit()
    result = _run(app, "restore", str(other), "--yes")
    assert result.exit_code == 1
    assert "no alembic_version table" in result.output

    result = _run(app, "restore", str(tmp_path / "missing.sqlite3"), "--yes")
    assert result.exit_code == 1
    assert "does not exist" in result.output
    assert _rows(path, "review_log") == before


@pytest.mark.parametrize("command", ["backup", "restore"])
def test_postgresql_is_refused_with_the_pg_dump_hint(tmp_path, command):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://quizapp@127.0.0.1:1/quizapp",
            "SECRET_KEY": "x",
        }
    )
    file = tmp_path / "quizapp.sqlite3"
    if command == "restore":
        file.write_bytes(b"")
    result = _run(app, command, str(file), *(["--yes"] if command == "restore" else []))
    assert result.exit_code == 1
    assert "PostgreSQL: back it up with pg_dump" in result.output
    assert "pg_restore" in result.output
    assert file.exists() == (command == "restore")


def test_restore_refuses_the_database_itself(live):
    app, path = live
    before = path.read_bytes()
    result = _run(app, "restore", str(path), "--yes")
    assert result.exit_code == 1
    assert "is the database itself" in result.output
    assert path.read_bytes() == before
