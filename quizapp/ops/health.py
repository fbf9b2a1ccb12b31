"""GET /healthz: for a load balancer or a monitor. No login, no cookie, one `SELECT 1`."""

from __future__ import annotations

import logging
from contextlib import suppress

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db

bp = Blueprint("ops", __name__)
log = logging.getLogger(__name__)


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        with suppress(SQLAlchemyError):
            db.session.rollback()
        log.warning("health check failed: %s", type(error).__name__)
        response = jsonify(status="unavailable")
        response.status_code = 503
        response.headers["Retry-After"] = str(current_app.config["BUSY_RETRY_AFTER"])
    else:
        response = jsonify(status="ok")
    response.headers["Cache-Control"] = "no-store"
    return response
