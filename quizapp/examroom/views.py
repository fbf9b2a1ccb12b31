"""The employee's exam pages: the exams that reach them, an exam's rules, the paper (one
question per screen or one scroll) with its countdown, the summary and the result.

Thin: the services (quizapp.exams.taking) check that the exam reaches the person and the
attempt is theirs. Every page works without JavaScript; static/exam.js saves answers as
they are given and ticks the countdown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..bank.model import Choice
from ..exams import scoring
from ..exams.errors import ExamError, StaleAnswer
from ..exams.taking import (
    can_reveal,
    exams_for,
    expired,
    listing,
    own_attempt,
    remaining_seconds,
    save_answer,
    start_attempt,
    submit_attempt,
    sweep_expired,
)
from ..extensions import db
from ..forms import ButtonForm
from ..i18n import N_, translate_error
from ..models import ExamAnswer, ExamAttempt
from ..models.types import utcnow
from ..questions import AnswerError, question_type
from ..study.items import ItemView, load_item
from ..urls import bounded_int
from .forms import AnswerForm

bp = Blueprint("examroom", __name__, url_prefix="/exam")

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass(frozen=True)
class ShownItem:
    """An item as the paper shows it: the question and the options' texts, nothing of
    the right answer (so a question partial cannot reveal it during the attempt)."""

    id: int
    type: str
    question: str
    choices: tuple[Choice, ...]
    answer: str = ""
    explanation: str = ""
    verdict: None = None
    blanks: tuple = ()
    key_points: tuple = ()


@dataclass
class ShownCard:
    """What a question partial's `card(item, card)` reads of a study Card."""

    choices: list
    red_line: bool = False
    is_new: bool = False
    changes: None = None
    intervals: dict = field(
        default_factory=lambda: dict.fromkeys(("again", "hard", "good", "easy"), "")
    )


@dataclass
class Question:
    row: ExamAnswer
    item: ShownItem
    card: ShownCard
    saved: str  # the saved answer in words ("" when unanswered)
    answered: bool


def _question(row: ExamAnswer, view: ItemView) -> Question:
    masked = tuple(Choice(choice.text, False) for choice in view.choices)
    order = [i for i in row.choice_order if 0 <= i < len(masked)] or list(range(len(masked)))
    item = ShownItem(view.id, view.type, view.question, masked)
    card = ShownCard(choices=[(index, masked[index]) for index in order])
    return Question(row, item, card, describe(view, row), scoring.answered(row.answer))


def describe(view: ItemView, row: ExamAnswer) -> str:
    """A saved answer in words, options named by the letters the person saw."""
    answer = row.answer or {}
    if not scoring.answered(answer):
        return ""
    if "choices" in answer:
        order = list(row.choice_order) or list(range(len(view.choices)))
        shown = [
            f"{LETTERS[order.index(i)] if order.index(i) < 26 else order.index(i) + 1}. {view.choices[i].text}"
            for i in answer["choices"]
            if isinstance(i, int) and i in order and i < len(view.choices)
        ]
        return "；".join(shown)
    if "verdict" in answer:
        return _("对") if answer["verdict"] else _("错")
    if "blanks" in answer:
        return " / ".join(str(b) or "—" for b in answer["blanks"])
    return str(answer.get("text", ""))


def _failed(error: ExamError, back: str | None = None):
    if _wants_json():
        return jsonify(
            error=True, message=translate_error(error), reload=error.status == 409
        ), error.status
    return (
        render_template("examroom/error.html", message=translate_error(error), back=back),
        error.status,
    )


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


# -- the list and one exam --------------------------------------------------------------


@bp.get("/")
def index():
    now = utcnow()
    sweep_expired(db.session, now)
    exams = exams_for(db.session, current_user, now)
    return render_template("examroom/index.html", exams=exams, button=ButtonForm(), now=now)


