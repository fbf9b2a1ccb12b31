"""The trainer's pages."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from ..extensions import db
from ..models.types import utcnow
from .service import trainees

bp = Blueprint("trainer", __name__, url_prefix="/trainer")


@bp.get("/")
def index():
    """我的学员: each trainee with their go-live date and how far they have got."""
    return render_template(
        "trainer/index.html", trainees=trainees(db.session, current_user, utcnow())
    )
