"""The employee's study pages: today's session, answering, feedback, undo, progress."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask import session as cookie
from flask_babel import gettext as _
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from .. import srs
from ..assignments.completion import person_tasks
from ..extensions import db
from ..forms import ButtonForm
from ..models import Employee, ReviewLog
from ..models.types import utcnow
from ..questions import question_type
from .answers import (
    latest_review_id,
    may_retry,
    next_steps,
    overrule,
    overrules_left,
    submit_answer,
    undo_last,
)
from .batch import Batch, current_batch
from .curriculum import assigned_to, role_items, role_settings
from .errors import StudyError
from .items import ItemView, load_item
from .mistakes import mistakes, practice_round
from .progress import report
from .readiness_cache import BANNER_REUSE
from .session import Card, Ticket, day_summary, present, today_counts, today_plan
from .standing import standings

bp = Blueprint("study", __name__, url_prefix="/study")


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="study-card")


# The batch in progress (quizapp.study.batch), in the signed session cookie.
BATCH_KEY = "study_batch"


def _stored_batch() -> Batch | None:
    return Batch.from_dict(cookie.get(BATCH_KEY))


def _render_card(
    card: Card,
    batch: Batch | None = None,
    answered_today: int = 0,
    banner: dict | None = None,
    tasks=(),
):
    done = batch.done(answered_today) if batch else 0
    total = batch.size if batch else 0
    return render_template(
        "study/card.html",
        card=card,
        item=card.item,
        ticket=_signer().dumps(card.ticket.to_dict()),
        key=uuid.uuid4().hex,
        batch=batch,
        done=done,
        total=total,
        percent=int(100 * done / total) if total else 0,
        banner=banner,
        tasks=tasks,
    )


def _error(error: StudyError):
    return render_template(
        "study/error.html", message=_(error.template, **error.params)
    ), error.status


def _banner(employee: Employee, now: datetime, on_card: bool = False) -> dict | None:
    """The one line of readiness on the study page: the day-cached figures of the cohort
    table (one person), None without anything to learn. On a card they may be a little
    behind the last answers (BANNER_REUSE)."""
    if employee.job_role_id is None:
        return None
    [standing] = standings(
        db.session,
        now,
        [Employee.id == employee.id],
        only_hires=False,
        answered_within=BANNER_REUSE if on_card else None,
    )
    if not standing.required:
        return None
    today = srs.study_day(now, role_settings(employee.job_role))
    days = (standing.go_live - today).days if standing.go_live else None
    return {"standing": standing, "days": days}


@bp.get("/")
def session():
    now = utcnow()
    more = request.args.get("more") == "1"
    fresh = request.args.get("new") == "1"  # a finished batch's 继续 / 再学一会
    employee = current_user._get_current_object()
    # First: the figures may be cached (committed) before today's plan is read.
    banner = _banner(employee, now, on_card=True)
    # The assignments reaching them, read once for the tasks and the items.
    assigned = assigned_to(db.session, employee, now)
    tasks = person_tasks(db.session, employee, now, assigned)
    items = role_items(db.session, employee, now, assigned)
    counts = today_counts(db.session, employee, now)
    plan = today_plan(db.session, employee, now, more=more, items=items, counts=counts)
    planned = (len(plan.cards), sum(1 for card in plan.cards if not card.is_new))
    batch, started = current_batch(
        _stored_batch(), plan.study_day, more, counts.answered, planned, fresh
    )
    if started and plan.cards:
        cookie[BATCH_KEY] = batch.to_dict()
    if not plan.cards or batch.finished(counts.answered):
        summary = day_summary(db.session, employee, now)
        banner = _banner(employee, now)  # the day's result: up to the last answer
        return render_template(
            "study/done.html",
            summary=summary,
            plan=plan,
            more=more,
            # Still due today after a finished batch: offered as another batch.
            due_now=0 if more or not batch.finished(counts.answered) else len(plan.cards),
            button=ButtonForm(),
            banner=banner,
            tasks=tasks,
        )
    try:
        card = present(db.session, employee, plan.cards[0].item_id, now, items=items)
    except StudyError as error:
        return _error(error)
    return _render_card(card, batch, counts.answered, banner, tasks)


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
    item = load_item(db.session, ticket.item_id, current_user.site_id)
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
        item = load_item(db.session, review.item_id, current_user.site_id)
    steps = next_steps(review, latest_id or latest_review_id(db.session, current_user.id))
    batch = _stored_batch()
    run = _practice_run()
    return render_template(
        "study/feedback.html",
        # After 练错题 the next card is the round's next mistake.
        practice=bool(run and review.item_id in run["items"]),
        review=review,
        item=item,
        can_undo=steps.undo,
        can_retry=steps.retry,
        # What the overrule buttons need: "我答对了" is limited per day, "我答错了" is not.
        can_overrule={"left": overrules_left(db.session, current_user, utcnow())}
        if steps.overrule
        else None,
        # 下一题 stays in the batch's mode: a "study more" batch goes on past today's plan.
        more=bool(batch and batch.more),
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
        now = utcnow()
        card = present(db.session, current_user, wrong.item_id, now, retry=True)
    except StudyError as error:
        return _error(error)
    # The batch's bar stays as it was: a retry is not one of its cards.
    answered = today_counts(db.session, current_user, now).answered
    return _render_card(card, _stored_batch(), answered)


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


# -- 错题本 -------------------------------------------------------------------------------

# The practice round in progress: its item ids, in the signed session cookie.
PRACTICE_KEY = "study_practice"


def _practice_run() -> dict | None:
    run = cookie.get(PRACTICE_KEY)
    if isinstance(run, dict) and isinstance(run.get("items"), list):
        return run
    return None


@bp.get("/mistakes")
def mistakes_page():
    """The employee's own 错题本 (it reads current_user: never anyone else's)."""
    found = mistakes(db.session, current_user._get_current_object(), utcnow())
    return render_template("study/mistakes.html", mistakes=found, button=ButtonForm())


@bp.post("/mistakes/practice")
def start_practice():
    """Start a 练错题 round over the 错题本 (the mistakes not yet put right first)."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    found = mistakes(db.session, current_user._get_current_object(), utcnow())
    cookie[PRACTICE_KEY] = {"items": practice_round(found), "started": utcnow().timestamp()}
    return redirect(url_for("study.practice"))


