"""Busy, not broken: a write that cannot get its lock in time is answered 503 with
Retry-After (the study page tries again with the same idempotency key), never a 500.

Busy means SQLite's "database is locked" (SQLITE_BUSY / SQLITE_LOCKED) after its busy
timeout, or PostgreSQL's lock timeout (55P03), serialization failure (40001) or deadlock
(40P01). Any other database error stays a 500.
"""

from __future__ import annotations

import logging
import sqlite3
from contextlib import suppress

from flask import Flask, current_app, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from ..extensions import db

log = logging.getLogger(__name__)

BUSY_SQLSTATES = frozenset({"55P03", "40001", "40P01"})
_SQLITE_BUSY, _SQLITE_LOCKED = 5, 6


def is_busy(error: BaseException) -> bool:
    """Whether a database error means "locked by someone else, try again shortly"."""
    orig = getattr(error, "orig", None)
    if orig is None:
        return False
    if isinstance(orig, sqlite3.Error):
        code = getattr(orig, "sqlite_errorcode", None)
        if code is not None:
            return code & 0xFF in (_SQLITE_BUSY, _SQLITE_LOCKED)
        return "locked" in str(orig)
    sqlstate = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    return sqlstate in BUSY_SQLSTATES


def wants_json() -> bool:
    if request.path == "/healthz" or request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def busy_response() -> ResponseReturnValue:
    """503 "busy" in the form the client asked for, with Retry-After."""
    if wants_json():
        response = jsonify(error="busy")
    else:
        try:
            response = current_app.make_response(render_template("ops/busy.html"))
        except Exception:  # the page itself needs the database: a plain answer then
            log.exception("busy page could not be rendered")
            response = current_app.make_response("busy")
            response.mimetype = "text/plain"
    response.status_code = 503
    response.headers["Retry-After"] = str(current_app.config["BUSY_RETRY_AFTER"])
    response.headers["Cache-Control"] = "no-store"
    return response


def handle_database_error(error: DBAPIError) -> ResponseReturnValue:
    """Error handler for DBAPIError: busy cases become 503, the rest propagate (500)."""
    if not is_busy(error):
        raise error
    # Nothing of the request's transaction may stay half-written.
    with suppress(SQLAlchemyError):
        db.session.rollback()
    rule = request.url_rule.rule if request.url_rule is not None else "-"
    log.warning("database busy (%s) on %s %s", type(error.orig).__name__, request.method, rule)
    return busy_response()


def _timeouts(app: Flask):
    busy_ms = int(app.config["SQLITE_BUSY_TIMEOUT_MS"])
    lock_ms = app.config.get("POSTGRES_LOCK_TIMEOUT_MS")

    def on_connect(dbapi_connection, _record) -> None:
        # Runs after quizapp.database's connect hook (listeners on the Engine class come
        # first), so this busy timeout replaces its default.
        if isinstance(dbapi_connection, sqlite3.Connection):
            dbapi_connection.execute(f"PRAGMA busy_timeout={busy_ms}")
        elif lock_ms is not None and type(dbapi_connection).__module__.startswith("psycopg"):
            cursor = dbapi_connection.cursor()
            cursor.execute(f"SET lock_timeout = {int(lock_ms)}")
            cursor.close()
            dbapi_connection.commit()  # a SET inside a rolled-back transaction is undone

    return on_connect


def init_app(app: Flask) -> None:
    with app.app_context():
        for engine in db.engines.values():
            event.listen(engine, "connect", _timeouts(app))
    app.register_error_handler(DBAPIError, handle_database_error)
