"""The employee's study pages: today's session, answering, feedback, progress."""

from flask import Blueprint

bp = Blueprint("study", __name__, url_prefix="/study")

from . import views  # noqa: E402,F401  (registers the routes on bp)
