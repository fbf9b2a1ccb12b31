from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from ..extensions import db
from ..forms import ButtonForm
from ..i18n import translate_error
from ..models import Employee, JobRole, Site
from ..models.types import utcnow
from ..people import onboarding, service
from ..people.service import NewPerson, PersonError
from ..roster import FIELDS, Credential, RosterError, handout_csv, write_csv, write_xlsx
from ..study.progress import progress as study_progress
from .forms import ConfirmImportForm, PersonForm, RosterUploadForm, SearchForm

bp = Blueprint("people", __name__, url_prefix="/people")


def roster_fields():
    return FIELDS


def _choices(model, blank: str) -> list[tuple[int, str]]:
    return [(0, blank)] + [
        (row.id, row.name) for row in db.session.scalars(select(model).order_by(model.name))
    ]


def _person_or_404(person_id: int) -> Employee:
    person = service.person_for(db.session, current_user, person_id)
    if person is None:
        abort(404)
    return person


def _require_manage(person: Employee) -> None:
    if not service.can_manage(current_user, person):
        abort(403)


@bp.get("/")
def index():
    form = SearchForm(request.args)
    form.job_role.choices = _choices(JobRole, _("全部岗位"))
    form.site.choices = _choices(Site, _("全部项目"))
    people = service.search_people(
        db.session,
        current_user,
        text=form.q.data or "",
        job_role_id=form.job_role.data or None,
        site_id=form.site.data or None,
        status=form.status.data or None,
    )
    return render_template("people/index.html", form=form, people=people)


@bp.get("/<int:person_id>")
def detail(person_id: int):
    person = _person_or_404(person_id)
    return render_template(
        "people/detail.html",
        person=person,
        button=ButtonForm(),
        can_manage=service.can_manage(current_user, person),
        progress=study_progress(db.session, person, utcnow()) if person.job_role_id else None,
    )


@bp.post("/<int:person_id>/reset-password")
def reset_password(person_id: int):
    person = _person_or_404(person_id)
    _require_manage(person)
    if not ButtonForm().validate_on_submit():
        abort(400)
    secret = service.reset_password(db.session, person, current_user, utcnow())
    db.session.commit()
    return render_template("people/password_shown.html", person=person, password=secret)


def _person_form(form: PersonForm) -> None:
    form.job_role.choices = _choices(JobRole, _("（无）"))
    form.site.choices = _choices(Site, _("（无）"))
    trainers = db.session.scalars(
        select(Employee).where(Employee.status == "active").order_by(Employee.employee_no)
    )
    form.trainer.choices = [SelectChoice(0, _("（无）"))] + [
        SelectChoice(t.id, f"{t.employee_no} {t.name}") for t in trainers if t.has_role("trainer")
    ]


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = PersonForm()
    _person_form(form)
    if form.validate_on_submit():
        job_role = db.session.get(JobRole, form.job_role.data) if form.job_role.data else None
        site = db.session.get(Site, form.site.data) if form.site.data else None
        trainer = db.session.get(Employee, form.trainer.data) if form.trainer.data else None
        try:
            person, secret = service.create_person(
                db.session,
                NewPerson(
                    employee_no=form.employee_no.data,
                    name=form.name.data,
                    job_role=job_role.name if job_role else None,
                    site=site.name if site else None,
                    phone=form.phone.data or "",
                    email=form.email.data or "",
                    hire_date=form.hire_date.data,
                    go_live_date=form.go_live_date.data,
                    trainer_no=trainer.employee_no if trainer else None,
                ),
                current_user,
                utcnow(),
            )
        except PersonError as exc:
            db.session.rollback()
            getattr(form, exc.field, form.employee_no).errors.append(translate_error(exc))
        else:
            db.session.commit()
            return render_template(
                "people/password_shown.html", person=person, password=secret, created=True
            )
    return render_template("people/edit.html", form=form, person=None)


@bp.route("/<int:person_id>/edit", methods=["GET", "POST"])
def edit(person_id: int):
    person = _person_or_404(person_id)
    _require_manage(person)
    form = PersonForm(obj=None if request.method == "POST" else person)
    _person_form(form)
    if request.method == "GET":
        form.job_role.data = person.job_role_id or 0
        form.site.data = person.site_id or 0
        form.trainer.data = person.trainer_id or 0
    form.employee_no.data = person.employee_no  # the login name does not change
    if form.validate_on_submit():
        try:
            service.update_person(
                db.session,
                person,
                name=form.name.data,
                phone=form.phone.data or "",
                email=form.email.data or "",
                job_role_id=form.job_role.data or None,
                site_id=form.site.data or None,
                hire_date=form.hire_date.data,
                go_live_date=form.go_live_date.data,
                trainer_id=form.trainer.data or None,
                actor=current_user,
                now=utcnow(),
            )
        except PersonError as exc:
            db.session.rollback()
            getattr(form, exc.field, form.name).errors.append(translate_error(exc))
        else:
            db.session.commit()
            flash(_("已保存。"), "success")
            return redirect(url_for("people.detail", person_id=person.id))
    return render_template("people/edit.html", form=form, person=person)


