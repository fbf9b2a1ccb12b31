"""The demo accounts' published passwords work only on the development machine."""

from __future__ import annotations

import pytest

from quizapp.auth.views import dev_server_on_loopback
from quizapp.demo import DEMO_PEOPLE, create_demo
from quizapp.extensions import db
from quizapp.people import throttle
from quizapp.people.service import find_by_employee_no
from tests.factories import T0, logged_in, login, make_person

GUNICORN = {"SERVER_SOFTWARE": "gunicorn/23.0.0", "SERVER_NAME": "0.0.0.0"}
DEV_ON_LOOPBACK = {"SERVER_SOFTWARE": "Werkzeug/3.1.3", "SERVER_NAME": "127.0.0.1"}
DEV_ON_EVERY_ADDRESS = {"SERVER_SOFTWARE": "Werkzeug/3.1.3", "SERVER_NAME": "0.0.0.0"}


@pytest.fixture
def served(app, monkeypatch):
    """A client of the app as it runs for real (neither testing nor debug), behind a server
    that sets the given environ (the test client would set SERVER_NAME from its URL)."""
    monkeypatch.setitem(app.config, "TESTING", False)
    monkeypatch.setitem(app.config, "DEBUG", False)
    create_demo(db.session, T0)
    db.session.commit()
    wsgi_app = app.wsgi_app

    def client(server: dict):
        monkeypatch.setattr(
            app, "wsgi_app", lambda environ, start: wsgi_app(environ | server, start)
        )
        return app.test_client()

    return client


@pytest.mark.parametrize("environ", [GUNICORN, DEV_ON_EVERY_ADDRESS])
def test_a_published_password_is_refused_off_the_development_machine(served, environ):
    for number, *_rest, password in DEMO_PEOPLE:
        client = served(environ)
        page = login(client, number, password).get_data(as_text=True)
        assert not logged_in(client)
        assert "演示" in page and f"quizapp user password {number}" in page
        assert f"quizapp user deactivate {number}" in page


@pytest.mark.parametrize(
    "environ",
    [DEV_ON_LOOPBACK, {"SERVER_SOFTWARE": "Werkzeug/3.1.3", "SERVER_NAME": "::1"}],
)
def test_the_development_server_on_a_loopback_address_accepts_it(served, environ):
    client = served(environ)
    assert login(client, "ADMIN", "quizapp-admin").headers["Location"] == "/"


def test_tests_and_debug_mode_accept_it(app, served, monkeypatch):
    monkeypatch.setitem(app.config, "DEBUG", True)
    assert login(served(GUNICORN), "ADMIN", "quizapp-admin").headers["Location"] == "/"
    monkeypatch.setitem(app.config, "DEBUG", False)
    monkeypatch.setitem(app.config, "TESTING", True)
    assert login(served(GUNICORN), "E001", "quizapp-e001").headers["Location"] == "/"


def test_a_changed_password_works_everywhere(served):
    admin = find_by_employee_no(db.session, "ADMIN")
    admin.set_password("a-private-pass-7", one_time=False)
    db.session.commit()
    assert login(served(GUNICORN), "ADMIN", "a-private-pass-7").headers["Location"] == "/"


def test_only_the_demo_accounts_are_concerned(served):
    make_person("X1", password="quizapp-admin")  # nobody would choose it; the rule is narrow
    assert login(served(GUNICORN), "X1", "quizapp-admin").headers["Location"] == "/"


def test_a_refused_published_password_is_not_a_failed_login(served):
    client = served(GUNICORN)
    for _ in range(throttle.PAIR.free_attempts + 1):
        assert "演示" in login(client, "ADMIN", "quizapp-admin").get_data(as_text=True)
    assert "登录失败次数过多" not in login(client, "ADMIN", "wrong-pass").get_data(as_text=True)


@pytest.mark.parametrize(
    "environ, expected",
    [
        (DEV_ON_LOOPBACK, True),
        ({"SERVER_SOFTWARE": "Werkzeug/3.1.3", "SERVER_NAME": "127.0.0.2"}, True),
        ({"SERVER_SOFTWARE": "Werkzeug/3.1.3", "SERVER_NAME": "::1"}, True),
        (DEV_ON_EVERY_ADDRESS, False),
        ({"SERVER_SOFTWARE": "Werkzeug/3.1.3", "SERVER_NAME": "::"}, False),
        ({"SERVER_SOFTWARE": "Werkzeug/3.1.3", "SERVER_NAME": "192.168.1.5"}, False),
        ({"SERVER_SOFTWARE": "Werkzeug/3.1.3", "SERVER_NAME": "localhost"}, False),
        ({"SERVER_SOFTWARE": "gunicorn/23.0.0", "SERVER_NAME": "127.0.0.1"}, False),
        ({"SERVER_NAME": "127.0.0.1"}, False),
        # Behind ProxyFix, SERVER_NAME comes from X-Forwarded-Host: the socket's is kept.
        (
            {
                "SERVER_SOFTWARE": "Werkzeug/3.1.3",
                "SERVER_NAME": "127.0.0.1",
                "werkzeug.proxy_fix.orig": {"SERVER_NAME": "0.0.0.0"},
            },
            False,
        ),
    ],
)
def test_what_counts_as_the_development_server_on_loopback(environ, expected):
    assert dev_server_on_loopback(environ) is expected


def test_the_demo_trainer_is_in_charge_of_the_front_desk_banks(app):
    """So that a trainer trying the demo finds banks to edit in the browser."""
    from sqlalchemy import select

    from quizapp.demo import DEMO_TRAINER_BANKS, create_demo
    from quizapp.extensions import db
    from quizapp.models import Bank, Employee
    from tests.factories import T0, load_bank

    load_bank()
    load_bank("---\nid: property\ntitle: 物业\nroles: 客服前台\n---\n\n# 一\n\n## 问？\n答案：答\n")
    create_demo(db.session, T0)
    db.session.commit()
    trainer = db.session.scalar(select(Employee).where(Employee.employee_no == "T001"))
    owners = dict(db.session.execute(select(Bank.slug, Bank.owner_id)).all())
    assert owners["property"] == trainer.id
    assert all(owners[slug] is None for slug in owners if slug not in DEMO_TRAINER_BANKS)
