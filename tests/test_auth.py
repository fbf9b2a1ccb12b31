"""Logging in and out, sessions that really end, first-login passwords, throttling, CSRF,
hardening headers and cookies, language."""

from __future__ import annotations

import io
from datetime import UTC, timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from quizapp import create_app
from quizapp.extensions import db
from quizapp.models import AuditEntry, Employee, LoginThrottle
from quizapp.models.types import utcnow
from quizapp.people import service, throttle
from quizapp.policy import POLICY
from tests.factories import PASSWORD, csrf_token, logged_in, login, make_person


def test_login_and_safe_next(client):
    make_person("E1")
    assert client.get("/").headers["Location"] == "/login?next=%2F"
    response = client.post(
        "/login",
        data={
            "employee_no": "E1",
            "password": PASSWORD,
            "next": "/banks/x",
            "csrf_token": csrf_token(client),
        },
    )
    assert response.headers["Location"] == "/banks/x"


# Where `next` may send someone after logging in: tests/security/test_redirects.py.


@pytest.mark.parametrize("typed", ["a001", " A001 ", "Ａ００１", "ａ００１"])
def test_employee_numbers_are_normalised_at_login(client, typed):
    make_person("A001")
    assert login(client, typed).headers["Location"] == "/"


def test_the_same_person_cannot_be_created_twice_in_another_spelling(app):
    make_person("A001")
    with pytest.raises(service.PersonError, match="已存在"):
        make_person("Ａ００１")


def test_wrong_password_is_refused_with_a_clear_message(client):
    make_person("E1")
    response = login(client, "E1", "wrong-password")
    assert response.status_code == 200
    assert "工号或密码不正确" in response.get_data(as_text=True)
    assert not logged_in(client)


def test_passwords_are_hashed_with_scrypt(app):
    person = make_person("E1")
    assert person.password_hash.startswith("scrypt:")
    assert PASSWORD not in person.password_hash


def test_logout_is_a_post_and_a_copied_cookie_is_refused_afterwards(app, client):
    make_person("E1")
    login(client, "E1")
    copied = client.get_cookie("session").value
    assert client.get("/logout").status_code == 405
    token = csrf_token(client, "/")
    assert client.post("/logout", data={"csrf_token": token}).headers["Location"] == "/login"
    assert not logged_in(client)
    # Someone replays the cookie taken before logout.
    replay = app.test_client()
    replay.set_cookie("session", copied)
    response = replay.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_remember_me_cookie_is_refused_after_logout(app, client):
    make_person("E1")
    login(client, "E1", remember=True)
    remember = client.get_cookie("remember_token")
    assert remember is not None
    expires = remember.expires if remember.expires.tzinfo else remember.expires.replace(tzinfo=UTC)
    assert expires - utcnow() <= timedelta(days=30, minutes=1)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    replay = app.test_client()
    replay.set_cookie("remember_token", remember.value)
    assert not logged_in(replay)


def test_a_deactivated_persons_live_session_ends(app, client):
    employee = make_person("E1")
    hr = make_person("H1", roles=("hr",))
    login(client, "E1")
    assert logged_in(client)
    service.deactivate(db.session, employee, hr, utcnow())
    db.session.commit()
    assert not logged_in(client)
    response = login(app.test_client(), "E1")
    # Like a wrong password: the page does not tell whether the password was right.
    assert "工号或密码不正确" in response.get_data(as_text=True)


def test_first_login_forces_a_new_password(client):
    make_person("E1234567", must_change=True, password="one-time-pw1")
    response = login(client, "E1234567", "one-time-pw1")
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 302 and home.headers["Location"].startswith("/password")
    token = csrf_token(client, "/password")

    def change(new, confirm=None):
        return client.post(
            "/password", data={"new_password": new, "confirm": confirm or new, "csrf_token": token}
        )

    assert "密码至少 8 个字符" in change("short").get_data(as_text=True)
    assert "密码不能与工号相同" in change("e1234567").get_data(as_text=True)
    assert "密码不能与工号相同" in change("Ｅ１２３４５６７").get_data(as_text=True)
    assert "两次输入的新密码不一致" in change("good-password-1", "other-password").get_data(
        as_text=True
    )
    assert "这个密码太常见" in change("password123").get_data(as_text=True)
    assert change("good-password-1").status_code == 302
    assert client.get("/study/progress").status_code == 200  # this session goes on
    person = db.session.scalar(select(Employee).where(Employee.employee_no == "E1234567"))
    assert person.must_change_password is False and person.check_password("good-password-1")


