from __future__ import annotations

import re

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user

from ..extensions import db
from .service import bank_page, bank_summaries

bp = Blueprint("catalog", __name__)


@bp.get("/")
def index():
    # A new hire's home is today's study session; staff land on the banks.
    if current_user.roles == {"employee"}:
        return redirect(url_for("study.session"))
    return render_template("catalog/index.html", banks=bank_summaries(db.session))


@bp.get("/banks/<slug>")
def bank(slug: str):
    """A page of a bank (?page=), of one of its sections (?section=), or of the items whose
    question holds a text (?q=)."""
    page = _number(request.args.get("page", "1"))
    section = request.args.get("section")
    section_id = _number(section) if section else None
    if page is None or (section and section_id is None):
        abort(404)
    shown = bank_page(db.session, slug, section_id, request.args.get("q", ""), page)
    if shown is None:
        abort(404)
    return render_template("catalog/bank.html", bank=shown)


_NUMBER_RE = re.compile(r"[1-9][0-9]{0,8}")


def _number(text: str) -> int | None:
    """A positive number as written in a URL; None for anything else (or anything huge)."""
    return int(text) if _NUMBER_RE.fullmatch(text) else None
