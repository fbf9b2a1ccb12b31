"""`quizapp db backup OUT` and `quizapp db restore IN`: SQLite backups (see backup.py).

Importing this module adds both commands to Flask-Migrate's `db` group (a module-level
click group that the app factory registers as `quizapp db`).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate.cli import db as db_group

from .backup import (
    BackupError,
    DatabaseSummary,
    backup_sqlite,
    check_restore_source,
    lock_for_restore,
    restore_sqlite,
    sqlite_path,
)


def _database_file() -> Path:
    return sqlite_path(str(current_app.config["SQLALCHEMY_DATABASE_URI"]))


def _fail(exc: BackupError, nothing: str) -> None:
    click.echo(f"error: {exc}; {nothing}", err=True)
    sys.exit(1)


def _print(summary: DatabaseSummary) -> None:
    for line in summary.lines():
        click.echo(line)


@click.command("backup")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(out: Path) -> None:
    """Copy the SQLite database into the new file OUT, safely while the app is serving.

    Uses SQLite's online backup API (one consistent snapshot), checks the copy's
    integrity and prints its size and row counts. Never overwrites OUT. For PostgreSQL,
    use pg_dump.
    """
    try:
        source = _database_file()
        summary = backup_sqlite(source, out)
    except BackupError as exc:
        _fail(exc, "no backup was written")
    click.echo(f"backed up {source} to {out} (integrity check: ok)")
    _print(summary)


@click.command("restore")
@click.argument("source", metavar="IN", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(source: Path, yes: bool) -> None:
    """Replace the SQLite database by the backup IN (stop the server first).

    IN must pass SQLite's integrity check and carry a schema revision (alembic_version).
    Refuses while anything else has the database open: a non-empty -wal file, or an
    exclusive lock not granted within 200 ms. Asks for confirmation unless --yes.
    """
    nothing = "the database was not changed"
    try:
        target = _database_file()
        incoming = check_restore_source(source, target)
        with lock_for_restore(target):
            pass  # refuse before asking if the server is still running
    except BackupError as exc:
        _fail(exc, nothing)
    click.echo(f"{source} (integrity check: ok):")
    _print(incoming)
    if not yes and not click.confirm(f"Replace every row of {target} by this backup?"):
        click.echo(nothing)
        sys.exit(1)
    try:
        restored = restore_sqlite(source, target)
    except BackupError as exc:
        _fail(exc, nothing)
    click.echo(f"restored {target} from {source} (integrity check: ok)")
    _print(restored)


db_group.add_command(backup_command)
db_group.add_command(restore_command)
