"""/password: the first-login change asks only for the new password; a normal change
asks for the current one, and guessing it is throttled like logging in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from quizapp.auth import service
from quizapp.extensions import db
from quizapp.models import Employee
from quizapp.people import throttle
from quizapp.people.service import PersonError
from tests.factories import PASSWORD, T0, csrf_token, login, make_person


def person_named(number: str) -> Employee:
    db.session.expire_all()
    return db.session.scalar(select(Employee).where(Employee.employee_no == number))


def test_the_first_login_change_asks_only_for_the_new_password_twice(client):
    make_person("E1", must_change=True, password="one-time-pw1")
    login(client, "E1", "one-time-pw1")
    page = client.get("/password").get_data(as_text=True)
    assert 'name="current_password"' not in page and "当前密码" not in page
    assert page.count('type="password"') == 2
    token = csrf_token(client, "/password")
    same = client.post(
        "/password",
        data={"new_password": "one-time-pw1", "confirm": "one-time-pw1", "csrf_token": token},
    )
    assert "新密码不能与当前密码相同" in same.get_data(as_text=True)
    done = client.post(
        "/password",
        data={"new_password": "my-own-pass-7", "confirm": "my-own-pass-7", "csrf_token": token},
    )
    assert done.status_code == 302
    person = person_named("E1")
    assert person.check_password("my-own-pass-7") and not person.must_change_password


def test_a_normal_change_still_asks_for_the_current_password(client):
    make_person("E1")
    login(client, "E1")
    page = client.get("/password").get_data(as_text=True)
    assert 'name="current_password"' in page and "当前密码" in page
    token = csrf_token(client, "/password")
    missing = client.post(
        "/password",
        data={"new_password": "my-own-pass-7", "confirm": "my-own-pass-7", "csrf_token": token},
    )
    assert "请输入当前密码" in missing.get_data(as_text=True)
    assert person_named("E1").check_password(PASSWORD)


def test_a_weak_new_password_is_refused_with_a_clear_message(client):
    make_person("E1")
    login(client, "E1")
    token = csrf_token(client, "/password")
    page = client.post(
        "/password",
        data={
            "current_password": PASSWORD,
            "new_password": "12345678",
            "confirm": "12345678",
            "csrf_token": token,
        },
    ).get_data(as_text=True)
    assert "这个密码太常见" in page
    assert person_named("E1").check_password(PASSWORD)


def test_guessing_the_current_password_is_throttled_per_account(app):
    person = make_person("E1")
    rule = throttle.RULES["password"]
    now = T0
    for _ in range(rule.free_attempts):
        with pytest.raises(PersonError, match="当前密码不正确"):
            service.change_password(db.session, person, "a-guess", "my-own-pass-7", now)
        now += timedelta(seconds=1)
    with pytest.raises(PersonError, match="已暂时锁定") as locked:
        service.change_password(db.session, person, "a-guess", "my-own-pass-7", now)
    assert locked.value.field == "current_password"
    # While locked, even the right current password is refused, and nothing is counted.
    with pytest.raises(PersonError, match="已暂时锁定"):
        service.change_password(db.session, person, PASSWORD, "my-own-pass-7", now)
    later = now + rule.first_delay
    service.change_password(db.session, person, PASSWORD, "my-own-pass-7", later)
    assert person_named("E1").check_password("my-own-pass-7")
    assert throttle.locked_until(db.session, {"password": "E1"}, later) is None


def test_the_current_password_can_be_left_out_only_after_a_one_time_password(app):
    person = make_person("E1")
    with pytest.raises(PersonError, match="请输入当前密码"):
        service.change_password(db.session, person, None, "my-own-pass-7", T0)
    assert person_named("E1").check_password(PASSWORD)
