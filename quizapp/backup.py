"""Back up and restore the SQLite database with SQLite's online backup API.

Plain functions over file paths and database URLs, no Flask: `backup_cli.py` wraps them
as `quizapp db backup` and `quizapp db restore`.

A backup is taken while the app is serving: SQLite copies the pages of one read
transaction, so the copy is the database as it was at one instant (in WAL mode, writers
carry on meanwhile). A restore needs the database to itself: it refuses while any other
connection has the file open (see `lock_for_restore`).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

# The tables whose row counts a backup or restore reports (the rest follow from them).
MAIN_TABLES = (
    "employee",
    "bank",
    "item",
    "memory_state",
    "review_log",
    "exam_attempt",
    "audit_entry",
)
SQLITE_HEADER = b"SQLite format 3\x00"
# How long a restore waits for the exclusive lock before saying the database is in use.
LOCK_TIMEOUT_MS = 200


class BackupError(Exception):
    """A backup or restore refused or failed; the message says why and what to do."""


@dataclass(frozen=True)
class DatabaseSummary:
    """What a backup file (or a restored database) holds."""

    path: Path
    size: int
    revision: str | None
    counts: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        """Human-readable lines: size, schema revision, then one line per main table."""
        out = [
            f"size: {self.size} bytes",
            f"schema revision: {self.revision or 'none'}",
        ]
        out += [f"  {table}: {count}" for table, count in self.counts.items()]
        return out


def sqlite_path(url: str) -> Path:
    """The file of a SQLite database URL; refuse other engines and in-memory databases."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise BackupError(f"not a database URL: {url!r}") from exc
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        raise BackupError(
            "the database is PostgreSQL: back it up with pg_dump "
            "(pg_dump --format=custom --file=quizapp.dump DBNAME) and restore with "
            "pg_restore (see docs/deployment.md, Backups)"
        )
    if backend != "sqlite":
        raise BackupError(f"backup and restore handle SQLite only, not {backend}")
    database = parsed.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError(f"not a SQLite database file: {url!r}")
    return Path(database)


def _connect(path: Path, mode: str) -> sqlite3.Connection:
    """Open an existing database file (never create one), mode "ro" or "rw"."""
    uri = f"{path.resolve().as_uri()}?mode={mode}"
    connection = sqlite3.connect(uri, uri=True, isolation_level=None)
    return connection


def _require_sqlite_file(path: Path, what: str) -> None:
    if not path.is_file():
        raise BackupError(f"{what} {path} does not exist or is not a file")
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise BackupError(f"{what} {path} is not a SQLite database")


def inspect_database(connection: sqlite3.Connection, path: Path) -> DatabaseSummary:
    """Check integrity and read the schema revision and row counts of an open database."""
    try:
        result = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        tables = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} cannot be read as a SQLite database: {exc}") from exc
    if result != ["ok"]:
        raise BackupError(f"{path} fails SQLite's integrity check: {'; '.join(result[:5])}")
    revision = None
    if "alembic_version" in tables:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        revision = row[0] if row else None
    counts = {
        # Table names from MAIN_TABLES only, never from input.
        table: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608
        for table in MAIN_TABLES
        if table in tables
    }
    size = path.stat().st_size if path.exists() else 0
    return DatabaseSummary(path=path, size=size, revision=revision, counts=counts)


def backup_sqlite(source: Path, out: Path) -> DatabaseSummary:
    """Copy the live database `source` into the new file `out` and check the copy.

    `out` must not exist (it is created owner-only, 0600). The copy is one consistent
    snapshot, in rollback-journal mode (a single self-contained file). On any failure the
    partial `out` is removed. Returns what the copy holds, as read from the copy itself.
    """
    _require_sqlite_file(source, "database")
    try:
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise BackupError(f"{out} already exists; choose a new file name") from exc
    except OSError as exc:
        raise BackupError(f"cannot create {out}: {exc.strerror}") from exc
    os.close(fd)
    try:
        with closing(_connect(source, "rw")) as src, closing(_connect(out, "rw")) as dst:
            src.execute("PRAGMA busy_timeout=10000")
            # All pages in one step: one read transaction, so one consistent snapshot.
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
        with closing(_connect(out, "ro")) as copy:
            summary = inspect_database(copy, out)
    except sqlite3.Error as exc:
        _remove(out)
        raise BackupError(f"backing up {source} failed: {exc}") from exc
    except BaseException:
        _remove(out)
        raise
    return summary


