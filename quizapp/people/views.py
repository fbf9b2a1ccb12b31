from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..forms import ButtonForm
from ..i18n import translate_error
from ..models import Employee
from ..models.types import utcnow
from ..roster import write_csv, write_xlsx
from ..security import no_store
from ..study.answers import OVERRULE_WINDOW, overrules_to_right
from ..study.progress import report as readiness_report
from ..study.standing import STATUS_LABELS, standings
from . import manage, service
from .forms import PersonForm, SearchForm
from .manage import PersonDetails
from .service import PersonError

bp = Blueprint("people", __name__, url_prefix="/people")


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
    form.job_role.choices = [(0, _("全部岗位"))] + manage.job_role_choices(db.session)
    form.site.choices = [(0, _("全部项目"))] + manage.site_choices(db.session)
    # A refused character in the search text is shown as an error and not searched for;
    # an id out of range is no filter (its field's data is None).
    form.validate()
    people = service.search_people(
        db.session,
        current_user,
        text="" if form.q.errors else form.q.data or "",
        job_role_id=form.job_role.data or None,
        site_id=form.site.data or None,
        status=form.status.data or None,
    )
    return render_template("people/index.html", form=form, people=people)


@bp.get("/<int:person_id>")
def detail(person_id: int):
    person = _person_or_404(person_id)
    may_see_readiness = service.can_see_readiness(current_user, person)
    standing = None
    if may_see_readiness and person.job_role_id is not None:
        [standing] = standings(db.session, utcnow(), [Employee.id == person.id], only_hires=False)
    return render_template(
        "people/detail.html",
        person=person,
        button=ButtonForm(),
        can_manage=service.can_manage(current_user, person),
        may_see_readiness=may_see_readiness,
        standing=standing,
    )


@bp.get("/<int:person_id>/readiness")
def readiness(person_id: int):
    """One hire's readiness report (printable on one page): their own trainer, HR and
    admins; anyone else gets 404, as for a person out of their sight."""
    person = _person_or_404(person_id)
    if not service.can_see_readiness(current_user, person):
        abort(404)
    now = utcnow()
    return render_template(
        "people/readiness.html",
        person=person,
        report=readiness_report(db.session, person, now),
        overruled=overrules_to_right(db.session, [person.id], now - OVERRULE_WINDOW).get(
            person.id, 0
        ),
        printing=request.args.get("print") == "1",
    )


@bp.post("/<int:person_id>/reset-password")
@no_store  # shows a one-time password
def reset_password(person_id: int):
    person = _person_or_404(person_id)
    _require_manage(person)
    if not ButtonForm().validate_on_submit():
        abort(400)
    secret = manage.reset_account_password(db.session, person.id, current_user, utcnow())
    if secret is None:  # removed since it was loaded
        abort(404)
    return render_template("people/password_shown.html", person=person, password=secret)


def _person_form(form: PersonForm) -> None:
    none = (0, _("（无）"))
    form.job_role.choices = [none] + manage.job_role_choices(db.session)
    form.site.choices = [none] + manage.site_choices(db.session)
    form.trainer.choices = [none] + manage.trainer_choices(db.session)


def _details(form: PersonForm) -> PersonDetails:
    return PersonDetails(
        name=form.name.data,
        phone=form.phone.data or "",
        email=form.email.data or "",
        job_role_id=form.job_role.data or None,
        site_id=form.site.data or None,
        hire_date=form.hire_date.data,
        go_live_date=form.go_live_date.data,
        trainer_id=form.trainer.data or None,
    )


@bp.route("/new", methods=["GET", "POST"])
@no_store  # shows the new account's one-time password
def new():
    form = PersonForm()
    _person_form(form)
    if form.validate_on_submit():
        try:
            person, secret = manage.create_account(
                db.session, form.employee_no.data, _details(form), current_user, utcnow()
            )
        except PersonError as exc:
            getattr(form, exc.field, form.employee_no).errors.append(translate_error(exc))
        else:
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
            manage.update_account(db.session, person.id, _details(form), current_user, utcnow())
        except PersonError as exc:
            getattr(form, exc.field, form.name).errors.append(translate_error(exc))
        else:
            flash(_("已保存。"), "success")
            return redirect(url_for("people.detail", person_id=person.id))
    return render_template("people/edit.html", form=form, person=person)


@bp.post("/<int:person_id>/deactivate")
def deactivate(person_id: int):
    person = _person_or_404(person_id)
    _require_manage(person)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        manage.deactivate_account(db.session, person.id, current_user, utcnow())
    except PersonError as exc:
        flash(translate_error(exc), "error")
    else:
        flash(_("已停用 %(name)s 的账号，学习记录保留。", name=person.name), "success")
    return redirect(url_for("people.detail", person_id=person.id))


@bp.post("/<int:person_id>/reactivate")
def reactivate(person_id: int):
    person = _person_or_404(person_id)
    _require_manage(person)
    if not ButtonForm().validate_on_submit():
        abort(400)
    manage.reactivate_account(db.session, person.id, current_user, utcnow())
    flash(_("已恢复 %(name)s 的账号。", name=person.name), "success")
    return redirect(url_for("people.detail", person_id=person.id))


@bp.get("/export.<any(csv, xlsx):fmt>")
@no_store  # everyone's contact details
def export(fmt: str):
    header = [_(title) for title in manage.EXPORT_HEADER]
    rows = manage.export_rows(
        db.session,
        current_user,
        utcnow(),
        status_label=lambda code: _(STATUS_LABELS[code]),
        translate=_,
    )
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
