from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField, SubmitField
from wtforms.validators import DataRequired


class RosterUploadForm(FlaskForm):
    file = FileField(
        _l("员工名单（CSV 或 Excel .xlsx）"),
        validators=[
            FileRequired(_l("请选择文件")),
            FileAllowed(["csv", "xlsx"], _l("只接受 .csv 或 .xlsx 文件")),
        ],
    )
    submit = SubmitField(_l("预览"))


class ConfirmImportForm(FlaskForm):
    payload = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("确认导入"))
