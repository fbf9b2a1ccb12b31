from __future__ import annotations

from flask import abort, render_template

from ..extensions import db
from . import bp
from .service import bank_detail, bank_summaries


@bp.get("/")
def index():
    return render_template("catalog/index.html", banks=bank_summaries(db.session))


@bp.get("/banks/<slug>")
def bank(slug: str):
    detail = bank_detail(db.session, slug)
    if detail is None:
        abort(404)
    return render_template("catalog/bank.html", bank=detail)
