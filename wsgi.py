"""WSGI entry point: `gunicorn wsgi:app`."""

from quizapp import create_app
from quizapp.extensions import db
from quizapp.ops.warm import warm_app

app = create_app()
# Load the Chinese dictionaries, compile the templates and read the locales when the
# worker starts (or once in gunicorn's master, with preload_app, so that every worker and
# every restarted one shares them), not inside the first answer and card.
warm_app(app)
with app.app_context():
    # With preload_app this runs before the workers fork: no pooled connection may be
    # shared by them.
    db.engine.dispose()
