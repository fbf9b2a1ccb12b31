"""Warm workers: warm_up() loads jieba before the first answer; warm_app() also compiles
every template and reads every language's translations, so no request does; gunicorn's
master runs it before forking (wsgi.py), each worker warms the grader again, and the
factory warms when asked to."""

from __future__ import annotations

import subprocess
import sys

from quizapp import create_app
from quizapp.ops import requestlog, warm
from tests.conftest import REPO, gunicorn_config

FRESH_PROCESS = """
from quizapp.grading import segment
from quizapp.ops.warm import warm_up
assert segment._tokenizer is None, "jieba loaded before warm_up"
warm_up()
assert segment._tokenizer is not None and segment._tokenizer.initialized
print("warm")
"""


def test_warm_up_initialises_jieba_in_a_fresh_process():
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", FRESH_PROCESS],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "warm"


def test_gunicorn_warms_each_worker(monkeypatch):
    calls = []
    monkeypatch.setattr(warm, "warm_up", lambda: calls.append("warm"))
    monkeypatch.setattr(requestlog, "send_to_stderr", lambda: calls.append("log"))
    config = gunicorn_config()
    assert config.workers >= 1
    # Loaded once before the fork, so a restarted worker does not load jieba again.
    assert config.preload_app is True
    config.post_fork(server=object(), worker=object())
    assert sorted(calls) == ["log", "warm"]


def test_the_factory_warms_up_only_when_asked(monkeypatch):
    calls = []
    monkeypatch.setattr(warm, "warm_up", lambda: calls.append("warm"))
    monkeypatch.setattr(warm, "compile_templates", lambda app: 0)
    monkeypatch.setattr(warm, "load_locales", lambda app: None)
    monkeypatch.delenv("QUIZAPP_WARM", raising=False)
    create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    assert calls == []
    create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x", "WARM_UP": True})
    assert calls == ["warm"]
    monkeypatch.setenv("QUIZAPP_WARM", "1")
    create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    assert calls == ["warm", "warm"]


def test_after_warm_app_no_request_compiles_a_template_or_reads_a_translation(monkeypatch):
    from babel.support import Translations

    monkeypatch.setattr(warm, "warm_up", lambda: None)  # jieba: tested above
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    warm.warm_app(app)
    names = app.jinja_env.list_templates()
    assert "base.html" in names and "study/card.html" in names
    assert all(name.endswith((".html", ".txt")) for name in names), names

    compiled = []
    original = app.jinja_env.compile
    monkeypatch.setattr(
        app.jinja_env, "compile", lambda *a, **k: compiled.append(a) or original(*a, **k)
    )

    read = []
    original_load = Translations.load.__func__

    def load(cls, dirname=None, locales=None, domain=None):
        read.append(domain)
        return original_load(cls, dirname, locales, domain)

    monkeypatch.setattr(Translations, "load", classmethod(load))
    for name in names:
        app.jinja_env.get_template(name)
    client = app.test_client()
    for language in ("zh-CN", "en"):
        page = client.get("/login", headers={"Accept-Language": language})
        assert page.status_code == 200
    assert "Log in" in page.get_data(as_text=True) or "Sign in" in page.get_data(as_text=True)
    assert compiled == []
    # The app's own messages come from memory; Flask-WTF still reads WTForms' small
    # catalogue once in each request that shows a form (about 0.4 ms; not on the study
    # card or answer).
    assert set(read) <= {"wtforms"}, read


def test_warm_app_compiles_what_a_cold_app_compiles_on_first_use(monkeypatch):
    monkeypatch.setattr(warm, "warm_up", lambda: None)
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    compiled = []
    original = app.jinja_env.compile
    monkeypatch.setattr(
        app.jinja_env, "compile", lambda *a, **k: compiled.append(a) or original(*a, **k)
    )
    assert app.test_client().get("/login").status_code == 200
    assert compiled, "a cold app compiles its templates inside the first request"
    assert warm.compile_templates(app) == len(app.jinja_env.list_templates())


def test_warm_app_builds_every_live_item_view_once_for_all_workers(app):
    from sqlalchemy import event, select

    from quizapp.extensions import db
    from quizapp.models import Item
    from quizapp.study import items
    from tests.factories import load_bank

    load_bank()
    items.clear()
    live = db.session.scalars(select(Item.id).where(Item.retired_at.is_(None))).all()
    # gunicorn's master warms outside any request; the tests' one in-memory connection
    # must not be inside this session's transaction then.
    db.session.commit()
    assert live and warm.load_item_views(app) == len(live)
    # A worker forked afterwards reads one small row per item, never the item itself.
    seen: list[str] = []
    record = lambda _c, _cur, statement, *_a: seen.append(statement)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        views = items.load_items(db.session, live)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert sorted(views) == sorted(live)
    assert len([s for s in seen if s.lstrip().upper().startswith("SELECT")]) == 1


def test_warm_app_leaves_item_views_to_the_workers_when_the_database_is_not_ready():
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    assert warm.load_item_views(app) == 0  # no tables yet: no error either
