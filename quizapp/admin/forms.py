from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DecimalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms import SafeText
from .service import SETTING_LIMITS

ROLE_LABELS = {
    "employee": _l("员工（学习）"),
    "trainer": _l("培训师"),
    "hr": _l("人事（HR）"),
    "admin": _l("管理员"),
}


class RolesForm(FlaskForm):
    roles = SelectMultipleField(
        _l("权限"),
        choices=[SelectChoice(role, label) for role, label in ROLE_LABELS.items()],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[DataRequired(_l("至少选择一项权限"))],
    )
    submit = SubmitField(_l("保存权限"))


class NameForm(FlaskForm):
    name = StringField(
        _l("名称"), validators=[DataRequired(_l("请输入名称")), Length(max=100), SafeText()]
    )
    submit = SubmitField(_l("保存"))


def _within(field: str) -> NumberRange:
    """The limits the service checks (admin.service.SETTING_LIMITS), with its message."""
    low, high, message = SETTING_LIMITS[field]
    return NumberRange(low, high, _l(message))


class RoleSettingsForm(FlaskForm):
    """How the job role's hires are scheduled (quizapp.srs.RoleSettings)."""

    desired_retention = DecimalField(
        _l("目标记忆率"),
        places=2,
        validators=[
            DataRequired(_l("请输入 0.70 到 0.99 之间的数")),
            _within("desired_retention"),
        ],
    )
    daily_new_cap = IntegerField(_l("每天新题上限"), validators=[_within("daily_new_cap")])
    session_minutes = IntegerField(
        _l("每次学习时长（分钟）"), validators=[_within("session_minutes")]
    )
    day_boundary_hour = IntegerField(
        _l("每天从几点算起（0–23）"), validators=[_within("day_boundary_hour")]
    )
    readiness_target = DecimalField(
        _l("上岗达标线（预计掌握度）"),
        places=2,
        validators=[
            DataRequired(_l("请输入 0.50 到 0.99 之间的数")),
            _within("readiness_target"),
        ],
    )
    submit = SubmitField(_l("保存"))


class FactForm(FlaskForm):
    """Set or clear one company fact (a bank variable's value) for the organisation or a
    site. The choices are filled by the view: the declared variables and the sites."""

    name = SelectField(_l("变量"), validators=[DataRequired(_l("请选择变量"))])
    site = SelectField(_l("适用范围"), validators=[Optional()])
    value = StringField(
        _l("值"),
        validators=[Length(max=200, message=_l("值不能超过 200 个字")), SafeText()],
        render_kw={"maxlength": 200},
    )
    save = SubmitField(_l("保存"))
    clear = SubmitField(_l("清除"))
