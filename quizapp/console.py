"""The `quizapp` program: Flask's command line around the application factory.

Run as `quizapp COMMAND` after install; `quizapp --help` lists everything. The commands
themselves are in cli.py (and grading/cli.py); create_app registers them.
"""

from __future__ import annotations

from flask.cli import FlaskGroup

from . import create_app

cli = FlaskGroup(
    create_app=create_app,
    help="quizapp: 应知应会 trainer. Operations on banks, the database and the server.",
)


def main() -> None:
    cli.main(prog_name="quizapp")
