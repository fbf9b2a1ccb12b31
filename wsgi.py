"""WSGI entry point: `gunicorn wsgi:app`."""

from quizapp import create_app
from quizapp.extensions import db
from quizapp.grading import warm_up

app = create_app()
# Load the Chinese dictionaries when the worker starts (or once in gunicorn's master, with
# preload_app), not inside the first answer.
warm_up()
with app.app_context():
    # With preload_app this runs before the workers fork: no pooled connection may be
    # shared by them.
    db.engine.dispose()