def test_a_reset_password_is_one_time_and_ends_old_sessions(app, client):
    employee = make_person("E1")
    trainer = make_person("T1", roles=("trainer",))
    login(client, "E1")
    employee.trainer_id = trainer.id
    db.session.commit()
    secret = service.reset_password(db.session, employee, trainer, utcnow())
    db.session.commit()
    assert not logged_in(client)  # the old session ended
    other = app.test_client()
    login(other, "E1", secret)
    assert other.get("/").headers["Location"].startswith("/password")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "password_reset"))
    assert entry.target == "E1" and entry.actor_id == trainer.id


def test_repeated_failures_lock_then_admins_can_unlock(app, client):
    make_person("E1")
    make_person("A1", roles=("admin",))
    for _ in range(throttle.PAIR.free_attempts):
        assert "工号或密码不正确" in login(client, "E1", "wrong-pass").get_data(as_text=True)
    locked = login(client, "E1", "wrong-pass").get_data(as_text=True)
    assert "登录失败次数过多" in locked
    # While locked, even the right password is refused (from this address).
    assert "登录失败次数过多" in login(client, "E1").get_data(as_text=True)
    row = db.session.scalar(select(LoginThrottle).where(LoginThrottle.scope == "pair"))
    assert (row.key, row.failures) == ("E1@127.0.0.1", throttle.PAIR.free_attempts + 1)

    admin = app.test_client()
    login(admin, "A1")
    assert "E1@127.0.0.1" in admin.get("/admin/locks").get_data(as_text=True)
    token = csrf_token(admin, "/admin/locks")
    assert (
        admin.post(f"/admin/locks/{row.id}/unlock", data={"csrf_token": token}).status_code == 302
    )
    assert login(client, "E1").headers["Location"] == "/" and logged_in(client)
    assert (
        db.session.scalar(select(AuditEntry).where(AuditEntry.action == "unlock")).target
        == "pair:E1@127.0.0.1"
    )


def test_locks_grow_only_for_the_pair_then_expire_never_permanent(app):
    now = utcnow()
    keys = {"account": "E9", "address": "10.0.0.1", "pair": "E9@10.0.0.1"}
    durations = []
    for i in range(14):
        until = throttle.record_failure(db.session, keys, now + timedelta(seconds=i))
        durations.append(until - (now + timedelta(seconds=i)) if until else None)
    assert durations[:5] == [None] * 5  # five free attempts
    assert durations[5] == timedelta(minutes=1) and durations[6] == timedelta(minutes=2)
    assert max(d for d in durations if d) == throttle.PAIR.max_delay == timedelta(hours=1)
    assert throttle.locked_until(db.session, keys, now + timedelta(hours=2)) is None


def test_one_address_trying_many_accounts_is_locked(client):
    make_person("E1")
    for i in range(throttle.ADDRESS.free_attempts + 1):
        login(client, f"NOBODY{i}", "wrong-pass")
    assert "登录失败次数过多" in login(client, "E1").get_data(as_text=True)


