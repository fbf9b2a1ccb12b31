from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

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
    name = StringField(_l("名称"), validators=[DataRequired(_l("请输入名称")), Length(max=100)])
    submit = SubmitField(_l("保存"))
