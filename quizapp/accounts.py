"""Flask-Login wiring: who the current person is, and when a session stops counting."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from .extensions import db, login_manager
from .models import Employee

# Built once: it runs on every request. One query: the job role (the study pages need its
# settings on every request) and the access roles (every request's policy check).
_PERSON = (
    select(Employee)
    .where(Employee.id == bindparam("person_id"))
    .options(joinedload(Employee.job_role), joinedload(Employee.access_roles))
)


@login_manager.user_loader
def load_person(user_id: str) -> Employee | None:
    """Accept a session only for an active person whose session version still matches.

    The version is bumped on logout, password change and deactivation, so a cookie
    copied before any of those is refused on its next request.
    """
    try:
        person_id, version = (int(part) for part in user_id.split(":"))
    except ValueError:
        return None
    person = db.session.scalars(_PERSON, {"person_id": person_id}).unique().one_or_none()
    if person is None or person.session_version != version or not person.is_active:
        return None
    return person


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("请先登录。")
    login_manager.login_message_category = "info"
