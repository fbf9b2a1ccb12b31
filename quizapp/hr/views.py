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

from ..extensions import db
from ..forms import ButtonForm
from ..i18n import translate_error
from ..models.types import utcnow
from ..people import onboarding
from ..people.service import PersonError
from ..roster import FIELDS, Credential, RosterError, handout_csv
from ..security import no_store
from .forms import ConfirmImportForm, RosterUploadForm

bp = Blueprint("hr", __name__, url_prefix="/hr")

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
            preview = onboarding.preview_roster(
                db.session, upload.read(), upload.filename or "", current_user
            )
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
        "hr/import.html",
        form=form,
        preview=preview,
        file_errors=file_errors,
        confirm=confirm,
        fields=FIELDS,
    )


@bp.post("/import/confirm")
@no_store  # shows the new accounts' one-time passwords
def confirm_import():
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        data = _serializer().loads(form.payload.data, max_age=_IMPORT_MAX_AGE)
    except SignatureExpired:
        flash(_("预览已超过一小时，请重新上传文件。"), "error")
        return redirect(url_for("hr.import_roster"))
    except BadSignature:
        abort(400)
    hires = onboarding.hires_from_json(data["hires"])
    try:
        credentials = onboarding.import_hires(
            db.session, hires, current_user, utcnow(), data["file"]
        )
    except PersonError as exc:
        flash(
            _("没有导入任何人：%(message)s。请重新上传文件预览。", message=translate_error(exc)),
            "error",
        )
        return redirect(url_for("hr.import_roster"))
    return render_template("hr/imported.html", credentials=credentials, handout=ButtonForm())


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
