"""Two app servers on one database: whatever keeps answers, logins and exams correct must
live in the database, never in one process's memory.

Two gunicorn processes (each its own master and worker) serve the same database: a SQLite
file, or a fresh database on the suite's PostgreSQL server (QUIZAPP_TEST_DATABASE_URL).
A session cookie made by one is replayed on the other, as a load balancer would do.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from quizapp import create_app
from quizapp.extensions import db
from quizapp.models import (
    Employee,
    Exam,
    ExamAttempt,
    ExamQuota,
    ExamSource,
    JobRole,
    ReviewLog,
    Section,
    SectionRole,
)
from quizapp.models.types import utcnow
from tests.conftest import REPO, TEST_DATABASE_URL
from tests.factories import PASSWORD, load_bank, make_person

pytestmark = pytest.mark.slow

SECRET = "two-instances-shared-secret"
ROLE = "客服前台"  # the job role of tests.factories.STUDY_BANK


# -- a small cookie-keeping HTTP client (no redirects followed) ------------------------


class Browser:
    """One person's browser: cookies kept across both servers, as behind a balancer."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(self, base: str, method: str, path: str, form=None) -> tuple[int, dict, str]:
        parts = urlsplit(base)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text_ = response.read().decode("utf-8", "replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                jar = SimpleCookie()
                jar.load(header)
                for name, morsel in jar.items():
                    if morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return response.status, dict(response.headers), text_
        finally:
            connection.close()

    def get(self, base: str, path: str):
        return self.request(base, "GET", path)

    def post(self, base: str, path: str, form):
        return self.request(base, "POST", path, form)

    def csrf(self, base: str, path: str = "/login") -> str:
        _status, _headers, page = self.get(base, path)
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def login(self, base: str, employee_no: str, password: str = PASSWORD) -> int:
        form = {"employee_no": employee_no, "password": password, "csrf_token": self.csrf(base)}
        return self.post(base, "/login", form)[0]


def signed_in(browser: Browser, base: str) -> bool:
    status, headers, _page = browser.get(base, "/study/")
    return status == 200 and "/login" not in headers.get("Location", "")


# -- the database and the two servers --------------------------------------------------


@pytest.fixture(scope="module")
def database_url(tmp_path_factory):
    """A fresh database: a SQLite file, or a new database on the suite's PostgreSQL."""
    if not TEST_DATABASE_URL.startswith("postgresql"):
        yield f"sqlite:///{tmp_path_factory.mktemp('two') / 'two.sqlite3'}"
        return
    name = f"quizapp_two_{uuid.uuid4().hex[:10]}"
    admin = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="module")
def world(database_url):
    """The schema, a bank for the role, two learners, a third person, and an exam allowing
        one attempt (one database and one pair of servers for the module: each test has its own
    people); yields the app (for reading the database) and the exam id."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": SECRET})
    with app.app_context():
        upgrade()
        load_bank()
        for number in ("E100", "E101", "E102", "E103", "E104", "E105"):
            make_person(number, job_role=ROLE)
        now = utcnow()
        role = db.session.scalar(select(JobRole).where(JobRole.name == ROLE))
        sections = db.session.scalars(
            select(Section.id)
            .join(SectionRole, SectionRole.section_id == Section.id)
            .where(SectionRole.job_role_id == role.id)
        ).all()
        exam = Exam(
            title="两台服务器",
            kind="quiz",
            draw="random",
            layout="single",
            shuffle_options=True,
            time_limit_s=600,
            pass_mark=0.8,
            attempts_allowed=1,
            opens_at=now - timedelta(minutes=1),
            closes_at=now + timedelta(days=1),
            reveal="at_once",
            audience="role",
            job_role_id=role.id,
            created_at=now,
            updated_at=now,
            sources=[ExamSource(section_id=section) for section in sections],
            quotas=[ExamQuota(section_id=None, type=None, count=3)],
        )
        db.session.add(exam)
        db.session.commit()
        exam_id = exam.id
        db.session.remove()
        db.engine.dispose()
    yield app, exam_id
    with app.app_context():
        db.engine.dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def _server(database_url: str):
    """`gunicorn wsgi:app` on a free loopback port, its own process; yields its base URL."""
    port = _free_port()
    env = dict(
        os.environ,
        QUIZAPP_DATABASE_URL=database_url,
        QUIZAPP_SECRET_KEY=SECRET,
        PYTHONUNBUFFERED="1",
    )
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", "1", "--threads", "4", "--timeout", "60", "wsgi:app"]
    process = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None, process.stderr.read().decode()[-3000:]
            try:
                if Browser().get(base, "/login")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the app server did not start in 90 s"
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        process.stderr.close()


@pytest.fixture(scope="module")
def servers(world, database_url):
    with _server(database_url) as a, _server(database_url) as b:
        yield a, b


def _card_form(page: str) -> dict:
    """The study card's form with an answer every question type can read."""
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
    assert "ticket" in fields and "idempotency_key" in fields, page[:2000]
    # Each type reads only its own fields (choice, verdict, blank, self_rating).
    return {**fields, "choice": "0", "verdict": "true", "blank": "三", "self_rating": "good"}


