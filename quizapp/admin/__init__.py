"""Administration: access roles, job roles and sites, the audit log, login locks."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import views  # noqa: E402,F401  (registers the routes on bp)
