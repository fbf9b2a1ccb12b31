"""The employee's exam pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("examroom", __name__, url_prefix="/exam")