def _remove(out: Path) -> None:
    """Remove a partial backup (the file this run created) and its journal files."""
    for name in (out, Path(f"{out}-journal"), Path(f"{out}-wal"), Path(f"{out}-shm")):
        with suppress(FileNotFoundError):
            name.unlink()


def check_restore_source(source: Path, target: Path | None = None) -> DatabaseSummary:
    """Check that `source` is a sound SQLite database made by this app (has a schema
    revision) and not the `target` database itself; returns what it holds. Changes
    nothing."""
    _require_sqlite_file(source, "backup")
    if target is not None and target.exists() and source.resolve() == target.resolve():
        raise BackupError(f"{source} is the database itself")
    try:
        with closing(_connect(source, "ro")) as connection:
            summary = inspect_database(connection, source)
    except sqlite3.Error as exc:
        raise BackupError(f"{source} cannot be opened: {exc}") from exc
    if summary.revision is None:
        raise BackupError(f"{source} has no alembic_version table: not a quizapp database")
    return summary


def _wal_in_use(target: Path) -> bool:
    wal = Path(f"{target}-wal")
    return wal.exists() and wal.stat().st_size > 0


@contextmanager
def lock_for_restore(target: Path) -> Iterator[sqlite3.Connection | None]:
    """Hold `target` exclusively, or refuse with BackupError if anyone else has it open.

    The rule: a non-empty `-wal` file means a connection has the database open (or a
    server stopped without closing it); otherwise an exclusive lock must be granted
    within LOCK_TIMEOUT_MS. In WAL mode `BEGIN EXCLUSIVE` alone lets readers in, so the
    connection also switches to exclusive locking mode, which needs every other
    connection (even an idle one) closed. Yields None when `target` does not exist yet.
    """
    in_use = (
        f"{target} is in use: stop the server (and any other program using the database) "
        "before restoring"
    )
    if not target.exists():
        yield None
        return
    _require_sqlite_file(target, "database")
    if _wal_in_use(target):
        raise BackupError(
            f"{in_use}; if nothing uses it, a server stopped uncleanly: open the database "
            f"once (e.g. `quizapp db current`) so SQLite folds {target}-wal back in"
        )
    connection = _connect(target, "rw")
    try:
        connection.execute(f"PRAGMA busy_timeout={LOCK_TIMEOUT_MS}")
        try:
            connection.execute("PRAGMA locking_mode=EXCLUSIVE")
            connection.execute("BEGIN EXCLUSIVE")
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
            connection.execute("COMMIT")  # the lock stays: exclusive locking mode
        except sqlite3.OperationalError as exc:
            raise BackupError(in_use) from exc
        yield connection
    finally:
        connection.close()


def restore_sqlite(source: Path, target: Path) -> DatabaseSummary:
    """Replace the database `target` by the backup `source`, page by page.

    Checks `source` first (`check_restore_source`). Refuses (BackupError, nothing changed) while
    another connection has `target` open. Returns what the restored database holds.
    """
    check_restore_source(source, target)
    try:
        with lock_for_restore(target) as held, closing(_connect(source, "ro")) as src:
            # All pages in one step: one write transaction on the target, so a failure
            # leaves it as it was.
            if held is None:
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                os.close(fd)
                with closing(_connect(target, "rw")) as fresh:
                    src.backup(fresh)
            else:
                src.backup(held)
        with closing(_connect(target, "rw")) as restored:
            return inspect_database(restored, target)
    except (sqlite3.Error, OSError) as exc:
        raise BackupError(f"restoring {target} failed: {exc}") from exc
