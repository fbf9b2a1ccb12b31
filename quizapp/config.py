"""Configuration defaults. Environment variables prefixed QUIZAPP_ override them.

Nothing here is read at import time from the environment: `create_app` does that, so tests
and the CLI can build apps with different settings in one process.
"""

from __future__ import annotations

from datetime import timedelta


class Config:
    # Filled in by create_app: SQLite under the instance folder unless QUIZAPP_DATABASE_URL.
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SECRET_KEY: str | None = None

    # Uploads (banks, rosters, 应知应会 documents) are small text, spreadsheet or Word
    # files: each page checks its own limit (documents 5 MB); this leaves room for the form.
    MAX_CONTENT_LENGTH = 6 * 1024 * 1024

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=30)  # "remember me" on a phone, at most

    # Behind a reverse proxy that sets X-Forwarded-*: the number of proxies to trust.
    PROXY_FIX = 0

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # phones leave tabs open for hours

    BABEL_DEFAULT_LOCALE = "zh_Hans_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = ("zh_Hans_CN", "en")

    # The address people open the app at: links printed by the command line (`quizapp exam
    # list`) start with it. QUIZAPP_PUBLIC_URL in production.
    PUBLIC_URL = "http://127.0.0.1:5000"

    # Where `make run` and `quizapp bank import` look for banks by default.
    QUESTION_BANK_DIR = "question_bank"

    # A write that waits longer than this for another's lock gives up: the person is told
    # the app is busy (503 with Retry-After) and the page tries again. SQLite's busy
    # timeout; PostgreSQL's lock_timeout (None: wait as long as the server's default).
    SQLITE_BUSY_TIMEOUT_MS = 10000
    POSTGRES_LOCK_TIMEOUT_MS: int | None = None
    # Seconds a client is asked to wait (Retry-After) when the database is busy or down.
    BUSY_RETRY_AFTER = 2

    # Load the grader's dictionaries (jieba …) when the app is created rather than on the
    # first typed answer (QUIZAPP_WARM_UP=1 or QUIZAPP_WARM=1). gunicorn does it once, in
    # the master (gunicorn.conf.py, preload_app); tests leave it off.
    WARM_UP = False