# -- the checks ---------------------------------------------------------------------------


def test_login_failures_on_one_server_lock_the_account_on_the_other(world, servers):
    a, b = servers
    control = Browser()
    assert control.login(b, "E105") == 302  # the right password works on B …
    guesser = Browser()
    for _ in range(6):  # … but five failures from one address lock the pair for a minute
        assert guesser.login(a, "E104", "wrong-password-1") == 200
    locked = Browser()
    status = locked.login(b, "E104")
    assert status == 200  # the form again, with the lock's message: not logged in
    assert not signed_in(locked, b)


def test_an_answer_posted_to_both_servers_is_logged_once(world, servers):
    app, _exam = world
    a, b = servers
    browser = Browser()
    assert browser.login(a, "E100") == 302
    status, _headers, page = browser.get(a, "/study/")
    assert status == 200
    form = _card_form(page)
    assert browser.post(a, "/study/answer", form)[0] == 200
    assert browser.post(b, "/study/answer", form)[0] == 200  # the stored answer, again

    # Both at once, with the next card's key.
    status, _headers, page = browser.get(b, "/study/")
    second = _card_form(page)
    statuses = []
    posts = [
        threading.Thread(target=lambda u: statuses.append(browser.post(u, "/study/answer", second)[0]), args=(u,))
        for u in (a, b)
    ]  # fmt: skip
    for post in posts:
        post.start()
    for post in posts:
        post.join(60)
    assert sorted(statuses) in ([200, 200], [200, 409])  # 409: the twin was still running
    with app.app_context():
        person = db.session.scalar(select(Employee).where(Employee.employee_no == "E100"))
        for key in (form["idempotency_key"], second["idempotency_key"]):
            rows = db.session.scalar(
                select(func.count())
                .select_from(ReviewLog)
                .where(ReviewLog.employee_id == person.id, ReviewLog.idempotency_key == key)
            )
            assert rows == 1, key
        db.session.remove()


def test_logging_out_on_one_server_ends_the_session_on_the_other(world, servers):
    a, b = servers
    browser = Browser()
    assert browser.login(a, "E101") == 302
    assert signed_in(browser, b)  # the session cookie is good on both
    stolen = dict(browser.cookies)  # a copy of the cookie, as another tab or a thief has it
    status, headers, _page = browser.post(a, "/logout", {"csrf_token": browser.csrf(a, "/study/")})
    assert status == 302 and "/login" in headers["Location"]
    replay = Browser()
    replay.cookies = stolen
    assert not signed_in(replay, b)
    assert not signed_in(replay, a)


def test_an_exam_started_on_one_server_is_not_started_again_on_the_other(world, servers):
    app, exam_id = world
    a, b = servers
    browser = Browser()
    assert browser.login(a, "E102") == 302
    token = browser.csrf(a, f"/exam/{exam_id}")
    status, headers, _page = browser.post(a, f"/exam/{exam_id}/start", {"csrf_token": token})
    assert status == 302 and "/exam/attempt/" in headers["Location"]
    first = headers["Location"]
    status, headers, _page = browser.post(b, f"/exam/{exam_id}/start", {"csrf_token": token})
    assert headers["Location"] == first  # the attempt in progress, not a second one
    attempt_path = urlsplit(first).path
    status, headers, _page = browser.post(b, f"{attempt_path}/submit", {"csrf_token": token})
    assert status == 302 and headers["Location"].endswith("/result")
    status, headers, _page = browser.post(a, f"/exam/{exam_id}/start", {"csrf_token": token})
    assert "/exam/attempt/" not in headers["Location"]  # its one attempt is used up

    # Two starts at the same moment, one per server: one attempt.
    racer = Browser()
    assert racer.login(b, "E103") == 302
    token = racer.csrf(b, f"/exam/{exam_id}")
    places = []
    starts = [
        threading.Thread(target=lambda u: places.append(racer.post(u, f"/exam/{exam_id}/start", {"csrf_token": token})[1].get("Location")), args=(u,))
        for u in (a, b)
    ]  # fmt: skip
    for start in starts:
        start.start()
    for start in starts:
        start.join(60)
    assert len(places) == 2
    with app.app_context():
        counts = dict(
            db.session.execute(
                select(Employee.employee_no, func.count(ExamAttempt.id))
                .join(ExamAttempt, ExamAttempt.employee_id == Employee.id)
                .where(ExamAttempt.exam_id == exam_id)
                .group_by(Employee.employee_no)
            ).all()
        )
        db.session.remove()
    assert counts == {"E102": 1, "E103": 1}
