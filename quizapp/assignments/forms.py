"""The assignment form. It only reads what was sent; every rule is the service's
(quizapp.assignments.service), whose errors name the field shown here (SPEC_FIELDS)."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional

from ..forms import SafeText
from ..urls import bounded_int
from .service import MAX_DUE_DAYS, NOTE_MAX, TITLE_MAX, NewAssignment, split_employee_nos

_CONTENT = re.compile(r"([bs])([0-9]{1,10})", re.ASCII)
_TAG = re.compile(r"t([0-9]{1,10}):(.{1,100})", re.ASCII | re.DOTALL)

# The service's field → the form field that shows its errors.
SPEC_FIELDS = {
    "title": "title",
    "contents": "contents",
    "tags": "tags",
    "exam_id": "exam",
    "audience": "audience",
    "job_role_id": "job_role",
    "site_id": "site",
    "people": "people",
    "starts_on": "starts_on",
    "due_on": "due_on",
    "due_days": "due_days",
    "note": "note",
}


class AssignmentForm(FlaskForm):
    title = StringField(_l("任务名称"), validators=[Length(max=TITLE_MAX), SafeText()])
    contents = SelectMultipleField(_l("题库或章节"), validate_choice=False)
    tags = SelectMultipleField(_l("标签（题库：标签）"), validate_choice=False)
    exam = SelectField(_l("或者：一场考试"), coerce=bounded_int, validate_choice=False)
    audience = RadioField(
        _l("任务对象"),
        choices=[
            SelectChoice("role", _l("岗位")),
            SelectChoice("site", _l("项目")),
            SelectChoice("people", _l("指定员工")),
        ],
        default="role",
        validate_choice=False,
    )
    job_role = SelectField(_l("岗位"), coerce=bounded_int, validate_choice=False)
    site = SelectField(
        _l("项目（选填，岗位可限定项目）"), coerce=bounded_int, validate_choice=False
    )
    people = TextAreaField(
        _l("工号（每行一个，或用逗号分隔）"), validators=[Length(max=20_000), SafeText(True)]
    )
    starts_on = DateField(_l("开始日期"), validators=[Optional()])
    due_kind = RadioField(
        _l("截止方式"),
        choices=[
            SelectChoice("date", _l("固定截止日期")),
            SelectChoice("days", _l("开始（或入职）后若干天")),
        ],
        default="date",
        validate_choice=False,
    )
    due_on = DateField(_l("截止日期"), validators=[Optional()])
    due_days = IntegerField(
        _l("天数"),
        validators=[
            Optional(),
            NumberRange(1, MAX_DUE_DAYS, _l("天数须在 1 到 %(max)s 之间", max=MAX_DUE_DAYS)),
        ],
    )
    note = TextAreaField(_l("备注"), validators=[Length(max=NOTE_MAX), SafeText(True)])

    def spec(self) -> NewAssignment | None:
        """The values as the service takes them (None, with field errors, when a choice
        is not one the form offers)."""
        bank_ids: list[int] = []
        section_ids: list[int] = []
        for value in self.contents.data or []:
            match = _CONTENT.fullmatch(value)
            if match is None:
                self.contents.errors.append(_l("请从列表中选择"))
                return None
            (bank_ids if match[1] == "b" else section_ids).append(int(match[2]))
        tags: list[tuple[int, str]] = []
        for value in self.tags.data or []:
            match = _TAG.fullmatch(value)
            if match is None:
                self.tags.errors.append(_l("请从列表中选择"))
                return None
            tags.append((int(match[1]), match[2]))
        by_date = self.due_kind.data != "days"
        exam = self.exam.data if isinstance(self.exam.data, int) and self.exam.data > 0 else None
        return NewAssignment(
            title=self.title.data or "",
            bank_ids=bank_ids,
            section_ids=section_ids,
            tags=tags,
            exam_id=exam,
            audience=self.audience.data or "",
            job_role_id=self.job_role.data or None,
            site_id=self.site.data or None,
            employee_nos=split_employee_nos(self.people.data or ""),
            starts_on=self.starts_on.data,
            due_on=self.due_on.data if by_date else None,
            due_days=None if by_date else self.due_days.data,
            note=self.note.data or "",
        )
