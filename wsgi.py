"""WSGI entry point: `gunicorn wsgi:app`."""

from quizapp import create_app
from quizapp.grading import warm_up

app = create_app()
# Load the Chinese dictionaries when the worker starts, not inside the first answer.
warm_up()
