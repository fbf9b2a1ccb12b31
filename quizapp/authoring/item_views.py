"""Editing one item through a form, and turning a pasted 应知应会 document into a draft
bank. Both end on the draft page, where the trainer reviews the diff and publishes."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..bank import syntax as sx
from ..bank.loader import load_bank
from ..extensions import db
from ..i18n import translate_error
from ..models import Item
from ..models.types import utcnow
from . import item_form, service
from .access import can_edit_bank
from .blueprint import bp
from .forms import MAX_OPTION_ROWS, FromTextForm, ItemForm

try:  # written by another change; the page says so until it lands
    from ..bank import fromtext
except ImportError:  # pragma: no cover - depends on what is installed
    fromtext = None

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
DOCUMENT_SUFFIXES = (".txt", ".docx")
EMPTY_OPTION_ROWS = 2  # blank rows under an item's options, to add an option


def _item_form(item) -> ItemForm:
    if request.method == "POST":
        return ItemForm()
    values = item_form.item_input(item)
    form = ItemForm(
        question=values.question,
        answer=values.answer,
        explanation=values.explanation,
        tags=values.tags,
        red_line=values.red_line,
        synonyms=values.synonyms,
        verdict="true" if values.verdict else "false" if values.verdict is False else None,
    )
    if item.type in ("single", "multi"):
        rows = [{"text": o.text, "correct": o.correct} for o in values.options]
        rows += [{"text": "", "correct": False}] * EMPTY_OPTION_ROWS
        for row in rows[:MAX_OPTION_ROWS]:
            form.options.append_entry(row)
    return form


def _input(form: ItemForm) -> item_form.ItemInput:
    verdict = {"true": True, "false": False}.get(form.verdict.data or "")
    return item_form.ItemInput(
        question=(form.question.data or "").replace("\r\n", "\n"),
        answer=(form.answer.data or "").replace("\r\n", "\n"),
        options=tuple(
            item_form.OptionInput(entry.form.text.data or "", bool(entry.form.correct.data))
            for entry in form.options
        ),
        verdict=verdict,
        explanation=(form.explanation.data or "").replace("\r\n", "\n"),
        tags=form.tags.data or "",
        red_line=bool(form.red_line.data),
        synonyms=form.synonyms.data or "",
    )


@bp.route("/items/<int:item_id>/edit", methods=["GET", "POST"])
def edit_item(item_id: int):
    row = db.session.get(Item, item_id)
    if row is None or row.retired_at is not None or not can_edit_bank(current_user, row.bank):
        abort(404)
    bank = load_bank(db.session, row.bank.slug)
    where = item_form.find_item(bank, row.key)
    if where is None:  # its section was retired
        abort(404)
    item = bank.sections[where[0]].items[where[1]]
    form = _item_form(item)
    errors: dict[str, list[str]] = {}
    if form.validate_on_submit():
        values = _input(form)
        if item.type == "judge" and values.verdict is None:
            errors["verdict"] = [_("请选择“对”或“错”")]
        else:
            outcome = item_form.edit_item(bank, row.key, values)
            errors = outcome.errors
            if outcome.ok and outcome.unchanged:
                flash(_("没有修改任何内容。"), "info")
            elif outcome.ok:
                try:
                    draft = service.create_draft(
                        db.session, current_user, outcome.text, kind="edit",
                        filename=f"{bank.id}.md", now=utcnow(),
                    )  # fmt: skip
                except service.AuthoringError as exc:
                    errors = {"form": [translate_error(exc)]}
                else:
                    return redirect(url_for("authoring.draft", draft_id=draft.id))
    elif request.method == "POST" and not form.errors:
        abort(400)
    status = 422 if request.method == "POST" and (errors or form.errors) else 200
    return render_template(
        "authoring/edit_item.html",
        form=form,
        item=item,
        row=row,
        bank=row.bank,
        errors=errors,
    ), status


def _document_text(form: FromTextForm) -> str | None:
    """The document's text (from the file, else the text box); None after an error."""
    file = form.file.data
    if file is not None and file.filename:
        name = file.filename.lower()
        if not name.endswith(DOCUMENT_SUFFIXES):
            form.file.errors = [_("只接受 .txt 或 .docx 文件")]
            return None
        data = file.read(MAX_DOCUMENT_BYTES + 1)
        if len(data) > MAX_DOCUMENT_BYTES:
            form.file.errors = [_("文件超过 5 MB")]
            return None
        try:
            return fromtext.read_document(data, file.filename)
        except fromtext.DocumentError as exc:
            form.file.errors = [_("无法读取文件：%(reason)s", reason=str(exc))]
            return None
    text = (form.text.data or "").replace("\r\n", "\n")
    if not text.strip():
        form.text.errors = [_("请粘贴文本或选择文件")]
        return None
    return text


@bp.route("/from-text", methods=["GET", "POST"])
def from_text():
    form = FromTextForm()
    status = 200
    if fromtext is None:
        flash(_("文档转换功能尚未安装。"), "error")
    elif form.validate_on_submit():
        status = 422
        text = _document_text(form)
        pairs = fromtext.extract_pairs(text) if text is not None else []
        if text is not None and not pairs:
            form.text.errors = [
                _("没有在文本中找到问题和答案。每道题请写成“问：…… 答：……”或带编号的问题。")
            ]
        elif pairs:
            source = fromtext.draft_bank(
                pairs,
                bank_id=form.bank_id.data,
                title=form.title.data.strip(),
                roles=sx.split_list(form.roles.data or ""),
            )
            try:
                draft = service.create_draft(
                    db.session, current_user, source, kind="from_text",
                    filename=f"{form.bank_id.data}.md", field="bank_id", now=utcnow(),
                )  # fmt: skip
            except service.AuthoringError as exc:
                form.bank_id.errors = [translate_error(exc)]
            else:
                flash(
                    _("找到 %(count)s 道题，已生成草稿。请检查后发布。", count=len(pairs)),
                    "success",
                )
                return redirect(url_for("authoring.draft", draft_id=draft.id))
    elif request.method == "POST":
        status = 422
    return render_template("authoring/from_text.html", form=form, available=fromtext is not None), (
        status
    )
