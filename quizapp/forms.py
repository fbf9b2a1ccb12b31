"""Forms and validators every blueprint uses (a blueprint never imports another blueprint's
forms)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import SubmitField
from wtforms.validators import ValidationError

from .textsafety import bad_character, describe_character


class ButtonForm(FlaskForm):
    """A form that is only a button: carries the CSRF token of a one-click POST."""

    submit = SubmitField()


class SafeText:
    """Refuses text with a character the one text rule refuses (quizapp.textsafety: control
    characters, noncharacters, unpaired surrogates, direction controls), as the roster
    import does. Put it on every field that takes free text; ``multiline=True`` where the
    field allows several lines (tab and line breaks)."""

    def __init__(self, multiline: bool = False) -> None:
        self.multiline = multiline

    def __call__(self, form, field) -> None:
        if not isinstance(field.data, str):
            return
        ch = bad_character(field.data, multiline=self.multiline)
        if ch is not None:
            raise ValidationError(
                _(
                    "含有不允许的字符 %(character)s（控制字符、不可见字符或文字方向控制符），"
                    "请删除后重新提交",
                    character=describe_character(ch),
                )
            )