@bp.get("/mistakes/practice")
def practice():
    """The round's next card; the 错题本 again when the round is over."""
    run = _practice_run()
    if run is None:
        return redirect(url_for("study.mistakes_page"))
    employee = current_user._get_current_object()
    now = utcnow()
    answered = _answered_since(run)
    left = [item_id for item_id in run["items"] if item_id not in answered]
    if not left:
        cookie.pop(PRACTICE_KEY, None)
        flash(_("这一轮错题练完了。"), "success")
        return redirect(url_for("study.mistakes_page"))
    try:
        card = present(db.session, employee, left[0], now, practice=True)
    except StudyError:
        # No longer in their study set: skip it.
        run["items"] = [item_id for item_id in run["items"] if item_id != left[0]]
        cookie[PRACTICE_KEY] = run
        return redirect(url_for("study.practice"))
    done = len(run["items"]) - len(left)
    return render_template(
        "study/card.html",
        card=card,
        item=card.item,
        ticket=_signer().dumps(card.ticket.to_dict()),
        key=uuid.uuid4().hex,
        practice={"done": done, "total": len(run["items"])},
        percent=int(100 * done / len(run["items"])),
        banner=None,
        tasks=(),
    )


def _answered_since(run: dict) -> set[int]:
    """Items of the round answered since it started (kept in the run as they are)."""
    started = float(run.get("started") or 0)
    rows = db.session.scalars(
        select(ReviewLog.item_id).where(
            ReviewLog.employee_id == current_user.id,
            ReviewLog.item_id.in_(run["items"]),
            ReviewLog.server_time >= datetime.fromtimestamp(started, UTC),
            ReviewLog.undone_at.is_(None),
            ReviewLog.kind.in_(("review", "practice")),
        )
    )
    return set(rows)
