"""The staff's exam pages: templates, results, exports, the review queue, item analysis."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.routing import BuildError

from ..extensions import db
from ..forms import ButtonForm
from ..i18n import translate_error
from ..models import Bank, Section
from ..models.types import utcnow
from ..people import manage
from ..questions.types import QUESTION_TYPES
from ..roster import write_csv, write_xlsx
from ..security import no_store
from . import authoring, results, staff
from .errors import ExamError
from .forms import ExamForm, ReviewForm, as_choices
from .scoring import format_duration

bp = Blueprint("exams", __name__, url_prefix="/exams")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.context_processor
def _labels() -> dict:
    """What every exam page shows codes and times with."""
    return {
        "kinds": authoring.KINDS,
        "draws": authoring.DRAWS,
        "reveals": authoring.REVEALS,
        "layouts": authoring.LAYOUTS,
        "status_labels": results.STATUS_LABELS,
        "local": results.local_text,
        "duration": format_duration,
        "type_labels": {name: _(kind.label) for name, kind in QUESTION_TYPES.items()},
    }


def _refuse(error: ExamError):
    """An ExamError that is not about the input: the page it calls for."""
    abort(error.status if error.status in (403, 404) else 400)


def _exam_or_abort(exam_id: int, manage_it: bool = False):
    try:
        return staff.exam_for(db.session, current_user, exam_id, manage=manage_it)
    except ExamError as error:
        _refuse(error)


def _type_choices() -> list[tuple[str, str]]:
    return [(name, _(kind.label)) for name, kind in QUESTION_TYPES.items()]


def _prepare(form: ExamForm) -> list[results.SourceBank]:
    """Choices of the select boxes; the source tree the template lists."""
    tree = results.source_tree(db.session)
    sections = [(s.id, f"{b.title} · {s.title}") for b in tree for s in b.sections]
    form.set_quota_choices(sections, _type_choices())
    form.job_role.choices = as_choices([(0, _("请选择")), *manage.job_role_choices(db.session)])
    form.site.choices = as_choices([(0, _("全部项目")), *manage.site_choices(db.session)])
    return tree


def _save(form: ExamForm, exam_id: int | None):
    """Create or update from a valid form: the exam, or None with the error shown."""
    try:
        if exam_id is None:
            return authoring.create_exam(db.session, current_user, form.spec(), utcnow())
        return authoring.update_exam(db.session, current_user, exam_id, form.spec(), utcnow())
    except authoring.ExamSpecError as error:
        form.show_error(error.field, translate_error(error))
    except ExamError as error:
        _refuse(error)
    return None


@bp.get("/")
def index():
    """考试: the exams in the viewer's scope with their figures."""
    try:
        rows = results.exam_list(db.session, current_user, utcnow())
    except ExamError as error:
        _refuse(error)
    return render_template("exams/index.html", rows=rows)


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = ExamForm()
    tree = _prepare(form)
    if form.validate_on_submit():
        exam = _save(form, None)
        if exam is not None:
            flash(_("已创建考试。"), "success")
            return redirect(url_for("exams.detail", exam_id=exam.id))
    return render_template("exams/edit.html", form=form, tree=tree, exam=None, locked=False)


@bp.route("/<int:exam_id>/edit", methods=["GET", "POST"])
def edit(exam_id: int):
    exam = _exam_or_abort(exam_id, manage_it=True)
    if exam.archived:
        flash(_("这场考试已归档，不能修改。"), "error")
        return redirect(url_for("exams.detail", exam_id=exam.id))
    form = ExamForm()
    tree = _prepare(form)
    if request.method == "GET":
        form.fill(authoring.exam_spec(db.session, exam))
    locked = authoring.has_attempts(db.session, exam.id)
    if form.validate_on_submit():
        saved = _save(form, exam.id)
        if saved is not None:
            flash(_("已保存。"), "success")
            return redirect(url_for("exams.detail", exam_id=exam_id))
    return render_template("exams/edit.html", form=form, tree=tree, exam=exam, locked=locked)


@bp.post("/<int:exam_id>/archive")
def archive(exam_id: int):
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        authoring.archive_exam(db.session, current_user, exam_id, utcnow())
    except ExamError as error:
        _refuse(error)
    flash(_("已归档，成绩保留。"), "success")
    return redirect(url_for("exams.detail", exam_id=exam_id))


