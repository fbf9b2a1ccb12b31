"""Running the app for real: a health check, one log line per request with a request id,
"busy, not broken" answers when the database is locked, and warm workers.

`init_request_log` goes first in the factory (its timer must start before any other hook
can answer); `init_app` once the database extension is set up; `warm_when_asked` last.
"""

from __future__ import annotations

from flask import Flask

from . import busy, requestlog, warm


def init_request_log(app: Flask) -> None:
    requestlog.init_app(app)


def init_app(app: Flask) -> None:
    from .health import bp

    app.register_blueprint(bp)
    busy.init_app(app)


def warm_when_asked(app: Flask) -> None:
    """Last in the factory: QUIZAPP_WARM_UP=1 or QUIZAPP_WARM=1 in the environment (read by
    the factory) warms the app as gunicorn's master does (wsgi.py)."""
    if app.config.get("WARM_UP") or app.config.get("WARM"):
        warm.warm_app(app)
