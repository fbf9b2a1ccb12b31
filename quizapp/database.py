"""Engine settings that must hold on every connection, SQLite files readable by their owner
only, and write transactions that serialise read-modify-write updates on every engine."""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
from contextlib import contextmanager, suppress

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

_listening = False
IMMEDIATE = "quizapp_immediate"
log = logging.getLogger(__name__)


def private_sqlite_file(path: str) -> None:
    """Create the SQLite database file owner-only (0600) before SQLite opens it, and narrow
    an existing one (and its -wal, -shm and -journal files) that others may read.

    SQLite creates the -wal, -shm and -journal files with the database file's permissions,
    whatever the umask; so an owner-only database keeps its logs owner-only too.
    """
    # Already there, or cannot be created here (a missing folder): SQLite says what is wrong.
    with suppress(OSError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for name in (path, f"{path}-wal", f"{path}-shm", f"{path}-journal"):
        try:
            if stat.S_IMODE(os.stat(name).st_mode) & 0o077:
                os.chmod(name, 0o600)
        except FileNotFoundError:
            continue
        except PermissionError:  # another account's file: leave it, but say so
            log.warning("cannot make %s readable by its owner only", name)


def _on_do_connect(dialect, _record, cargs, cparams) -> None:
    if dialect.name != "sqlite":
        return
    database = cargs[0] if cargs else cparams.get("database")
    # Not in memory (":memory:", ""), nor a URI (file:…?mode=…) opened as the caller says.
    if (
        isinstance(database, str)
        and database not in ("", ":memory:")
        and not database.startswith("file:")
    ):
        private_sqlite_file(database)


def _on_connect(dbapi_connection, _record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Python's sqlite3 module begins transactions lazily and never with IMMEDIATE; take
    # over: SQLAlchemy's "begin" event below emits the BEGIN itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # Foreign keys are off by default in SQLite; WAL lets readers work during a write.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode")
    mode = cursor.fetchone()[0]
    if mode != "memory":
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Every write by another process empties this connection's page cache; reading
        # the pages back through a memory map is cheaper than through read() calls.
        cursor.execute("PRAGMA mmap_size=268435456")
    cursor.close()


def _on_begin(connection: Connection) -> None:
    if connection.dialect.name != "sqlite":
        return
    # IMMEDIATE takes the write lock up front: two writers cannot both read a memory state
    # and then both write it (with a deferred BEGIN, about half such updates are lost).
    if connection.get_execution_options().get(IMMEDIATE):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")


@contextmanager
def write_transaction(session: Session):
    """Run a read-modify-write unit in its own transaction, serialised per database.

    Ends whatever transaction the session had (a request has usually read the current
    user already), then begins one that holds the write lock from its first statement on
    SQLite. On PostgreSQL the caller locks the rows it will change (SELECT … FOR UPDATE).
    Commits on success, rolls back on error.
    """
    # Objects loaded before (the current user, the item) stay loaded across these two
    # commits: the first only ends a read, the second writes what they already hold.
    # Reloading them inside the lock cost more than the write itself. Rows the unit
    # reads to change must therefore be selected with populate_existing=True.
    real = session.registry() if hasattr(session, "registry") else session
    expire = real.expire_on_commit
    real.expire_on_commit = False
    try:
        session.commit()
        session.connection(execution_options={IMMEDIATE: True})
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
    finally:
        real.expire_on_commit = expire


def init_app(app: Flask) -> None:
    global _listening
    if not _listening:
        event.listen(Engine, "do_connect", _on_do_connect)
        event.listen(Engine, "connect", _on_connect)
        event.listen(Engine, "begin", _on_begin)
        _listening = True
