"""The staff's exam pages: templates, results, exports, the review queue, item analysis."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("exams", __name__, url_prefix="/exams")
