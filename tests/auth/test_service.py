"""The auth writes, called directly: logging out, changing a password, keeping a language."""

from __future__ import annotations

import pytest

from quizapp.auth import service
from quizapp.extensions import db
from quizapp.models import Employee
from quizapp.people.service import PersonError
from tests.conftest import database_snapshot
from tests.factories import PASSWORD, T0, make_person


def fresh(person: Employee) -> Employee:
    db.session.expire_all()
    return db.session.get(Employee, person.id)


def test_logging_out_ends_every_session(app):
    person = make_person("E1")
    version = person.session_version
    service.log_out(db.session, person)
    assert fresh(person).session_version == version + 1


def test_a_changed_password_is_the_persons_own_and_ends_other_sessions(app):
    person = make_person("E1", must_change=True)
    version = person.session_version
    service.change_password(db.session, person, PASSWORD, "a-new-pass-42", T0)
    person = fresh(person)
    assert person.check_password("a-new-pass-42") and not person.must_change_password
    assert (person.session_version, person.updated_at) == (version + 1, T0)


@pytest.mark.parametrize(
    "current, new, field, template",
    [
        ("wrong-password", "a-new-pass-42", "current_password", "当前密码不正确"),
        (PASSWORD, "short", "new_password", "密码至少 8 个字符"),
        (PASSWORD, "ab" * 65, "new_password", "密码最多 128 个字符"),
        (PASSWORD, PASSWORD, "new_password", "新密码不能与当前密码相同"),
        (PASSWORD, "aaaaaaaaaa", "new_password", "密码不能全部是同一个字符"),
    ],
)
def test_a_refused_password_change_changes_nothing(app, current, new, field, template):
    person = make_person("E1", must_change=True)
    before = database_snapshot()
    with pytest.raises(PersonError) as raised:
        service.change_password(db.session, person, current, new, T0)
    assert (raised.value.field, raised.value.template) == (field, template)
    after = database_snapshot()
    # A wrong current password is counted, as a failed login is; nothing else changes.
    counted = after.pop("login_throttle")
    assert len(counted) == (field == "current_password")
    before.pop("login_throttle")
    assert after == before


def test_the_chosen_language_is_kept(app):
    person = make_person("E1")
    service.set_language(db.session, person, "en")
    assert fresh(person).locale == "en"
