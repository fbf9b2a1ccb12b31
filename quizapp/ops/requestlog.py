"""One structured (JSON) line per request on the `quizapp.request` logger, and a request id
on every response (X-Request-ID), taken from the request when it is a sane token.

Only what an operator needs: method, path template (never the query string or form), status,
duration and the user id. Nothing else about the person.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid

from flask import Flask, Response, g, request
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import NoInspectionAvailable

log = logging.getLogger("quizapp.request")
HEADER = "X-Request-ID"
_TOKEN = re.compile(r"[A-Za-z0-9._-]{1,64}")


def request_id() -> str:
    """The current request's id (a new one outside a request's hooks)."""
    if "request_id" not in g:
        g.request_id = uuid.uuid4().hex
    return g.request_id


def _start() -> None:
    g.request_started = time.perf_counter()
    incoming = request.headers.get(HEADER, "")
    g.request_id = incoming if _TOKEN.fullmatch(incoming) else uuid.uuid4().hex


def _user_id() -> int | None:
    # Only a user Flask-Login has already loaded: logging must never query the database
    # (it may be the thing that is down), nor reload an expired row.
    user = g.get("_login_user")
    if user is None:
        return None
    try:
        identity = sa_inspect(user).identity
    except NoInspectionAvailable:  # the anonymous user
        return None
    return identity[0] if identity else None


def _finish(response: Response) -> Response:
    rid = request_id()
    response.headers[HEADER] = rid
    started = g.get("request_started")
    log.info(
        json.dumps(
            {
                "method": request.method,
                "path": request.url_rule.rule if request.url_rule is not None else "-",
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1)
                if started is not None
                else None,
                "user_id": _user_id(),
                "request_id": rid,
            },
            ensure_ascii=False,
        )
    )
    return response


def init_app(app: Flask) -> None:
    # First before-request hook (registered before the login/policy hooks, which may answer
    # early); its after-request hook then runs last, and sees the final status.
    app.before_request(_start)
    app.after_request(_finish)


def send_to_stderr() -> None:
    """Write the request lines to stderr, one JSON object a line (gunicorn's workers)."""
    if log.handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
