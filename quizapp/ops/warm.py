"""Warm workers: what every worker would otherwise load inside its first requests is
loaded when it starts, or once in gunicorn's master before it forks (preload_app), so
the workers share it and a worker started after a crash is warm at once.

- the grader's dictionaries (jieba's alone takes about half a second);
- every template, compiled: a cold worker compiled card.html and base.html inside its
  first card (about 0.2 s of CPU, three quarters of that first card), and each of its
  threads that asked at the same moment compiled them again;
- each language's Babel locale data and translations (read from disk on first use);
- the study pages' view of every live item (quizapp.study.items): a cold worker built one
  (about 0.7 ms) the first time it showed or drew each item, so right after a start or a
  crash a class starting an exam together paid for hundreds of them at once.
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


def load_item_views(app: Flask) -> int:
    """Build the view of every live item (the newest, up to the cache's size) into the
    process's cache; returns how many. 0 when the database cannot be read yet (not
    migrated): the workers then build them as they go, as without this."""
    from sqlalchemy import select
    from sqlalchemy.exc import SQLAlchemyError

    from ..extensions import db
    from ..models import Item
    from ..study.items import CACHE_SIZE, load_items

    live = select(Item.id).where(Item.retired_at.is_(None))
    with app.app_context():
        try:
            ids = db.session.scalars(live.order_by(Item.id.desc()).limit(CACHE_SIZE)).all()
            return len(load_items(db.session, ids))
        except SQLAlchemyError:
            return 0
        finally:
            db.session.remove()


def warm_app(app: Flask) -> None:
    """All of the above, for an app whose factory has finished (its template filters are
    registered: a template is compiled against them)."""
    warm_up()
    compile_templates(app)
    load_locales(app)
    load_item_views(app)
