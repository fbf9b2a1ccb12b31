"""The authoring pages (trainers for the banks they own, admins for every bank)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("authoring", __name__, url_prefix="/authoring")
