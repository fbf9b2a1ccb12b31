"""Practice items derived from a 问答 item: review, edit, add them to a draft of the bank.

GET shows the draft items of quizapp.bank.derive as editable blocks; POST validates the
chosen ones with the bank parser (errors per item and field), inserts them right after the
source item and keeps the bank's new Markdown as a draft (kind "derive"), reviewed and
published on the draft page.
"""

from __future__ import annotations

from dataclasses import replace

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, FieldList, Form, FormField, HiddenField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, Length, Optional

from ..bank import derive, model
from ..bank import syntax as sx
from ..bank.export import export_bank
from ..bank.loader import load_bank
from ..bank.parser import parse_text, split_lines
from ..extensions import db
from ..forms import SafeText
from ..i18n import translate_error
from ..models import Item
from ..models.types import utcnow
from . import item_form, service
from .access import can_edit_bank
from .blueprint import bp
from .forms import MAX_OPTION_ROWS, OptionForm

DERIVED_TYPES = ("cloze", "judge", "single", "multi")
MAX_DRAFTS = 20  # far above what derive makes (about eight)
EMPTY_OPTION_ROWS = 1  # a blank row under the options, to add one


class DerivedItemForm(Form):
    """One draft item; the page shows only the fields of its type."""

    include = BooleanField(_l("加入题库"))
    type = HiddenField(validators=[AnyOf(DERIVED_TYPES)])
    question = TextAreaField(
        _l("题目"),
        validators=[Optional(), Length(max=sx.MAX_QUESTION_LENGTH), SafeText(multiline=True)],
    )
    options = FieldList(FormField(OptionForm), min_entries=0, max_entries=MAX_OPTION_ROWS)
    verdict = RadioField(
        _l("答案"),
        choices=[SelectChoice("true", _l("对")), SelectChoice("false", _l("错"))],
        validate_choice=False,
    )
    explanation = TextAreaField(
        _l("解析"),
        validators=[
            Optional(),
            Length(max=sx.MAX_FIELD_LENGTH["explanation"]),
            SafeText(multiline=True),
        ],
    )


class DeriveForm(FlaskForm):
    items = FieldList(FormField(DerivedItemForm), min_entries=0, max_entries=MAX_DRAFTS)


def skip_message(skip: derive.Skip) -> str:
    """Why a type was not derived, in the reader's language."""
    label = _(sx.TYPE_LABELS[skip.type])
    if skip.reason == "few-siblings":
        return _(
            "没有生成%(type)s题：同一章节其他问答题的要点只能提供 %(found)s 个错误选项，需要 %(needed)s 个。",
            type=label,
            found=skip.found,
            needed=skip.needed,
        )
    if skip.reason == "few-points":
        return _(
            "没有生成%(type)s题：答案只有 %(found)s 个要点，至少需要 %(needed)s 个。",
            type=label,
            found=skip.found,
            needed=skip.needed,
        )
    if skip.reason == "nothing-to-blank":
        return _("没有生成%(type)s题：答案中没有可以挖空的数字或关键词。", type=label)
    if skip.reason == "long-question":
        return _("没有生成%(type)s题：题目太长，无法作为练习题的题干。", type=label)
    return _("没有生成%(type)s题：答案中没有可用的要点或句子。", type=label)


def _form_for(items: tuple[model.Item, ...]) -> DeriveForm:
    form = DeriveForm()
    for draft in items:
        rows = [{"text": c.text, "correct": c.correct} for c in draft.choices]
        if draft.type in ("single", "multi"):
            rows += [{"text": "", "correct": False}] * EMPTY_OPTION_ROWS
        verdict = {True: "true", False: "false"}.get(draft.verdict)
        form.items.append_entry(
            {
                "include": True,
                "type": draft.type,
                "question": draft.question,
                "options": rows[:MAX_OPTION_ROWS],
                "verdict": verdict,
                "explanation": draft.explanation,
            }
        )
    return form


def _text(value: str | None) -> str:
    return (value or "").replace("\r\n", "\n").replace("\r", "\n").strip("\n")


def _draft_item(entry: DerivedItemForm, source: model.Item, new_id: str) -> model.Item:
    kind = entry.type.data
    choices = ()
    if kind in ("single", "multi"):
        choices = tuple(
            model.Choice(option.form.text.data.strip(), bool(option.form.correct.data))
            for option in entry.options
            if (option.form.text.data or "").strip()
        )
    return model.Item(
        type=kind,
        question=_text(entry.question.data),
        id=new_id,
        choices=choices,
        verdict={"true": True, "false": False}.get(entry.verdict.data or ""),
        explanation=_text(entry.explanation.data),
        tags=source.tags,
        source=source.source,
        red_line=source.red_line,
        synonyms=source.synonyms if kind == "cloze" else (),
        derived_from=source.id,
    )


