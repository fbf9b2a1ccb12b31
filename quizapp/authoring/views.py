"""The authoring pages (trainers for the banks they own, admins for every bank)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("authoring", __name__, url_prefix="/authoring")

# Routes defined in sibling modules, registered on this blueprint when it is imported.
from . import derive_views  # noqa: E402, F401
