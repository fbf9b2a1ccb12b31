"""The exam form (new and edit) and the review form.

The form only reads what was sent (numbers, dates, choices); every rule about an exam is
the service's (quizapp.exams.authoring), whose errors name the ExamSpec field the form
shows them under (`SPEC_FIELDS`).
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from ..forms import SafeText
from ..urls import bounded_int
from .authoring import (
    AUDIENCES,
    DRAWS,
    KINDS,
    LAYOUTS,
    MAX_ATTEMPTS,
    MAX_MINUTES,
    MAX_QUOTA,
    REVEALS,
    ExamSpec,
    Quota,
)

QUOTA_ROWS = 5
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"
_SOURCE = re.compile(r"[bs][0-9]{1,10}", re.ASCII)
_SEPARATORS = re.compile(r"[\s,，、;；]+")

# ExamSpec's field → the form field that shows its errors.
SPEC_FIELDS = {
    "title": "title",
    "kind": "kind",
    "bank_ids": "sources",
    "section_ids": "sources",
    "quotas": "quotas",
    "draw": "draw",
    "item_ids": "items",
    "shuffle_options": "shuffle_options",
    "time_limit_minutes": "time_limit",
    "pass_mark_percent": "pass_mark",
    "attempts_allowed": "attempts",
    "opens_at": "opens_at",
    "closes_at": "closes_at",
    "audience": "audience",
    "job_role_id": "job_role",
    "site_id": "site",
    "employee_nos": "employee_nos",
    "reveal": "reveal",
    "layout": "layout",
}


def _choices(labels: dict[str, str]) -> list[SelectChoice]:
    return [SelectChoice(code, _l(label)) for code, label in labels.items()]


def as_choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as select-box choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def _id_select(label) -> SelectField:
    return SelectField(label, coerce=bounded_int, validate_choice=False, default=0)


def _source(value: object) -> tuple[str, int] | None:
    """("b", bank id) or ("s", section id) from a source checkbox's value; None if bad."""
    text = str(value)
    if not _SOURCE.fullmatch(text):
        return None
    try:
        return text[0], bounded_int(text[1:])
    except ValueError:
        return None


def _sources_valid(_form, field) -> None:
    if any(_source(value) is None for value in field.data or []):
        raise ValidationError(_l("请从列表中选择题目来源"))


def _chosen(value: object) -> int | None:
    """The id picked in a select box (0, nothing or a bad value: none)."""
    return value if isinstance(value, int) and value > 0 else None


class QuotaForm(Form):
    """One line of the draw: how many items, of which type, from which section."""

    section = _id_select(_l("章节"))
    type = SelectField(_l("题型"), validate_choice=False, default="")
    count = IntegerField(
        _l("题数"), validators=[Optional(), NumberRange(min=0, max=MAX_QUOTA)], default=None
    )


