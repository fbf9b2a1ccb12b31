"""The dashboard's and the digest's GET filter forms.

Nothing sent here is an error page: an id that is not a number or out of range is no
filter (the field's data is None and its error is not shown), an unknown status or sort
column is the default, and only a date that is not a date shows its field's error.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from ..readiness import STATUSES
from ..study.standing import STATUS_LABELS
from ..urls import bounded_int


def _id_field(label) -> SelectField:
    return SelectField(label, coerce=bounded_int, validate_choice=False)


class CohortForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    site = _id_field(_l("项目"))
    job_role = _id_field(_l("岗位"))
    trainer = _id_field(_l("培训师"))  # HR's only: a trainer sees their own trainees
    hired_from = DateField(_l("入职日期从"), validators=[Optional()])
    hired_to = DateField(_l("入职日期到"), validators=[Optional()])
    go_live_from = DateField(_l("上岗日期从"), validators=[Optional()])
    go_live_to = DateField(_l("上岗日期到"), validators=[Optional()])
    status = SelectField(
        _l("状态"),
        choices=[SelectChoice("", _l("全部"))]
        + [SelectChoice(code, _l(STATUS_LABELS[code])) for code in STATUSES],
        validate_choice=False,
    )


class DigestForm(FlaskForm):
    class Meta:
        csrf = False

    trainer = _id_field(_l("培训师"))
    site = _id_field(_l("项目"))


def chosen_id(field: SelectField) -> int | None:
    """The id picked in a select box (0, nothing or a bad value: none)."""
    return field.data if isinstance(field.data, int) and field.data > 0 else None
