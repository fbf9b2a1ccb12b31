"""Error pages in the app's style; never a stack trace to a user."""

from __future__ import annotations

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException

_PAGES = {400, 403, 404, 500}


def _render_http_error(error: HTTPException):
    # Unhandled exceptions reach here as InternalServerError after Flask has logged them.
    code = error.code or 500
    template = f"errors/{code}.html" if code in _PAGES else "errors/generic.html"
    return render_template(template, error=error), code


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _render_http_error)
