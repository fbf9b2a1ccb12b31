"""The staff's assignment pages: list with completion, create, one assignment's people,
archive. Trainers see and act for their own trainees, HR and admins for anyone (the
service scopes every list and checks every object)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..extensions import db
from ..forms import ButtonForm
from ..i18n import translate_error
from ..models.types import utcnow
from ..srs import study_day
from ..study.curriculum import role_settings
from .completion import STATUS_LABELS, assignment_progress, summaries
from .forms import SPEC_FIELDS, AssignmentForm
from .service import (
    AssignmentError,
    archive_assignment,
    audience_choices,
    catalog,
    create_assignment,
    may_change,
    usable_exams,
)

bp = Blueprint("assignments", __name__, url_prefix="/assignments")


@bp.app_template_filter("task_status_label")
def task_status_label(code: str) -> str:
    return _(STATUS_LABELS.get(code, code))


def _refuse(error: AssignmentError):
    abort(error.status if error.status in (403, 404) else 400)


@bp.get("/")
def index():
    archived = request.args.get("archived") == "1"
    try:
        rows = summaries(db.session, current_user, utcnow(), archived=archived)
    except AssignmentError as error:
        _refuse(error)
    return render_template("assignments/index.html", rows=rows, archived=archived)


def _choices(form: AssignmentForm) -> None:
    found = catalog(db.session)
    form.contents.choices = [
        SelectChoice(f"b{bank_id}", _("整个题库：%(title)s", title=title))
        for bank_id, title in found.banks
    ] + [
        SelectChoice(f"s{section_id}", f"{bank} › {title}")
        for section_id, bank, title in found.sections
    ]
    form.tags.choices = [
        SelectChoice(f"t{bank_id}:{tag}", f"{bank}：{tag}") for bank_id, bank, tag in found.tags
    ]
    form.exam.choices = [SelectChoice(0, _("（不考试，学习题目）"))] + [
        SelectChoice(exam.id, exam.title) for exam in usable_exams(db.session, current_user)
    ]
    roles, sites = audience_choices(db.session)
    form.job_role.choices = [SelectChoice(0, _("（请选择）"))] + [
        SelectChoice(role_id, name) for role_id, name in roles
    ]
    form.site.choices = [SelectChoice(0, _("（不限）"))] + [
        SelectChoice(site_id, name) for site_id, name in sites
    ]


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = AssignmentForm()
    _choices(form)
    if request.method == "GET" and form.starts_on.data is None:
        form.starts_on.data = study_day(utcnow(), role_settings(None))
    if form.validate_on_submit():
        spec = form.spec()
        if spec is not None:
            try:
                assignment = create_assignment(db.session, current_user, spec, utcnow())
            except AssignmentError as error:
                if not error.field:
                    _refuse(error)
                field = getattr(form, SPEC_FIELDS.get(error.field, "title"))
                field.errors = [*field.errors, translate_error(error)]
            else:
                flash(_("已布置任务“%(title)s”。", title=assignment.title), "success")
                return redirect(url_for("assignments.detail", assignment_id=assignment.id))
    return render_template("assignments/new.html", form=form)


@bp.get("/<int:assignment_id>")
def detail(assignment_id: int):
    try:
        assignment, people = assignment_progress(db.session, current_user, assignment_id, utcnow())
    except AssignmentError as error:
        _refuse(error)
    return render_template(
        "assignments/detail.html",
        assignment=assignment,
        people=people,
        done=sum(1 for p in people if p.status == "done"),
        can_archive=may_change(current_user, assignment) and not assignment.archived,
        button=ButtonForm(),
    )


@bp.post("/<int:assignment_id>/archive")
def archive(assignment_id: int):
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        assignment = archive_assignment(db.session, current_user, assignment_id, utcnow())
    except AssignmentError as error:
        _refuse(error)
    flash(_("任务“%(title)s”已归档。", title=assignment.title), "success")
    return redirect(url_for("assignments.index"))
