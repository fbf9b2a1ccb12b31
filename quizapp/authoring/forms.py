"""The authoring forms. They read what was sent; the bank parser validates bank text."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

from ..bank import syntax as sx
from ..forms import SafeText
from ..urls import bounded_int

MAX_OPTION_ROWS = sx.MAX_OPTIONS


class UploadForm(FlaskForm):
    file = FileField(_l("题库文件（.md，UTF-8，不超过 1 MB）"))
    text = TextAreaField(_l("或者粘贴 Markdown"), validators=[Optional()])


class DraftForm(FlaskForm):
    source = TextAreaField(_l("题库 Markdown"))


class OwnerForm(FlaskForm):
    owner = SelectField(_l("负责的培训师"), coerce=bounded_int, validate_choice=False)


class FromTextForm(FlaskForm):
    text = TextAreaField(_l("粘贴应知应会文本"), validators=[Optional(), SafeText(multiline=True)])
    file = FileField(_l("或者上传文件（.txt 或 .docx，不超过 5 MB）"))
    bank_id = StringField(
        _l("题库编号"),
        validators=[
            DataRequired(_l("请填写题库编号")),
            Regexp(
                sx.BANK_ID_RE.pattern,
                message=_l("题库编号只能用小写字母、数字和“-”，以字母或数字开头，例如 property"),
            ),
        ],
    )
    title = StringField(
        _l("题库标题"),
        validators=[
            DataRequired(_l("请填写题库标题")),
            Length(max=sx.MAX_TITLE_LENGTH),
            SafeText(),
        ],
    )
    roles = StringField(
        _l("适用岗位（可不填，多个用“、”分开）"),
        validators=[Optional(), Length(max=500), SafeText()],
    )


class OptionForm(Form):
    """One option of a 单选/多选 item: its text and whether it is right."""

    text = StringField(
        _l("选项"), validators=[Optional(), Length(max=sx.MAX_OPTION_LENGTH), SafeText()]
    )
    correct = BooleanField(_l("正确"))


class ItemForm(FlaskForm):
    """One item; the view shows only the fields of the item's type."""

    question = TextAreaField(
        _l("题目"), validators=[DataRequired(_l("请填写题目")), SafeText(multiline=True)]
    )
    answer = TextAreaField(_l("答案"), validators=[Optional(), SafeText(multiline=True)])
    options = FieldList(FormField(OptionForm), min_entries=0, max_entries=MAX_OPTION_ROWS)
    verdict = RadioField(
        _l("答案"),
        choices=[SelectChoice("true", _l("对")), SelectChoice("false", _l("错"))],
        validate_choice=False,
    )
    explanation = TextAreaField(_l("解析"), validators=[Optional(), SafeText(multiline=True)])
    tags = StringField(
        _l("标签（多个用“、”分开）"), validators=[Optional(), Length(max=500), SafeText()]
    )
    red_line = BooleanField(_l("红线题（答错即不合格）"))
    synonyms = StringField(
        _l("同义词（如 业主=住户；钻卡=钻石卡）"),
        validators=[Optional(), Length(max=1000), SafeText()],
    )
