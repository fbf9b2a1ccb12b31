"""The authoring blueprint, in a module of its own: the route modules (views, item_views,
derive_views) import it from here, and views imports them, with no import circle."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("authoring", __name__, url_prefix="/authoring")
