"""quizapp: a 应知应会 trainer. `create_app` builds the Flask application."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from .config import Config

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then QUIZAPP_* environment variables, then `config`."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_object(Config)
    app.config.from_prefixed_env("QUIZAPP")
    if "DATABASE_URL" in app.config:
        app.config["SQLALCHEMY_DATABASE_URI"] = app.config.pop("DATABASE_URL")
    if config:
        app.config.update(config)

    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        os.makedirs(app.instance_path, exist_ok=True)
        database = Path(app.instance_path) / "quizapp.sqlite3"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{database}"
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(app.instance_path)

    from . import accounts, database, ops, policy, security, urls
    from .extensions import babel, csrf, db, migrate

    urls.init_app(app)  # before any route is added: <int:…> is bounded everywhere
    ops.init_request_log(app)  # first hooks: the request timer and id precede everything
    db.init_app(app)
    migrate.init_app(app, db)
    # Authorisation before CSRF: an anonymous POST is sent to the login page, not a 400.
    policy.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale, timezone_selector=_select_timezone)
    # Before accounts: after-request hooks run last-registered-first, and the secure-cookie
    # hook must see the remember-me cookie Flask-Login sets.
    security.init_app(app)
    accounts.init_app(app)
    database.init_app(app)
    ops.init_app(app)  # /healthz, busy-database answers

    from .admin.views import bp as admin_bp
    from .assignments.views import bp as assignments_bp
    from .auth.views import bp as auth_bp
    from .authoring.views import bp as authoring_bp
    from .catalog.views import bp as catalog_bp
    from .dashboard.views import bp as dashboard_bp
    from .examroom.views import bp as examroom_bp
    from .exams.views import bp as exams_bp
    from .hr.views import bp as hr_bp
    from .people.views import bp as people_bp
    from .study.views import bp as study_bp
    from .trainer.views import bp as trainer_bp

    for blueprint in (
        auth_bp,
        catalog_bp,
        study_bp,
        trainer_bp,
        people_bp,
        dashboard_bp,
        assignments_bp,
        exams_bp,
        examroom_bp,
        hr_bp,
        admin_bp,
        authoring_bp,
    ):
        app.register_blueprint(blueprint)

    from . import errors, templating

    errors.init_app(app)
    templating.init_app(app)

    from . import backup_cli  # noqa: F401  (adds `db backup` / `db restore` to Flask-Migrate's db)
    from .cli import bank_cli, demo_command, readiness_command, user_cli
    from .exams.cli import exam_cli
    from .grading.cli import grade_command

    for command in (
        bank_cli,
        user_cli,
        demo_command,
        grade_command,
        readiness_command,
        exam_cli,
    ):
        app.cli.add_command(command)
    ops.warm_when_asked(app)  # last: templates compile against the registered filters
    return app


def _instance_secret_key(instance_path: str) -> str:
    """A key generated on first start and kept in the instance folder (never in git)."""
    os.makedirs(instance_path, exist_ok=True)
    path = Path(instance_path) / "secret_key"
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    key = secrets.token_hex(32)
    # O_EXCL: two workers starting at once must not end up with different keys.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
    return key


def _select_locale() -> str:
    """The person's chosen language, else the one chosen on the login page, else the
    browser's preference among the supported ones, else Chinese."""
    from flask import current_app, request, session
    from flask_login import current_user

    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if session.get("locale") in languages:
        return session["locale"]
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def _select_timezone() -> str:
    from flask import current_app

    return current_app.config["BABEL_DEFAULT_TIMEZONE"]
