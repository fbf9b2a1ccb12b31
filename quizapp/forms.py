"""Forms every blueprint uses (a blueprint never imports another blueprint's forms)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SubmitField


class ButtonForm(FlaskForm):
    """A form that is only a button: carries the CSRF token of a one-click POST."""

    submit = SubmitField()