def _field_of(line: str) -> str:
    if line.startswith("- ["):
        return "options"
    if line.startswith("答案："):
        return "verdict"
    if line.startswith("解析："):
        return "explanation"
    return "question"


def _check(
    bank: model.Bank, section: model.Section, source: model.Item, draft: model.Item
) -> tuple[model.Item | None, dict[str, list[str]]]:
    """The draft as the parser reads it, or its errors by field: the draft is parsed in a
    bank of the source and the draft alone (the bank's variables declared)."""
    errors: dict[str, list[str]] = {}
    if not draft.question:
        errors["question"] = [_("请填写题目")]
    if draft.type == "judge" and draft.verdict is None:
        errors["verdict"] = [_("请选择“对”或“错”")]
    if errors:
        return None, errors
    alone = replace(bank, sections=(replace(section, items=(source, draft)),))
    lines = split_lines(export_bank(alone))
    start = [n for n, line in enumerate(lines, start=1) if line.startswith("## ")][-1]
    result = parse_text("\n".join(lines) + "\n", f"{bank.id}.md")
    for problem in result.errors:
        name = "item"
        if problem.line >= start:
            name = next(
                (_field_of(lines[n - 1]) for n in range(problem.line, start, -1)
                 if _field_of(lines[n - 1]) != "question"),
                "question",
            )  # fmt: skip
        errors.setdefault(name, []).append(problem.message)
    if errors:
        return None, errors
    return result.bank.sections[0].items[1], {}


def _with_drafts(
    bank: model.Bank, where: tuple[int, int], source: model.Item, drafts: list[model.Item]
) -> model.Bank:
    """The bank with the source (its 编号 ensured) followed by the drafts."""
    s, i = where
    section = bank.sections[s]
    items = section.items[:i] + (source, *drafts) + section.items[i + 1 :]
    sections = bank.sections[:s] + (replace(section, items=items),) + bank.sections[s + 1 :]
    return replace(bank, sections=sections)


def _source_or_404(item_id: int):
    row = db.session.get(Item, item_id)
    if (
        row is None
        or row.type != "qa"
        or row.retired_at is not None
        or not can_edit_bank(current_user, row.bank)
    ):
        abort(404)
    bank = load_bank(db.session, row.bank.slug)
    where = item_form.find_item(bank, row.key) if bank is not None else None
    if where is None:  # its section was retired
        abort(404)
    return row, bank, where


@bp.route("/items/<int:item_id>/derive", methods=["GET", "POST"], endpoint="derive")
def derive_page(item_id: int):
    row, bank, where = _source_or_404(item_id)
    section = bank.sections[where[0]]
    item = section.items[where[1]]
    derivation = derive.derive(item, section, bank)
    source = derivation.source
    form = DeriveForm() if request.method == "POST" else _form_for(derivation.items)
    errors: dict[int, dict[str, list[str]]] = {}
    form_errors: list[str] = []
    if form.validate_on_submit():
        chosen = [(n, entry.form) for n, entry in enumerate(form.items) if entry.form.include.data]
        ids = derive.allocate_ids(bank, source.id, len(chosen))
        drafts = []
        for (n, entry), new_id in zip(chosen, ids, strict=True):
            parsed, problems = _check(bank, section, source, _draft_item(entry, source, new_id))
            if problems:
                errors[n] = problems
            else:
                drafts.append(parsed)
        if not chosen:
            form_errors.append(_("请至少勾选一道题加入题库。"))
        elif not errors:
            text = export_bank(_with_drafts(bank, where, source, drafts))
            result = parse_text(text, f"{bank.id}.md")
            form_errors += [problem.message for problem in result.errors]
            if not form_errors:
                try:
                    draft = service.create_draft(
                        db.session, current_user, text, kind="derive",
                        filename=f"{bank.id}.md", now=utcnow(),
                    )  # fmt: skip
                except service.AuthoringError as exc:
                    form_errors.append(translate_error(exc))
                else:
                    return redirect(url_for("authoring.draft", draft_id=draft.id))
    elif request.method == "POST":
        if not form.errors:
            abort(400)
        form_errors.append(_("有的题目填写有误，请按提示修改。"))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "authoring/derive.html",
        form=form,
        item=item,
        row=row,
        bank=row.bank,
        skipped=[skip_message(skip) for skip in derivation.skipped],
        errors=errors,
        form_errors=form_errors,
        type_labels=sx.TYPE_LABELS,
    ), status
