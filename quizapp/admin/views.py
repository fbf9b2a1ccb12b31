from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..facts import service as facts
from ..forms import ButtonForm
from ..i18n import translate_error
from ..models.types import utcnow
from ..people.audit import ACTIONS
from ..people.service import PersonError, person_for
from ..urls import bounded_int
from . import service
from .forms import FactForm, NameForm, RoleSettingsForm, RolesForm
from .service import JOB_ROLES, SITES, NamedKind, StudySettings

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
def index():
    counts = service.dashboard_counts(db.session, utcnow())
    return render_template("admin/index.html", counts=counts)


@bp.route("/people/<int:person_id>/roles", methods=["GET", "POST"])
def person_roles(person_id: int):
    person = person_for(db.session, current_user, person_id)
    if person is None:
        abort(404)
    form = RolesForm()
    if request.method == "GET":
        form.roles.data = sorted(person.roles)
    if form.validate_on_submit():
        try:
            service.change_access_roles(
                db.session, person.id, set(form.roles.data), current_user, utcnow()
            )
        except PersonError as exc:
            form.roles.errors.append(translate_error(exc))
        else:
            flash(_("已更新 %(name)s 的权限。", name=person.name), "success")
            return redirect(url_for("people.detail", person_id=person.id))
    return render_template("admin/roles.html", form=form, person=person)


def _named_rows(kind: NamedKind, title: str, endpoint: str, rename_endpoint: str):
    """The list-and-add page shared by job roles and sites."""
    form = NameForm()
    if form.validate_on_submit():
        try:
            name = service.add_row(db.session, kind, form.name.data, current_user, utcnow())
        except PersonError as exc:
            form.name.errors.append(translate_error(exc))
        else:
            flash(_("已添加：%(name)s", name=name), "success")
            return redirect(url_for(endpoint))
    return render_template(
        "admin/named_rows.html",
        form=form,
        rows=service.rows_with_counts(db.session, kind),
        title=title,
        rename_endpoint=rename_endpoint,
    )


def _rename(kind: NamedKind, row_id: int, endpoint: str):
    if service.find_row(db.session, kind, row_id) is None:
        abort(404)
    form = NameForm()
    if form.validate_on_submit():
        try:
            renamed = service.rename_row(
                db.session, kind, row_id, form.name.data, current_user, utcnow()
            )
        except PersonError as exc:
            flash(translate_error(exc), "error")
        else:
            if renamed is None:  # removed since the check above
                abort(404)
            flash(_("已改名：%(old)s → %(new)s", old=renamed.old, new=renamed.new), "success")
    else:
        for error in form.name.errors:
            flash(error, "error")
    return redirect(url_for(endpoint))


@bp.route("/job-roles", methods=["GET", "POST"])
def job_roles():
    return _named_rows(JOB_ROLES, _("岗位"), "admin.job_roles", "admin.rename_job_role")


@bp.post("/job-roles/<int:row_id>")
def rename_job_role(row_id: int):
    return _rename(JOB_ROLES, row_id, "admin.job_roles")


@bp.route("/sites", methods=["GET", "POST"])
def sites():
    return _named_rows(SITES, _("项目 / 门店"), "admin.sites", "admin.rename_site")


@bp.post("/sites/<int:row_id>")
def rename_site(row_id: int):
    return _rename(SITES, row_id, "admin.sites")


@bp.get("/audit")
def audit_log():
    page = service.audit_page(db.session, request.args.get("page", 1, type=bounded_int))
    return render_template(
        "admin/audit.html",
        entries=page.entries,
        page=page.page,
        has_more=page.has_more,
        labels=ACTIONS,
    )


@bp.get("/locks")
def locks():
    return render_template(
        "admin/locks.html", locks=service.active_locks(db.session, utcnow()), button=ButtonForm()
    )


@bp.post("/locks/<int:lock_id>/unlock")
def unlock(lock_id: int):
    if not ButtonForm().validate_on_submit():
        abort(400)
    row = service.unlock(db.session, lock_id, current_user, utcnow())
    if row is None:
        abort(404)
    flash(_("已解除锁定：%(key)s", key=row.key), "success")
    return redirect(url_for("admin.locks"))


@bp.route("/job-roles/<int:row_id>/settings", methods=["GET", "POST"])
def job_role_settings(row_id: int):
    role = service.find_row(db.session, JOB_ROLES, row_id)
    if role is None:
        abort(404)
    form = RoleSettingsForm(obj=role)
    if form.validate_on_submit():
        settings = StudySettings(
            desired_retention=float(form.desired_retention.data),
            daily_new_cap=form.daily_new_cap.data,
            session_minutes=form.session_minutes.data,
            day_boundary_hour=form.day_boundary_hour.data,
            readiness_target=float(form.readiness_target.data),
        )
        try:
            service.save_study_settings(db.session, role.id, settings, current_user, utcnow())
        except PersonError as exc:
            getattr(form, exc.field).errors.append(translate_error(exc))
        else:
            flash(_("已保存 %(name)s 的学习设置。", name=role.name), "success")
            return redirect(url_for("admin.job_roles"))
    return render_template("admin/role_settings.html", form=form, role=role)


@bp.route("/facts", methods=["GET", "POST"])
def company_facts():
    """Company facts: the value of every bank variable for the organisation and each site,
    and the items hidden from hires while a value is missing."""
    rows = facts.fact_rows(db.session)
    sites = service.rows_with_counts(db.session, SITES)
    form = FactForm()
    form.name.choices = [(row.name, row.name) for row in rows]
    form.site.choices = [("", _("全公司"))] + [(str(site.id), site.name) for site in sites]
    if form.validate_on_submit():
        site_id = int(form.site.data) if form.site.data else None
        try:
            if form.clear.data:
                facts.clear_value(db.session, form.name.data, site_id, current_user, utcnow())
                flash(_("已清除：%(name)s", name=form.name.data), "success")
            else:
                facts.set_value(
                    db.session,
                    form.name.data,
                    site_id,
                    form.value.data or "",
                    current_user,
                    utcnow(),
                )
                flash(_("已保存：%(name)s", name=form.name.data), "success")
        except PersonError as exc:
            getattr(form, exc.field).errors.append(translate_error(exc))
        else:
            return redirect(url_for("admin.company_facts"))
    return render_template(
        "admin/facts.html",
        form=form,
        rows=rows,
        hidden=facts.hidden_items(db.session),
    )
