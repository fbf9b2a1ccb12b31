"""GET /healthz: 200 while the database answers, 503 with Retry-After when it does not."""

from __future__ import annotations

import shutil

from sqlalchemy.exc import OperationalError

from quizapp import create_app
from quizapp.extensions import db
from tests.factories import login, make_person


def test_healthy_without_login_or_cookie(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_healthy_many_times_in_a_row(client):
    # A monitor polls it often: never throttled, never a redirect to the login page.
    assert {client.get("/healthz").status_code for _ in range(30)} == {200}


def test_healthy_for_a_logged_in_person_too(client):
    make_person("E1")
    login(client, "E1")
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_unavailable_when_the_database_is_gone(tmp_path):
    folder = tmp_path / "gone"
    folder.mkdir()
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'db.sqlite3'}",
        }
    )
    shutil.rmtree(folder)
    with app.app_context():
        response = app.test_client().get("/healthz")
        assert response.status_code == 503
        assert response.get_json() == {"status": "unavailable"}
        assert response.headers["Retry-After"] == "2"
        assert "Set-Cookie" not in response.headers
        db.session.remove()
        db.engine.dispose()


def test_unavailable_when_the_query_fails(app, client, monkeypatch):
    def fail(*_args, **_kwargs):
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))

    monkeypatch.setattr(db.session, "execute", fail)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable"}
    assert int(response.headers["Retry-After"]) > 0