@bp.get("/<int:exam_id>")
def exam(exam_id: int):
    now = utcnow()
    sweep_expired(db.session, now)
    try:
        shown = listing(db.session, current_user, exam_id, now)
    except ExamError as error:
        return _failed(error)
    return render_template(
        "examroom/exam.html",
        x=shown,
        exam=shown.exam,
        button=ButtonForm(),
        seconds_taken=scoring.seconds_taken,
        duration=scoring.format_duration,
        now=now,
    )


@bp.post("/<int:exam_id>/start")
def start(exam_id: int):
    if not ButtonForm().validate_on_submit():
        flash(_("页面已过期，请再点一次"), "error")
        return redirect(url_for("examroom.exam", exam_id=exam_id))
    try:
        attempt = start_attempt(db.session, current_user, exam_id, utcnow())
    except ExamError as error:
        if error.status == 404:
            return _failed(error)
        flash(translate_error(error), "error")
        return redirect(url_for("examroom.exam", exam_id=exam_id))
    return redirect(url_for("examroom.attempt", attempt_id=attempt.id))


# -- the paper ----------------------------------------------------------------------------


def _open_attempt(attempt_id: int):
    """The person's attempt, still in progress; a redirect to its result otherwise
    (submitted, or found past its time and submitted now)."""
    attempt = own_attempt(db.session, current_user, attempt_id)
    now = utcnow()
    if attempt.status == "in_progress" and expired(attempt, now):
        attempt = submit_attempt(db.session, current_user, attempt_id, now, auto=True)
    if attempt.status != "in_progress":
        return attempt, redirect(url_for("examroom.result", attempt_id=attempt_id))
    return attempt, None


@bp.get("/attempt/<int:attempt_id>")
def attempt(attempt_id: int):
    try:
        attempt, done = _open_attempt(attempt_id)
    except ExamError as error:
        return _failed(error)
    if done:
        return done
    rows = attempt.answers
    total = len(rows)
    paper = attempt.exam.layout == "paper"
    try:
        current = min(max(bounded_int(request.args.get("q", "1")), 1), total)
    except (TypeError, ValueError):
        current = 1
    shown_rows = rows if paper else [rows[current - 1]]
    questions = [
        _question(row, load_item(db.session, row.item_id, current_user.site_id))
        for row in shown_rows
    ]
    answered = sum(1 for row in rows if scoring.answered(row.answer))
    now = utcnow()
    return render_template(
        "examroom/attempt.html",
        attempt=attempt,
        exam=attempt.exam,
        questions=questions,
        rows=rows,
        current=current,
        total=total,
        paper=paper,
        answered=answered,
        percent=int(100 * answered / total) if total else 100,
        remaining=remaining_seconds(attempt, now),
        duration=scoring.format_duration,
        form=AnswerForm(),
        button=ButtonForm(),
        answered_of=scoring.answered,
    )


@bp.post("/attempt/<int:attempt_id>/answer")
def answer(attempt_id: int):
    form = AnswerForm()
    if not form.validate_on_submit():
        return _failed(ExamError(400, N_("页面已过期，请刷新后再答")))
    position, revision = form.position.data, form.revision.data
    try:
        attempt = own_attempt(db.session, current_user, attempt_id)
        row = next((r for r in attempt.answers if r.position == position), None)
        if row is None:
            raise ExamError(404, N_("这份试卷没有第 %(position)s 题"), position=position)
        item = load_item(db.session, row.item_id, current_user.site_id)
        given = question_type(item.type).read_form(request.form, item)
        saved = save_answer(
            db.session, current_user, attempt_id, position, given, revision, utcnow()
        )
    except StaleAnswer as stale:
        message = translate_error(stale)
        if _wants_json():
            shown = (
                describe(item, row)
                if row.answer == stale.saved
                else _describe_saved(item, row, stale.saved)
            )
            return jsonify(error=True, stale=True, message=message, saved=stale.saved,
                           saved_text=shown, revision=stale.revision), 409  # fmt: skip
        flash(message, "error")
        return redirect(url_for("examroom.attempt", attempt_id=attempt_id, q=position))
    except ExamError as error:
        if error.status == 409 and not _wants_json():
            flash(translate_error(error), "error")
            return redirect(url_for("examroom.result", attempt_id=attempt_id))
        return _failed(error, back=url_for("examroom.attempt", attempt_id=attempt_id, q=position))
    if _wants_json():
        answered = sum(1 for r in attempt.answers if scoring.answered(r.answer))
        return jsonify(ok=True, revision=saved.revision, answered=answered, total=len(attempt.answers),
                       saved_text=describe(item, saved), message=_("已保存"))  # fmt: skip
    return redirect(_next_page(attempt, position, request.form.get("go", "next")))


