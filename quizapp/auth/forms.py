from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length

from ..forms import SafeText


class LoginForm(FlaskForm):
    employee_no = StringField(
        _l("工号"), validators=[DataRequired(_l("请输入工号")), Length(max=64), SafeText()]
    )
    password = PasswordField(
        _l("密码"), validators=[DataRequired(_l("请输入密码")), Length(max=128)]
    )
    remember = BooleanField(_l("在这台手机上保持登录（30 天）"))
    next = HiddenField()
    submit = SubmitField(_l("登录"))


class NewPasswordForm(FlaskForm):
    """The first-login page: the person has just logged in with their one-time password,
    so only the new password is asked for, twice."""

    new_password = PasswordField(
        _l("新密码"), validators=[DataRequired(_l("请输入新密码")), SafeText()]
    )
    confirm = PasswordField(
        _l("再输入一次新密码"),
        validators=[
            DataRequired(_l("请再输入一次新密码")),
            EqualTo("new_password", _l("两次输入的新密码不一致")),
        ],
    )
    next = HiddenField()
    submit = SubmitField(_l("保存新密码"))


class ChangePasswordForm(NewPasswordForm):
    """A change at any other time: the current password first."""

    current_password = PasswordField(
        _l("当前密码"), validators=[DataRequired(_l("请输入当前密码"))]
    )


class LanguageForm(FlaskForm):
    language = SelectField(
        _l("语言"), choices=[SelectChoice("zh_Hans_CN", "中文"), SelectChoice("en", "English")]
    )
    next = HiddenField()
    submit = SubmitField(_l("切换"))
