"""Browse the imported banks: the home page until the study pages take over."""

from flask import Blueprint

bp = Blueprint("catalog", __name__)

from . import views  # noqa: E402,F401  (registers the routes on bp)
