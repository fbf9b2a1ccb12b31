from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..forms import ButtonForm
from ..i18n import translate_error
from ..models import AuditEntry, Employee, JobRole, Site
from ..models.types import utcnow
from ..people import audit, throttle
from ..people.service import PersonError, change_roles
from .forms import NameForm, RoleSettingsForm, RolesForm

bp = Blueprint("admin", __name__, url_prefix="/admin")

AUDIT_PAGE = 50


@bp.get("/")
def index():
    counts = {
        "people": db.session.scalar(select(func.count()).select_from(Employee)),
        "locks": len(throttle.active_locks(db.session, utcnow())),
    }
    return render_template("admin/index.html", counts=counts)


@bp.route("/people/<int:person_id>/roles", methods=["GET", "POST"])
def person_roles(person_id: int):
    person = db.session.get(Employee, person_id)
    if person is None:
        abort(404)
    form = RolesForm()
    if request.method == "GET":
        form.roles.data = sorted(person.roles)
    if form.validate_on_submit():
        try:
            change_roles(db.session, person, set(form.roles.data), current_user, utcnow())
        except PersonError as exc:
            db.session.rollback()
            form.roles.errors.append(translate_error(exc))
        else:
            db.session.commit()
            flash(_("已更新 %(name)s 的权限。", name=person.name), "success")
            return redirect(url_for("people.detail", person_id=person.id))
    return render_template("admin/roles.html", form=form, person=person)


def _named_rows(model, action: str, title: str, endpoint: str, rename_endpoint: str):
    """The list-and-add page shared by job roles and sites."""
    form = NameForm()
    if form.validate_on_submit():
        name = form.name.data.strip()
        db.session.add(model(name=name))
        try:
            audit.record(db.session, action, current_user, target=name, detail={"created": name})
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            form.name.errors.append(_("已有同名的一项：%(name)s", name=name))
        else:
            flash(_("已添加：%(name)s", name=name), "success")
            return redirect(url_for(endpoint))
    counts = dict(
        db.session.execute(
            select(getattr(Employee, f"{model.__tablename__}_id"), func.count()).group_by(
                getattr(Employee, f"{model.__tablename__}_id")
            )
        ).all()
    )
    rows = db.session.scalars(select(model).order_by(model.name)).all()
    return render_template(
        "admin/named_rows.html",
        form=form,
        rows=rows,
        counts=counts,
        title=title,
        rename_endpoint=rename_endpoint,
    )


def _rename(model, row_id: int, action: str, endpoint: str):
    row = db.session.get(model, row_id)
    if row is None:
        abort(404)
    form = NameForm()
    if form.validate_on_submit():
        old, new = row.name, form.name.data.strip()
        row.name = new
        try:
            audit.record(
                db.session, action, current_user, target=new, detail={"renamed": [old, new]}
            )
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            flash(_("已有同名的一项：%(name)s", name=new), "error")
        else:
            flash(_("已改名：%(old)s → %(new)s", old=old, new=new), "success")
    else:
        for error in form.name.errors:
            flash(error, "error")
    return redirect(url_for(endpoint))


@bp.route("/job-roles", methods=["GET", "POST"])
def job_roles():
    return _named_rows(
        JobRole, "job_role_change", _("岗位"), "admin.job_roles", "admin.rename_job_role"
    )


@bp.post("/job-roles/<int:row_id>")
def rename_job_role(row_id: int):
    return _rename(JobRole, row_id, "job_role_change", "admin.job_roles")


@bp.route("/sites", methods=["GET", "POST"])
def sites():
    return _named_rows(Site, "site_change", _("项目 / 门店"), "admin.sites", "admin.rename_site")


@bp.post("/sites/<int:row_id>")
def rename_site(row_id: int):
    return _rename(Site, row_id, "site_change", "admin.sites")


@bp.get("/audit")
def audit_log():
    page = max(1, request.args.get("page", 1, type=int))
    entries = db.session.scalars(
        select(AuditEntry)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .offset((page - 1) * AUDIT_PAGE)
        .limit(AUDIT_PAGE + 1)
    ).all()
    return render_template(
        "admin/audit.html",
        entries=entries[:AUDIT_PAGE],
        page=page,
        has_more=len(entries) > AUDIT_PAGE,
        labels=audit.ACTIONS,
    )


@bp.get("/locks")
def locks():
    return render_template(
        "admin/locks.html", locks=throttle.active_locks(db.session, utcnow()), button=ButtonForm()
    )


@bp.post("/locks/<int:lock_id>/unlock")
def unlock(lock_id: int):
    if not ButtonForm().validate_on_submit():
        abort(400)
    row = throttle.unlock(db.session, lock_id)
    if row is None:
        abort(404)
    audit.record(db.session, "unlock", current_user, target=f"{row.scope}:{row.key}")
    db.session.commit()
    flash(_("已解除锁定：%(key)s", key=row.key), "success")
    return redirect(url_for("admin.locks"))


@bp.route("/job-roles/<int:row_id>/settings", methods=["GET", "POST"])
def job_role_settings(row_id: int):
    role = db.session.get(JobRole, row_id)
    if role is None:
        abort(404)
    form = RoleSettingsForm(obj=role)
    if form.validate_on_submit():
        before = {f: getattr(role, f) for f in _SETTINGS}
        form.populate_obj(role)
        role.desired_retention = float(form.desired_retention.data)
        after = {f: getattr(role, f) for f in _SETTINGS}
        if before != after:
            audit.record(
                db.session,
                "job_role_change",
                current_user,
                target=role.name,
                detail={"settings": after},
            )
        db.session.commit()
        flash(_("已保存 %(name)s 的学习设置。", name=role.name), "success")
        return redirect(url_for("admin.job_roles"))
    return render_template("admin/role_settings.html", form=form, role=role)


_SETTINGS = ("desired_retention", "daily_new_cap", "session_minutes", "day_boundary_hour")
