"""Secrets stay out of caches and other accounts (finding 10): pages showing one-time
passwords and the people exports are never stored by a browser or proxy; the SQLite
database and the secret key are readable by their owner only."""

from __future__ import annotations

import io
import os
import re
import stat

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select, text

from quizapp import create_app
from quizapp.extensions import db
from quizapp.models import Employee
from tests.factories import csrf_token, login, make_person


@pytest.fixture
def hr(app):
    make_person("T1", roles=("trainer",), job_role="客服前台")
    return make_person("H1", roles=("hr",))


def no_store(response) -> bool:
    return "no-store" in response.headers.get("Cache-Control", "")


def test_a_new_accounts_password_page_is_not_stored(client, hr):
    login(client, "H1")
    response = client.post(
        "/people/new",
        data={
            "csrf_token": csrf_token(client, "/people/new"),
            "employee_no": "N1",
            "name": "新人",
            "job_role": 0,
            "site": 0,
            "trainer": 0,
        },
    )
    assert "已创建账号" in response.get_data(as_text=True)
    assert no_store(response)


def test_a_reset_password_page_is_not_stored(client, hr):
    person = make_person("E1")
    login(client, "H1")
    response = client.post(
        f"/people/{person.id}/reset-password",
        data={"csrf_token": csrf_token(client, f"/people/{person.id}")},
    )
    assert "密码已重置" in response.get_data(as_text=True)
    assert no_store(response)


def test_the_bulk_import_result_and_hand_out_are_not_stored(client, hr):
    login(client, "H1")
    roster = "工号,姓名,岗位\nN1,王小明,客服前台\n".encode()
    preview = client.post(
        "/hr/import",
        data={
            "csrf_token": csrf_token(client, "/hr/import"),
            "file": (io.BytesIO(roster), "r.csv"),
        },
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    payload = re.search(r'name="payload" type="hidden" value="([^"]+)"', preview).group(1)
    token = csrf_token(client, "/hr/import")
    done = client.post("/hr/import/confirm", data={"csrf_token": token, "payload": payload})
    assert "已创建 1 个账号" in done.get_data(as_text=True)
    assert no_store(done)
    handout = client.post(
        "/hr/import/handout",
        data={"csrf_token": token, "employee_no": "N1", "name": "王小明", "password": "x"},
    )
    assert handout.status_code == 200 and no_store(handout)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_people_exports_are_not_stored(client, hr, fmt):
    login(client, "H1")
    response = client.get(f"/people/export.{fmt}")
    assert response.status_code == 200 and no_store(response)


def test_ordinary_pages_may_still_be_cached(client, hr):
    login(client, "H1")
    assert not no_store(client.get("/people/"))


# Files: owner-only, whatever the umask.


@pytest.fixture
def open_umask():
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _use(app) -> None:
    """Build the schema and write a row, leaving the WAL and shared-memory files open."""
    with app.app_context():
        upgrade()
        db.session.add(Employee(employee_no="F1", name="文件", password_hash="x"))
        db.session.commit()
        with db.engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert db.session.scalar(select(Employee.name)) == "文件"
            paths = [p for p in _files(app) if os.path.exists(p)]
            assert len(paths) == 3, paths  # the database, -wal and -shm
            for path in paths:
                assert mode(path) == 0o600, (path, oct(mode(path)))
        db.session.remove()
        db.engine.dispose()


def _files(app) -> list[str]:
    database = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    return [database, database + "-wal", database + "-shm"]


def test_the_default_database_and_secret_key_are_owner_only(tmp_path, monkeypatch, open_umask):
    monkeypatch.delenv("QUIZAPP_DATABASE_URL", raising=False)
    monkeypatch.delenv("QUIZAPP_SECRET_KEY", raising=False)
    instance = tmp_path / "instance"
    monkeypatch.setattr(Flask, "auto_find_instance_path", lambda self: str(instance))
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'quizapp.sqlite3'}"
    assert mode(instance / "secret_key") == 0o600
    _use(app)
    assert mode(instance / "quizapp.sqlite3") == 0o600


def test_an_existing_readable_database_is_made_owner_only(tmp_path, open_umask):
    path = tmp_path / "old.sqlite3"
    for suffix in ("", "-wal", "-shm"):  # empty files are an empty database and its logs
        open(str(path) + suffix, "wb").close()
        os.chmod(str(path) + suffix, 0o644)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "x"})
    _use(app)
    assert mode(path) == 0o600