@bp.post("/<int:person_id>/deactivate")
def deactivate(person_id: int):
    person = _person_or_404(person_id)
    _require_manage(person)
    if not ButtonForm().validate_on_submit():
        abort(400)
    if person.id == current_user.id:
        flash(_("不能停用自己的账号。"), "error")
    else:
        service.deactivate(db.session, person, current_user, utcnow())
        db.session.commit()
        flash(_("已停用 %(name)s 的账号，学习记录保留。", name=person.name), "success")
    return redirect(url_for("people.detail", person_id=person.id))


@bp.post("/<int:person_id>/reactivate")
def reactivate(person_id: int):
    person = _person_or_404(person_id)
    _require_manage(person)
    if not ButtonForm().validate_on_submit():
        abort(400)
    service.reactivate(db.session, person, current_user, utcnow())
    db.session.commit()
    flash(_("已恢复 %(name)s 的账号。", name=person.name), "success")
    return redirect(url_for("people.detail", person_id=person.id))


# -- bulk onboarding ----------------------------------------------------------------

_IMPORT_SALT = "roster-import"
_IMPORT_MAX_AGE = 3600  # a preview is confirmed within the hour, or uploaded again


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_IMPORT_SALT)


@bp.route("/import", methods=["GET", "POST"])
def import_roster():
    form = RosterUploadForm()
    preview = file_errors = confirm = None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            preview = onboarding.preview_roster(db.session, upload.read(), upload.filename or "")
        except RosterError as exc:
            file_errors = exc.messages
        else:
            if preview.ok:
                confirm = ConfirmImportForm(
                    payload=_serializer().dumps(
                        {"file": upload.filename, "hires": onboarding.hires_to_json(preview.hires)}
                    )
                )
    return render_template(
        "people/import.html",
        form=form,
        preview=preview,
        file_errors=file_errors,
        confirm=confirm,
        fields=roster_fields(),
    )


@bp.post("/import/confirm")
def confirm_import():
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        data = _serializer().loads(form.payload.data, max_age=_IMPORT_MAX_AGE)
    except SignatureExpired:
        flash(_("预览已超过一小时，请重新上传文件。"), "error")
        return redirect(url_for("people.import_roster"))
    except BadSignature:
        abort(400)
    hires = onboarding.hires_from_json(data["hires"])
    try:
        credentials = onboarding.create_hires(
            db.session, hires, current_user, utcnow(), data["file"]
        )
    except PersonError as exc:
        db.session.rollback()
        flash(
            _("没有导入任何人：%(message)s。请重新上传文件预览。", message=translate_error(exc)),
            "error",
        )
        return redirect(url_for("people.import_roster"))
    db.session.commit()
    return render_template("people/imported.html", credentials=credentials, handout=ButtonForm())


@bp.post("/import/handout")
def handout():
    """The hand-out list as a CSV, from the page that just showed it: the passwords are
    sent back by that page, never stored on the server."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    numbers = request.form.getlist("employee_no")
    names = request.form.getlist("name")
    passwords = request.form.getlist("password")
    if not numbers or not (len(numbers) == len(names) == len(passwords)):
        abort(400)
    credentials = [Credential(n, m, p) for n, m, p in zip(numbers, names, passwords, strict=True)]
    return Response(
        handout_csv(credentials),
        mimetype="text/csv",
        headers={
            "Content-Disposition": "attachment; filename=handout.csv",
            "Cache-Control": "no-store",
        },
    )


@bp.get("/export.<any(csv, xlsx):fmt>")
def export(fmt: str):
    people = service.search_people(db.session, current_user, limit=100_000)
    header = [
        _("工号"),
        _("姓名"),
        _("手机"),
        _("邮箱"),
        _("岗位"),
        _("项目"),
        _("入职日期"),
        _("上岗日期"),
        _("培训师"),
        _("权限"),
        _("状态"),
    ]
    rows = [
        [
            p.employee_no,
            p.name,
            p.phone,
            p.email,
            p.job_role.name if p.job_role else "",
            p.site.name if p.site else "",
            p.hire_date.isoformat() if p.hire_date else "",
            p.go_live_date.isoformat() if p.go_live_date else "",
            p.trainer.employee_no if p.trainer else "",
            "、".join(sorted(p.roles)),
            p.status,
        ]
        for p in people
    ]
    if fmt == "csv":
        body, mimetype = write_csv(rows, header), "text/csv"
    else:
        body = write_xlsx(rows, header)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f"attachment; filename=people.{fmt}"},
    )
