from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

from ..forms import SafeText
from ..urls import bounded_int


class SearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = StringField(_l("搜索"), validators=[Optional(), Length(max=100), SafeText()])
    # An id out of range (?job_role=99999999999999999999) is no filter, not a database error.
    job_role = SelectField(_l("岗位"), coerce=bounded_int, validate_choice=False)
    site = SelectField(_l("项目"), coerce=bounded_int, validate_choice=False)
    status = SelectField(
        _l("状态"),
        choices=[
            SelectChoice("", _l("全部")),
            SelectChoice("active", _l("在职")),
            SelectChoice("left", _l("已离职")),
        ],
        validate_choice=False,
    )


class PersonForm(FlaskForm):
    employee_no = StringField(
        _l("工号"), validators=[DataRequired(_l("请输入工号")), Length(max=64), SafeText()]
    )
    name = StringField(
        _l("姓名"), validators=[DataRequired(_l("请输入姓名")), Length(max=100), SafeText()]
    )
    phone = StringField(
        _l("手机"),
        validators=[
            Optional(),
            Regexp(
                r"^(\+?86[ -]?)?1\d{2}[ -]?\d{4}[ -]?\d{4}$", message=_l("手机号应为 11 位数字")
            ),
            SafeText(),
        ],
    )
    email = EmailField(
        _l("邮箱"),
        validators=[
            Optional(),
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("邮箱格式不正确")),
            Length(max=254),
            SafeText(),
        ],
    )
    job_role = SelectField(_l("岗位"), coerce=bounded_int)
    site = SelectField(_l("项目"), coerce=bounded_int)
    hire_date = DateField(_l("入职日期"), validators=[Optional()])
    go_live_date = DateField(_l("上岗日期"), validators=[Optional()])
    trainer = SelectField(_l("培训师"), coerce=bounded_int)
    submit = SubmitField(_l("保存"))
