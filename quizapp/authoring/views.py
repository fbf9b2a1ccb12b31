"""The authoring pages (trainers for the banks they own, admins for every bank)."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from ..extensions import db
from ..forms import ButtonForm
from ..i18n import N_, translate_error
from ..models import Bank, Employee
from ..models.types import utcnow
from . import item_views, service  # noqa: F401  (item_views: routes on bp)
from .access import can_edit_bank
from .blueprint import bp
from .forms import DraftForm, OwnerForm, UploadForm
from .review import review_draft


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error):
    # The app refuses any request over 6 MB before a view runs (MAX_CONTENT_LENGTH).
    flash(_("上传的内容太大：题库文件不超过 1 MB，文档不超过 5 MB。"), "error")
    back = "authoring.from_text" if request.endpoint == "authoring.from_text" else "authoring.index"
    return redirect(url_for(back))


@bp.app_context_processor
def _bank_access():
    """For the bank pages (templates/catalog): which banks the visitor may edit, and
    whether they may download banks (staff may; employees may not)."""

    def editable_slugs() -> set[str]:
        if not current_user.is_authenticated or not current_user.has_role("trainer", "admin"):
            return set()
        return {bank.slug for bank in service.editable_banks(db.session, current_user)}

    def may_download() -> bool:
        return current_user.is_authenticated and current_user.has_role("trainer", "hr", "admin")

    return {"editable_slugs": editable_slugs, "may_download_banks": may_download}


def _bank_or_404(slug: str, edit: bool = False) -> Bank:
    bank = service.bank_by_slug(db.session, slug)
    if bank is None or (edit and not can_edit_bank(current_user, bank)):
        abort(404)
    return bank


def _draft_or_404(draft_id: int):
    draft = service.get_draft(db.session, current_user, draft_id)
    if draft is None:
        abort(404)
    return draft


def _index_page(upload: UploadForm, status: int = 200):
    banks = service.editable_banks(db.session, current_user)
    is_admin = current_user.has_role("admin")
    owners = service.trainers(db.session) if is_admin else []
    names = {person.id: person.name for person in owners}
    if is_admin:
        missing = {b.owner_id for b in banks if b.owner_id and b.owner_id not in names}
        for person_id in missing:
            person = db.session.get(Employee, person_id)
            names[person_id] = person.name if person else ""
    return render_template(
        "authoring/index.html",
        rows=service.bank_rows(db.session, banks),
        drafts=service.drafts_of(db.session, current_user),
        upload=upload,
        owners=owners,
        owner_names=names,
        owner_form=OwnerForm(),
        is_admin=is_admin,
    ), status


@bp.get("/")
def index():
    return _index_page(UploadForm())


@bp.post("/upload")
def upload():
    form = UploadForm()
    if not form.validate_on_submit():
        abort(400)
    file = form.file.data
    try:
        if file is not None and file.filename:
            data = file.read(service.MAX_DRAFT_BYTES + 1)
            text = service.decode_upload(data, file.filename)
            filename, field = file.filename, "file"
        elif (form.text.data or "").strip():
            text, filename, field = form.text.data.replace("\r\n", "\n"), "", "text"
        else:
            raise service.AuthoringError("file", N_("请选择一个 .md 文件，或粘贴题库 Markdown"))
        draft = service.create_draft(
            db.session, current_user, text, kind="upload", filename=filename, field=field,
            now=utcnow(),
        )  # fmt: skip
    except service.AuthoringError as exc:
        getattr(form, exc.field, form.file).errors = [translate_error(exc)]
        return _index_page(form, 422)
    return redirect(url_for("authoring.draft", draft_id=draft.id))


@bp.get("/drafts/<int:draft_id>")
def draft(draft_id: int):
    draft = _draft_or_404(draft_id)
    return _draft_page(draft, DraftForm(source=draft.source))


def _draft_page(draft, form: DraftForm, status: int = 200):
    return render_template(
        "authoring/draft.html",
        review=review_draft(db.session, current_user, draft),
        form=form,
        button=ButtonForm(),
    ), status


@bp.post("/drafts/<int:draft_id>/save")
def save_draft(draft_id: int):
    draft = _draft_or_404(draft_id)
    form = DraftForm()
    if not form.validate_on_submit():
        abort(400)
    text = (form.source.data or "").replace("\r\n", "\n")
    try:
        service.save_draft(db.session, draft, text, utcnow())
    except service.AuthoringError as exc:
        # Nothing typed is lost: the page shows the text as sent, with the reason.
        form.source.errors = [translate_error(exc)]
        return _draft_page(draft, form, 422)
    flash(_("草稿已保存。"), "success")
    return redirect(url_for("authoring.draft", draft_id=draft.id))


@bp.post("/drafts/<int:draft_id>/publish")
def publish(draft_id: int):
    draft = _draft_or_404(draft_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        published = service.publish(db.session, current_user, draft, utcnow())
    except service.AuthoringError as exc:
        flash(translate_error(exc), "error")
        return redirect(url_for("authoring.draft", draft_id=draft_id))
    flash(
        _(
            "已发布第 %(number)s 版：新增 %(added)s 题，修改 %(changed)s 题，停用 %(retired)s 题；"
            "%(relearning)s 条学习进度需要重新学习。",
            number=published.number,
            added=len(published.diff.added),
            changed=len(published.diff.changed),
            retired=len(published.diff.retired),
            relearning=published.relearning,
        ),
        "success",
    )
    return redirect(url_for("authoring.history", slug=published.slug))


@bp.post("/drafts/<int:draft_id>/discard")
def discard(draft_id: int):
    draft = _draft_or_404(draft_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    service.discard_draft(db.session, draft)
    flash(_("草稿已删除。"), "success")
    return redirect(url_for("authoring.index"))


@bp.post("/banks/<slug>/owner")
def set_owner(slug: str):
    bank = _bank_or_404(slug)
    form = OwnerForm()
    if not form.validate_on_submit():
        abort(400)
    owner = None
    if form.owner.data:
        owner = db.session.get(Employee, form.owner.data)
        if owner is None:
            abort(404)
    try:
        service.set_owner(db.session, bank, owner, current_user, utcnow())
    except service.AuthoringError as exc:
        flash(translate_error(exc), "error")
    else:
        flash(_("已更新 %(bank)s 的负责人。", bank=bank.title), "success")
    return redirect(url_for("authoring.index"))


def _markdown_file(text: str, filename: str) -> Response:
    return Response(
        text,
        mimetype="text/markdown",
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}",
            "Cache-Control": "no-store",
        },
    )


@bp.get("/banks/<slug>/download")
def download(slug: str):
    bank = _bank_or_404(slug)
    return _markdown_file(service.bank_markdown(db.session, bank.slug) or "", f"{bank.slug}.md")


@bp.get("/banks/<slug>/history")
def history(slug: str):
    bank = _bank_or_404(slug)
    return render_template(
        "authoring/history.html",
        bank=bank,
        revisions=service.revisions(db.session, bank),
        can_edit=can_edit_bank(current_user, bank),
    )


@bp.get("/banks/<slug>/revisions/<int:number>/download")
def download_revision(slug: str, number: int):
    bank = _bank_or_404(slug)
    revision = service.revision(db.session, bank, number)
    if revision is None:
        abort(404)
    return _markdown_file(revision.source, f"{bank.slug}-r{number}.md")


# Routes defined in sibling modules, registered on this blueprint when it is imported.
from . import derive_views  # noqa: E402, F401
