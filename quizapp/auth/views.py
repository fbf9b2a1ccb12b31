from __future__ import annotations

import ipaddress
from datetime import timedelta

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..extensions import db
from ..i18n import translate_error
from ..models.types import utcnow
from ..people.service import PersonError
from ..urls import safe_next
from . import service
from .forms import ChangePasswordForm, LanguageForm, LoginForm, NewPasswordForm

bp = Blueprint("auth", __name__)


def dev_server_on_loopback(environ: dict) -> bool:
    """Whether the request is served by Werkzeug's development server bound to a loopback
    address (`make run`): only there may the demo accounts' published passwords be used.

    Werkzeug sets SERVER_NAME to the address its socket is bound to. ProxyFix (PROXY_FIX)
    would replace it with X-Forwarded-Host, so the original it keeps is read instead."""
    if not str(environ.get("SERVER_SOFTWARE", "")).startswith("Werkzeug"):
        return False
    original = environ.get("werkzeug.proxy_fix.orig") or {}
    bound = original.get("SERVER_NAME", environ.get("SERVER_NAME", ""))
    try:
        return ipaddress.ip_address(bound).is_loopback
    except ValueError:
        return False


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if current_user.is_authenticated:
        return redirect(safe_next(form.next.data))
    if form.validate_on_submit():
        outcome = service.attempt_login(
            db.session,
            form.employee_no.data,
            form.password.data,
            request.remote_addr or "",
            utcnow(),
            allow_published=current_app.testing
            or current_app.debug
            or dev_server_on_loopback(request.environ),
        )
        if outcome.person is not None:
            login_user(outcome.person, remember=form.remember.data, duration=timedelta(days=30))
            session.pop("locale", None)
            return redirect(safe_next(form.next.data))
        form.password.errors.append(outcome.message)
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    service.log_out(db.session, current_user._get_current_object())
    logout_user()
    flash(_("你已退出登录。"), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
def change_password():
    # After a one-time password the person has just proved it by logging in: only the new
    # password is asked for.
    forced = current_user.must_change_password
    form = NewPasswordForm() if forced else ChangePasswordForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        remembered = (
            current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
        )
        try:
            person = service.change_password(
                db.session,
                current_user._get_current_object(),
                None if forced else form.current_password.data,
                form.new_password.data,
                utcnow(),
            )
        except PersonError as exc:
            getattr(form, exc.field).errors.append(translate_error(exc))
        else:
            # Other sessions end; this one continues under the new session version.
            login_user(person, remember=remembered, duration=timedelta(days=30))
            flash(_("密码已更新。"), "success")
            return redirect(safe_next(form.next.data))
    return render_template("auth/change_password.html", form=form, forced=forced)


@bp.post("/language")
def set_language():
    form = LanguageForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            service.set_language(db.session, current_user._get_current_object(), form.language.data)
        else:
            session["locale"] = form.language.data
    return redirect(safe_next(form.next.data))
