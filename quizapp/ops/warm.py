"""Warm workers: what every worker would otherwise load inside its first requests is
loaded when it starts, or once in gunicorn's master before it forks (preload_app), so
the workers share it and a worker started after a crash is warm at once.

- the grader's dictionaries (jieba's alone takes about half a second);
- every template, compiled: a cold worker compiled card.html and base.html inside its
  first card (about 0.2 s of CPU, three quarters of that first card), and each of its
  threads that asked at the same moment compiled them again;
- each language's Babel locale data and translations (read from disk on first use).
"""

from __future__ import annotations

from flask import Flask

from ..grading import warm_up as _warm_grader


def warm_up() -> None:
    """Load jieba, OpenCC and pypinyin and grade one dummy key-point answer."""
    _warm_grader()


def compile_templates(app: Flask) -> int:
    """Compile every template the app can render into its Jinja cache; returns how many."""
    names = app.jinja_env.list_templates()
    for name in names:
        app.jinja_env.get_template(name)
    return len(names)


def load_locales(app: Flask) -> None:
    """Read the locale data and the translations of every language the app speaks."""
    from babel import localedata
    from flask_babel import force_locale, get_translations

    with app.test_request_context():
        for code in app.config["LANGUAGES"]:
            localedata.load(code)
            with force_locale(code):
                get_translations()


def warm_app(app: Flask) -> None:
    """All of the above, for an app whose factory has finished (its template filters are
    registered: a template is compiled against them)."""
    warm_up()
    compile_templates(app)
    load_locales(app)
