"""The employee's study pages: today's session, answering, feedback, undo, progress."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer

from .. import srs
from ..assignments.completion import person_tasks
from ..extensions import db
from ..forms import ButtonForm
from ..models import Employee, ReviewLog
from ..models.types import utcnow
from ..questions import question_type
from .answers import latest_review_id, may_retry, next_steps, overrule, submit_answer, undo_last
from .curriculum import role_items, role_settings
from .errors import StudyError
from .items import ItemView, load_item
from .progress import report
from .session import Card, Ticket, day_summary, present, today_counts, today_plan
from .standing import standings

bp = Blueprint("study", __name__, url_prefix="/study")


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="study-card")


def _render_card(
    card: Card, plan=None, answered_today: int = 0, banner: dict | None = None, tasks=()
):
    remaining = len(plan.cards) if plan else 1
    total = answered_today + remaining
    return render_template(
        "study/card.html",
        card=card,
        item=card.item,
        ticket=_signer().dumps(card.ticket.to_dict()),
        key=uuid.uuid4().hex,
        plan=plan,
        done=answered_today,
        total=total,
        percent=int(100 * answered_today / total) if total else 100,
        banner=banner,
        tasks=tasks,
    )


def _error(error: StudyError):
    return render_template(
        "study/error.html", message=_(error.template, **error.params)
    ), error.status


def _banner(employee: Employee, now: datetime) -> dict | None:
    """The one line of readiness on the study page: the day-cached figures of the cohort
    table (one person), None without anything to learn."""
    if employee.job_role_id is None:
        return None
    [standing] = standings(db.session, now, [Employee.id == employee.id], only_hires=False)
    if not standing.required:
        return None
    today = srs.study_day(now, role_settings(employee.job_role))
    days = (standing.go_live - today).days if standing.go_live else None
    return {"standing": standing, "days": days}


@bp.get("/")
def session():
    now = utcnow()
    more = request.args.get("more") == "1"
    employee = current_user._get_current_object()
    # First: the figures may be cached (committed) before today's plan is read.
    banner = _banner(employee, now)
    tasks = person_tasks(db.session, employee, now)
    items = role_items(db.session, employee, now)
    counts = today_counts(db.session, employee, now)
    plan = today_plan(db.session, employee, now, more=more, items=items, counts=counts)
    if not plan.cards:
        summary = day_summary(db.session, employee, now)
        return render_template(
            "study/done.html",
            summary=summary,
            plan=plan,
            button=ButtonForm(),
            banner=banner,
            tasks=tasks,
        )
    try:
        card = present(db.session, employee, plan.cards[0].item_id, now, items=items)
    except StudyError as error:
        return _error(error)
    return _render_card(card, plan, counts.answered, banner, tasks)


# A phone's clock may be wrong (reset to 1970 after a flat battery) but not beyond these.
_CLIENT_TIME_RANGE = (datetime(1970, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))


def _client_time() -> datetime | None:
    """The phone's clock at answering (kept for the record, never trusted for scheduling):
    None when missing, unreadable, without a time zone or outside _CLIENT_TIME_RANGE."""
    raw = request.form.get("client_time")
    if not raw or len(raw) > 64:
        return None
    try:
        client_time = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        if client_time.tzinfo is None:
            return None
        client_time = client_time.astimezone(UTC)
    except (ValueError, OverflowError):  # OverflowError: 9999-12-31T23:00-14:00 in UTC
        return None
    earliest, latest = _CLIENT_TIME_RANGE
    return client_time if earliest <= client_time < latest else None


@bp.post("/answer")
def answer():
    try:
        ticket = Ticket.from_dict(_signer().loads(request.form.get("ticket", "")))
    except (BadSignature, KeyError, TypeError, ValueError):
        abort(400)
    key = request.headers.get("Idempotency-Key") or request.form.get("idempotency_key", "")
    item = load_item(db.session, ticket.item_id)
    if item is None:
        abort(404)
    now = utcnow()
    try:
        review = submit_answer(
            db.session,
            current_user,
            ticket,
            question_type(item.type).read_form(request.form, item),
            key,
            now,
            _client_time(),
            item=item,
        )
    except StudyError as error:
        return _error(error)
    # A fresh answer is the latest one; a repeated request looks it up.
    return _feedback(review, latest_id=review.id if review.server_time == now else None, item=item)


def _feedback(review: ReviewLog, latest_id: int | None = None, item: ItemView | None = None):
    if item is None or item.id != review.item_id:
        item = load_item(db.session, review.item_id)
    steps = next_steps(review, latest_id or latest_review_id(db.session, current_user.id))
    return render_template(
        "study/feedback.html",
        review=review,
        item=item,
        can_undo=steps.undo,
        can_retry=steps.retry,
        can_overrule=steps.overrule,
    )


def _own_review(review_id: int) -> ReviewLog:
    review = db.session.get(ReviewLog, review_id)
    if review is None or review.employee_id != current_user.id:
        abort(404)
    return review


@bp.get("/review/<int:review_id>")
def review(review_id: int):
    return _feedback(_own_review(review_id))


@bp.get("/retry/<int:review_id>")
def retry(review_id: int):
    wrong = _own_review(review_id)
    if wrong.kind != "review" or not may_retry(wrong):
        abort(404)
    try:
        card = present(db.session, current_user, wrong.item_id, utcnow(), retry=True)
    except StudyError as error:
        return _error(error)
    return _render_card(card)


@bp.post("/undo")
def undo():
    if not ButtonForm().validate_on_submit():
        abort(400)
    undone = undo_last(db.session, current_user, utcnow())
    flash(_("已撤销上一题的作答。") if undone else _("没有可以撤销的作答。"), "info")
    return redirect(url_for("study.session"))


@bp.post("/overrule/<int:review_id>")
def overrule_review(review_id: int):
    _own_review(review_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    right = request.form.get("verdict") == "right"
    try:
        replacement = overrule(db.session, current_user, review_id, right, utcnow())
    except StudyError as error:
        return _error(error)
    return redirect(url_for("study.review", review_id=replacement.id))


@bp.get("/progress")
def progress_page():
    """The hire's own readiness report (never anyone else's: it reads current_user)."""
    employee = current_user._get_current_object()
    return render_template(
        "study/progress.html", person=employee, report=report(db.session, employee, utcnow())
    )
