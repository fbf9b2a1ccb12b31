"""The application factory, its configuration, the database engines and the bank pages."""

from __future__ import annotations

import os
import stat

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import text

from quizapp import _instance_secret_key, create_app
from quizapp.extensions import db
from tests.conftest import DATA
from tests.factories import login, make_person


def test_configuration_from_environment(monkeypatch):
    monkeypatch.setenv("QUIZAPP_DATABASE_URL", "sqlite:////tmp/elsewhere.sqlite3")
    monkeypatch.setenv("QUIZAPP_SECRET_KEY", "from-env")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:////tmp/elsewhere.sqlite3"
    assert app.config["SECRET_KEY"] == "from-env"
    # An explicit mapping wins over the environment.
    assert create_app({"SECRET_KEY": "explicit"}).config["SECRET_KEY"] == "explicit"


def test_default_database_is_sqlite_in_the_instance_folder(monkeypatch):
    monkeypatch.delenv("QUIZAPP_DATABASE_URL", raising=False)
    app = create_app({"SECRET_KEY": "x"})
    expected = os.path.join(app.instance_path, "quizapp.sqlite3")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{expected}"


def test_secret_key_is_generated_once_and_kept_private(tmp_path):
    first = _instance_secret_key(str(tmp_path))
    assert len(first) == 64
    assert _instance_secret_key(str(tmp_path)) == first
    mode = stat.S_IMODE((tmp_path / "secret_key").stat().st_mode)
    assert mode == 0o600


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'q.sqlite3'}", "SECRET_KEY": "x"}
    )
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        db.engine.dispose()


def test_migrations_match_the_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_home_page_lists_banks_with_sections_and_counts(client, runner):
    make_person("A1", roles=("admin",))
    login(client, "A1")
    assert "还没有导入题库" in client.get("/").get_data(as_text=True)
    runner.invoke(args=["bank", "import", str(DATA / "example.md")])
    page = client.get("/").get_data(as_text=True)
    assert "物业客服应知应会（示例）" in page
    assert "报修处理" in page
    assert "6 题" in page
    assert "客服前台" in page and "贴心管家" in page
    assert 'href="/banks/property-demo"' in page


def test_bank_page_renders_items(client, runner):
    make_person("A1", roles=("admin",))
    login(client, "A1")
    runner.invoke(args=["bank", "import", str(DATA / "example.md")])
    response = client.get("/banks/property-demo")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    # The Markdown answer with Chinese-free numbering becomes a list.
    assert "<ol>\n<li>值班人员登记报修内容</li>" in page
    assert '<span class="blank">三 / 3</span>' in page
    assert "维修费用" in page and "红线" in page
    assert "答案：错" in page


def test_unknown_bank_is_a_styled_404(client):
    make_person("A1", roles=("admin",))
    login(client, "A1")
    response = client.get("/banks/nope")
    assert response.status_code == 404
    assert "页面不存在" in response.get_data(as_text=True)


def test_security_headers(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
