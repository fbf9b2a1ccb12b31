"""The staff's assignment pages: list with completion, create, archive."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("assignments", __name__, url_prefix="/assignments")
