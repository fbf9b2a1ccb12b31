from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user

from ..extensions import db
from .service import bank_detail, bank_summaries

bp = Blueprint("catalog", __name__)


@bp.get("/")
def index():
    # A new hire's home is today's study session; staff land on the banks.
    if current_user.roles == {"employee"}:
        return redirect(url_for("study.session"))
    return render_template("catalog/index.html", banks=bank_summaries(db.session))


@bp.get("/banks/<slug>")
def bank(slug: str):
    detail = bank_detail(db.session, slug)
    if detail is None:
        abort(404)
    return render_template("catalog/bank.html", bank=detail)