def _share_link(exam_id: int) -> str | None:
    try:
        return url_for("examroom.exam", exam_id=exam_id, _external=True)
    except BuildError:  # the employee's page is not there (yet)
        return None


@bp.get("/<int:exam_id>")
def detail(exam_id: int):
    """One exam: its settings, the link to share, attempts, per-item results, exports."""
    try:
        found = results.exam_results(db.session, current_user, exam_id, utcnow())
    except ExamError as error:
        _refuse(error)
    exam = found.exam
    return render_template(
        "exams/detail.html",
        results=found,
        exam=exam,
        spec=authoring.exam_spec(db.session, exam),
        sources=_source_names(exam),
        manageable=staff.may_manage(current_user, exam),
        share_link=_share_link(exam.id),
        quota_lines=_quota_lines(exam),
        audience_text=_audience_text(exam),
    )


def _quota_lines(exam) -> list[str]:
    lines = []
    for quota in exam.quotas:
        section = db.session.get(Section, quota.section_id) if quota.section_id else None
        kind = QUESTION_TYPES.get(quota.type)
        lines.append(
            _(
                "%(section)s：%(type)s %(count)s 题",
                section=section.title if section else _("全部来源"),
                type=_(kind.label) if kind else _("任意题型"),
                count=quota.count,
            )
        )
    return lines


def _audience_text(exam) -> str:
    if exam.audience == "people":
        text = _("指定 %(count)s 人", count=len(exam.people))
    elif exam.audience == "site":
        text = _("项目：%(site)s", site=exam.site.name if exam.site else "—")
    else:
        text = _("岗位：%(role)s", role=exam.job_role.name if exam.job_role else "—")
        if exam.site is not None:
            text += " · " + _("项目：%(site)s", site=exam.site.name)
    if exam.trainer_id is not None:
        text += " · " + _("仅限 %(trainer)s 的学员", trainer=exam.trainer.name)
    return text


def _source_names(exam) -> list[str]:
    names = []
    for source in exam.sources:
        if source.bank_id is not None:
            bank = db.session.get(Bank, source.bank_id)
            names.append(bank.title if bank else "—")
        else:
            section = db.session.get(Section, source.section_id)
            names.append(f"{section.bank.title} · {section.title}" if section else "—")
    return names


@bp.get("/<int:exam_id>/results.<any(csv, xlsx):fmt>")
@no_store  # names and scores of many people
def export(exam_id: int, fmt: str):
    """The attempts table of the detail page, every row."""
    try:
        found = results.exam_results(db.session, current_user, exam_id, utcnow())
    except ExamError as error:
        _refuse(error)
    rows = results.export_rows(found, status_label=_, yes_no=lambda v: _("是") if v else _("否"))
    header = [_(title) for title in results.EXPORT_HEADER]
    if fmt == "csv":
        body, mimetype = write_csv(rows, header), "text/csv"
    else:
        body, mimetype = write_xlsx(rows, header, sheet_title=_("成绩")), XLSX
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f"attachment; filename=exam-{exam_id}-results.{fmt}"},
    )


@bp.get("/reviews")
def reviews():
    """待批改: typed answers awaiting a score, oldest first."""
    from .reviewing import review_queue

    queue = review_queue(db.session, current_user)
    items = results.items_for_review(db.session, {answer.item_id for answer in queue})
    forms = {}
    for answer in queue:
        form = ReviewForm(prefix=f"a{answer.id}", formdata=None)
        form.score.data = round((answer.auto_score or 0.0) * 100)
        forms[answer.id] = form
    return render_template("exams/reviews.html", queue=queue, items=items, forms=forms)


@bp.post("/reviews/<int:answer_id>")
def review(answer_id: int):
    from .reviewing import review_answer

    form = ReviewForm(prefix=f"a{answer_id}")
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "error")
        return redirect(url_for("exams.reviews"))
    try:
        review_answer(
            db.session,
            current_user,
            answer_id,
            form.score.data / 100,
            form.comment.data or "",
            utcnow(),
        )
    except ExamError as error:
        if error.status in (403, 404):
            abort(error.status)
        flash(translate_error(error), "error")
    else:
        flash(_("已保存评分。"), "success")
    return redirect(url_for("exams.reviews"))
