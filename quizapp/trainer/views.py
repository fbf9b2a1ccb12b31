"""The trainer's pages: their trainees, and the item analysis of the banks (which
questions are too hard or misleading, which ones hires keep forgetting)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from ..exams import analysis as item_stats
from ..exams import stats
from ..extensions import db
from ..models.types import utcnow
from ..urls import bounded_int
from .service import analysis_choices, overrule_counts, trainees

bp = Blueprint("trainer", __name__, url_prefix="/trainer")


@bp.get("/")
def index():
    """我的学员: each trainee with their go-live date, how far they have got and how often
    they overruled the grader lately."""
    now = utcnow()
    found = trainees(db.session, current_user, now)
    return render_template(
        "trainer/index.html",
        trainees=found,
        overrules=overrule_counts(db.session, found, now),
    )


def _chosen(name: str) -> int | None:
    """A positive id from the query string; anything else (0, missing, garbage): None."""
    value = request.args.get(name, 0, type=bounded_int)
    return value if value > 0 else None


@bp.get("/analysis")
def analysis():
    """题目分析: per item, section and job role, flagged items first."""
    bank_id, section_id, job_role_id = _chosen("bank"), _chosen("section"), _chosen("job_role")
    result = item_stats.item_analysis(
        db.session, current_user, bank_id=bank_id, section_id=section_id, job_role_id=job_role_id
    )
    return render_template(
        "trainer/analysis.html",
        analysis=result,
        choices=analysis_choices(db.session, bank_id),
        chosen={"bank": bank_id, "section": section_id, "job_role": job_role_id},
        flag_labels=item_stats.FLAG_LABELS,
        rules=stats,
    )


@bp.get("/analysis/item/<int:item_id>")
def analysis_item(item_id: int):
    """One item: the answers actually given and how often hires overruled the grader."""
    found = item_stats.item_answers(db.session, current_user, item_id)
    if found is None:
        abort(404)
    return render_template("trainer/analysis_item.html", detail=found)


@bp.get("/leeches")
def leeches():
    """易忘题: items many hires keep forgetting, to be rewritten, most-affected first."""
    return render_template(
        "trainer/leeches.html", leeches=item_stats.leeches(db.session, current_user), rules=stats
    )
