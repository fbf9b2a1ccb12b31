"""The exam room's forms: the CSRF-carrying parts. A question's answer fields are read by
its question type (QuestionType.read_form), as on the study card."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField
from wtforms.validators import InputRequired, NumberRange

from ..urls import INT_MAX


class AnswerForm(FlaskForm):
    """One question's save: which one, and the revision of the answer the page showed."""

    position = IntegerField(validators=[InputRequired(), NumberRange(1, 10_000)])
    revision = IntegerField(validators=[InputRequired(), NumberRange(0, INT_MAX)])
    go = HiddenField()  # where to go next without JavaScript: "next", "prev", "stay", "summary"