def _describe_saved(item: ItemView, row: ExamAnswer, saved: dict | None) -> str:
    return describe(item, ExamAnswer(answer=saved, choice_order=row.choice_order))


def _next_page(attempt: ExamAttempt, position: int, go: str) -> str:
    total = len(attempt.answers)
    if attempt.exam.layout == "paper":
        anchor = f"q{min(position + 1, total)}" if go != "stay" else f"q{position}"
        return url_for("examroom.attempt", attempt_id=attempt.id, _anchor=anchor)
    if go == "summary" or (go == "next" and position >= total):
        return url_for("examroom.summary", attempt_id=attempt.id)
    target = {"prev": position - 1, "stay": position}.get(go, position + 1)
    return url_for("examroom.attempt", attempt_id=attempt.id, q=min(max(target, 1), total))


# -- handing in and the result ------------------------------------------------------------


@bp.get("/attempt/<int:attempt_id>/summary")
def summary(attempt_id: int):
    try:
        attempt, done = _open_attempt(attempt_id)
    except ExamError as error:
        return _failed(error)
    if done:
        return done
    rows = attempt.answers
    return render_template(
        "examroom/summary.html",
        attempt=attempt,
        exam=attempt.exam,
        rows=rows,
        unanswered=[row for row in rows if not scoring.answered(row.answer)],
        total=len(rows),
        remaining=remaining_seconds(attempt, utcnow()),
        duration=scoring.format_duration,
        button=ButtonForm(),
    )


@bp.post("/attempt/<int:attempt_id>/submit")
def submit(attempt_id: int):
    if not ButtonForm().validate_on_submit():
        flash(_("页面已过期，请再点一次"), "error")
        return redirect(url_for("examroom.summary", attempt_id=attempt_id))
    try:
        submit_attempt(db.session, current_user, attempt_id, utcnow())
    except ExamError as error:
        return _failed(error)
    return redirect(url_for("examroom.result", attempt_id=attempt_id))


@bp.get("/attempt/<int:attempt_id>/result")
def result(attempt_id: int):
    now = utcnow()
    try:
        attempt = own_attempt(db.session, current_user, attempt_id)
    except ExamError as error:
        return _failed(error)
    if attempt.status == "in_progress":
        return redirect(url_for("examroom.attempt", attempt_id=attempt_id))
    exam = attempt.exam
    reveal = can_reveal(exam, attempt, now)
    items = []
    for row in attempt.answers:
        view = load_item(db.session, row.item_id, current_user.site_id)
        items.append({"row": row, "item": view, "saved": describe(view, row),
                      "review": _review_of(view, row) if reveal else None})  # fmt: skip
    return render_template(
        "examroom/result.html",
        attempt=attempt,
        exam=exam,
        items=items,
        reveal=reveal,
        seconds=scoring.seconds_taken(
            attempt.started_at, attempt.submitted_at, attempt.deadline_at
        ),
        duration=scoring.format_duration,
    )


@dataclass(frozen=True)
class _Review:
    """What a question partial's `feedback(item, review, can_overrule)` reads."""

    answer: dict
    correct: bool
    key_points_hit: list | None
    id: int = 0


def _review_of(view: ItemView, row: ExamAnswer) -> _Review:
    answer = dict(row.answer or {})
    if scoring.answered(answer):
        try:  # the grading detail (which blanks were right) for the partial
            answer["detail"] = question_type(view.type).grade(view, answer, None).detail
        except AnswerError:  # an item edited since: the answer without the detail
            answer["detail"] = {}
    return _Review(answer, bool(row.correct), row.key_points_hit)