class ExamForm(FlaskForm):
    title = StringField(_l("标题"), validators=[Length(max=200), SafeText()])
    kind = RadioField(_l("类型"), choices=_choices(KINDS), default="quiz")
    sources = SelectMultipleField(
        _l("题目来源"), validate_choice=False, validators=[_sources_valid]
    )
    draw = RadioField(_l("抽题方式"), choices=_choices(DRAWS), default="random")
    quotas = FieldList(FormField(QuotaForm), min_entries=QUOTA_ROWS, max_entries=QUOTA_ROWS)
    items = SelectMultipleField(_l("固定题目"), coerce=bounded_int, validate_choice=False)
    shuffle_options = BooleanField(_l("打乱选项顺序"), default=True)
    time_limit = IntegerField(
        _l("限时（分钟，留空为不限时）"),
        validators=[Optional(), NumberRange(min=1, max=MAX_MINUTES)],
        default=15,
    )
    pass_mark = IntegerField(
        _l("及格线（%）"), validators=[NumberRange(min=0, max=100)], default=80
    )
    attempts = IntegerField(
        _l("可作答次数"), validators=[NumberRange(min=1, max=MAX_ATTEMPTS)], default=1
    )
    opens_at = DateTimeLocalField(
        _l("开始时间（北京时间）"), format=LOCAL_FORMAT, validators=[Optional()]
    )
    closes_at = DateTimeLocalField(
        _l("结束时间（北京时间）"), format=LOCAL_FORMAT, validators=[Optional()]
    )
    audience = RadioField(_l("参加人员"), choices=_choices(AUDIENCES), default="role")
    job_role = _id_select(_l("岗位"))
    site = _id_select(_l("项目"))
    employee_nos = TextAreaField(
        _l("工号（每行一个，或用逗号、空格分隔）"),
        validators=[Length(max=20000), SafeText(multiline=True)],
    )
    reveal = RadioField(_l("公布答案"), choices=_choices(REVEALS), default="at_once")
    layout = RadioField(_l("答题方式"), choices=_choices(LAYOUTS), default="single")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.quota_errors: list[str] = []
        if not self.is_submitted() and not kwargs.get("obj") and self.quotas.entries:
            first = self.quotas.entries[0].form
            if first.count.data is None:
                first.count.data = 10

    def set_quota_choices(self, sections: list[tuple[int, str]], types: list[tuple]) -> None:
        for entry in self.quotas.entries:
            entry.form.section.choices = as_choices([(0, _l("全部来源")), *sections])
            entry.form.type.choices = as_choices([("", _l("任意题型")), *types])

    def spec(self) -> ExamSpec:
        """What was sent, as the service reads it."""
        banks, sections = [], []
        for kind, number in filter(None, map(_source, self.sources.data or [])):
            (banks if kind == "b" else sections).append(number)
        quotas = tuple(
            Quota(
                _chosen(entry.form.section.data),
                entry.form.type.data or None,
                entry.form.count.data,
            )
            for entry in self.quotas.entries
            if entry.form.count.data
        )
        return ExamSpec(
            title=self.title.data or "",
            kind=self.kind.data,
            bank_ids=tuple(banks),
            section_ids=tuple(sections),
            quotas=quotas,
            draw=self.draw.data,
            item_ids=tuple(self.items.data or ()),
            shuffle_options=bool(self.shuffle_options.data),
            time_limit_minutes=self.time_limit.data,
            pass_mark_percent=self.pass_mark.data,
            attempts_allowed=self.attempts.data,
            opens_at=self.opens_at.data,
            closes_at=self.closes_at.data,
            audience=self.audience.data,
            job_role_id=_chosen(self.job_role.data),
            site_id=_chosen(self.site.data),
            employee_nos=tuple(n for n in _SEPARATORS.split(self.employee_nos.data or "") if n),
            reveal=self.reveal.data,
            layout=self.layout.data,
        )

    def fill(self, spec: ExamSpec) -> None:
        """Show a stored exam (the edit page's first view)."""
        self.title.data = spec.title
        self.kind.data = spec.kind
        self.sources.data = [f"b{i}" for i in spec.bank_ids] + [f"s{i}" for i in spec.section_ids]
        self.draw.data = spec.draw
        for entry in self.quotas.entries:
            entry.form.section.data, entry.form.type.data, entry.form.count.data = 0, "", None
        for entry, quota in zip(self.quotas.entries, spec.quotas, strict=False):
            entry.form.section.data = quota.section_id or 0
            entry.form.type.data = quota.type or ""
            entry.form.count.data = quota.count
        self.items.data = list(spec.item_ids)
        self.shuffle_options.data = spec.shuffle_options
        self.time_limit.data = spec.time_limit_minutes
        self.pass_mark.data = round(spec.pass_mark_percent)
        self.attempts.data = spec.attempts_allowed
        self.opens_at.data = spec.opens_at
        self.closes_at.data = spec.closes_at
        self.audience.data = spec.audience
        self.job_role.data = spec.job_role_id or 0
        self.site.data = spec.site_id or 0
        self.employee_nos.data = "\n".join(spec.employee_nos)
        self.reveal.data = spec.reveal
        self.layout.data = spec.layout

    def show_error(self, spec_field: str, message: str) -> None:
        """A service error under the field it names."""
        name = SPEC_FIELDS.get(spec_field, "title")
        if name == "quotas":
            self.quota_errors.append(message)
            return
        field = getattr(self, name)
        field.errors = [*list(field.errors or []), message]


class ReviewForm(FlaskForm):
    """A reviewer's score (0–100 %) and comment for one typed answer."""

    score = IntegerField(_l("得分（%）"), validators=[NumberRange(min=0, max=100)])
    comment = TextAreaField(
        _l("评语（可选）"), validators=[Length(max=2000), SafeText(multiline=True)]
    )