def test_counters_live_in_the_database(app, tmp_path):
    """Two apps on one database (two workers) see the same counters."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url == "sqlite://":  # an in-memory database is private to its engine: use a file
        url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    first, second = (
        create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x"}) for _ in range(2)
    )
    now = utcnow()
    with first.app_context():
        if url.startswith("sqlite:///"):
            upgrade()
        for _ in range(throttle.ACCOUNT.free_attempts + 1):
            throttle.record_failure(db.session, {"account": "WORKER1"}, now)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    with second.app_context():
        assert throttle.locked_until(db.session, {"account": "WORKER1"}, now) is not None
        db.session.remove()
        db.engine.dispose()


def test_a_post_without_csrf_token_is_refused(app, client):
    employee = make_person("E1")
    make_person("H1", roles=("hr",))
    login(client, "H1")
    response = client.post(f"/people/{employee.id}/deactivate")
    assert response.status_code == 302
    db.session.refresh(employee)
    assert employee.status == "active"
    assert "页面已过期" in client.get("/").get_data(as_text=True)
    # And logging in needs the token too.
    other = app.test_client()
    other.post("/login", data={"employee_no": "E1", "password": PASSWORD})
    assert not logged_in(other)


def test_an_employee_cannot_reach_another_persons_objects(app, client):
    make_person("T1", roles=("trainer",), site="一号项目")
    make_person("E1", site="一号项目", trainer="T1")
    other = make_person("E2", site="二号项目")
    hr = make_person("H1", roles=("hr",))
    login(client, "E1")
    assert client.get(f"/people/{other.id}").status_code == 403
    assert client.get(f"/admin/people/{other.id}/roles").status_code == 403

    trainer = app.test_client()
    login(trainer, "T1")
    assert trainer.get(f"/people/{other.id}").status_code == 404  # not in the trainer's scope
    token = csrf_token(trainer, "/people/")
    assert (
        trainer.post(f"/people/{other.id}/reset-password", data={"csrf_token": token}).status_code
        == 404
    )
    # HR is visible to nobody's trainer scope, and a trainer may not reset HR's password.
    hr.site_id = db.session.scalar(select(Employee.site_id).where(Employee.employee_no == "T1"))
    db.session.commit()
    assert (
        trainer.post(f"/people/{hr.id}/reset-password", data={"csrf_token": token}).status_code
        == 403
    )
    assert "工号" in trainer.get("/people/").get_data(as_text=True)
    listed = trainer.get("/people/").get_data(as_text=True)
    assert "<strong>E1</strong>" in listed and "<strong>E2</strong>" not in listed


def test_unknown_endpoints_are_refused(app, monkeypatch):
    # Simulates a route added without a policy entry: refused, never open by default.
    fresh = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": "x",
            "TESTING": True,
        }
    )
    fresh.add_url_rule("/unlisted", "unlisted", lambda: "open")
    assert "unlisted" not in POLICY
    assert fresh.test_client().get("/unlisted").status_code == 403


def test_errors_are_friendly_and_hide_stack_traces(app, monkeypatch):
    fresh = create_app(
        {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": "x"}
    )

    def boom():
        raise RuntimeError("secret internals")

    fresh.add_url_rule("/boom", "boom", boom)
    monkeypatch.setitem(POLICY, "boom", "public")
    response = fresh.test_client().get("/boom")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "服务器出错了" in page and "secret internals" not in page and "Traceback" not in page


def test_hardening_headers_and_cookie_flags(client):
    make_person("E1")
    response = login(client, "E1", remember=True)
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("session="))
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie
    assert "Secure" not in session_cookie  # plain HTTP in development
    page = client.get("/login")
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert "<script" not in page.get_data(as_text=True)


def test_cookies_are_secure_over_https(app):
    make_person("E1")
    secure = app.test_client()
    token = csrf_token(secure, "https://localhost/login")
    response = secure.post(
        "https://localhost/login",
        data={"employee_no": "E1", "password": PASSWORD, "csrf_token": token, "remember": "y"},
    )
    for cookie in response.headers.getlist("Set-Cookie"):
        assert "Secure" in cookie, cookie


def test_upload_size_is_limited(app, client, monkeypatch):
    assert app.config["MAX_CONTENT_LENGTH"] == 6 * 1024 * 1024
    # A small limit for the test: a 5 MB body would be spooled to a temporary file.
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 4096)
    make_person("H1", roles=("hr",))
    login(client, "H1")
    token = csrf_token(client, "/hr/import")
    response = client.post(
        "/hr/import",
        data={"csrf_token": token, "file": (io.BytesIO(b"x" * 8192), "big.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert "出错了" in response.get_data(as_text=True)


def test_chinese_by_default_english_on_request(app, client):
    make_person("E1")
    page = client.get("/login").get_data(as_text=True)
    assert 'lang="zh-CN"' in page and "登录" in page
    english = app.test_client().get("/login", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert "Log in" in english.get_data(as_text=True)
    # Chosen on the login page, then saved for the person once logged in.
    token = csrf_token(client)
    client.post("/language", data={"language": "en", "next": "/login", "csrf_token": token})
    assert "Employee number" in client.get("/login").get_data(as_text=True)
    login(client, "E1")
    token = csrf_token(client, "/")
    client.post("/language", data={"language": "en", "next": "/", "csrf_token": token})
    person = db.session.scalar(select(Employee).where(Employee.employee_no == "E1"))
    assert person.locale == "en"
    fresh = app.test_client()
    login(fresh, "E1")
    assert "My progress" in fresh.get("/", follow_redirects=True).get_data(as_text=True)


@pytest.mark.slow
def test_simultaneous_logins_all_succeed(tmp_path):
    """Eight people logging in at the same moment on one SQLite file: no 'database is locked'."""
    import threading

    url = f"sqlite:///{tmp_path / 'logins.sqlite3'}"
    # CSRF off here: this test is about the database under simultaneous writes, and the
    # token dance (tested above) would only stagger the threads.
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x", "WTF_CSRF_ENABLED": False})
    with app.app_context():
        upgrade()
        for n in range(8):
            make_person(f"L{n}")
        db.session.remove()
    statuses: list[int] = []
    barrier = threading.Barrier(8)

    def log_in(number: str) -> None:
        client = app.test_client()
        barrier.wait()
        response = client.post("/login", data={"employee_no": number, "password": PASSWORD})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=log_in, args=(f"L{n}",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.app_context():
        db.engine.dispose()
    assert statuses == [302] * 8
