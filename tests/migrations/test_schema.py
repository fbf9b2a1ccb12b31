"""The migrations build exactly the models' schema, and the last one can be undone and
redone without losing rows, on the test database's engine (SQLite, or PostgreSQL in CI).

Each test gets an empty database of its own: a SQLite file in tmp_path, or on PostgreSQL
a database `quizapp_migrations_<random>` created through the server's `postgres`
maintenance database and dropped afterwards (the suite's own database is left alone).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    MetaData,
    Numeric,
    Table,
    create_engine,
    func,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import make_url

from quizapp import create_app
from quizapp.extensions import db
from tests.conftest import TEST_DATABASE_URL

# Rows in the tables the latest migrations alter (bank, item) and in those that refer to them.
ROWS = {
    "employee": [{"id": 1, "employee_no": "E1", "status": "active"}],
    "bank": [{"id": 1, "slug": "b"}],
    "section": [{"id": 1, "bank_id": 1}],
    "item": [{"id": i, "bank_id": 1, "section_id": 1, "key": f"k{i}"} for i in (1, 2)],
    "memory_state": [{"employee_id": 1, "item_id": i, "state": 2} for i in (1, 2)],
    "review_log": [{"employee_id": 1, "item_id": i, "kind": "review"} for i in (1, 2)],
}


@pytest.fixture
def empty_database(tmp_path) -> Iterator[str]:
    """The URL of a new, empty database on the test database's engine."""
    url = make_url(TEST_DATABASE_URL)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'schema.sqlite3'}"
        return
    assert url.get_backend_name() == "postgresql", url
    name = f"quizapp_migrations_{secrets.token_hex(6)}"
    maintenance = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with maintenance.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield url.set(database=name).render_as_string(hide_password=False)
        finally:
            with maintenance.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        maintenance.dispose()


@pytest.fixture
def migrated_app(empty_database):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database, "SECRET_KEY": "x"})
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def _pending_changes() -> list:
    """What `quizapp db migrate` would write: the models against the database."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def _value(column: dict):
    kind = column["type"]
    if isinstance(kind, Boolean):
        return False
    if isinstance(kind, Integer):
        return 0
    if isinstance(kind, Float | Numeric):
        return 0.0
    if isinstance(kind, DateTime | Date):
        return datetime(2026, 1, 1, tzinfo=UTC)
    if isinstance(kind, JSON):
        return []
    return "x"


def _insert(connection, table_name: str, values: dict) -> None:
    """Insert a row of the database's current schema (whatever revision it is at): every
    NOT NULL column without a default that `values` does not name gets a value."""
    table = Table(table_name, MetaData(), autoload_with=connection)
    row = dict(values)
    for column in inspect(connection).get_columns(table_name):
        name = column["name"]
        if name in row or column["nullable"] or column.get("default") is not None:
            continue
        if column.get("autoincrement") is True or (name == "id" and table.c[name].primary_key):
            continue
        row[name] = _value(column)
    connection.execute(table.insert().values(**row))


def _contents(connection) -> dict[str, list[tuple]]:
    """Row counts and identities of the tables in ROWS."""
    found = {}
    for name in ROWS:
        table = Table(name, MetaData(), autoload_with=connection)
        keys = [c for c in ("id", "slug", "key", "employee_id", "item_id") if c in table.c]
        query = select(*(table.c[k] for k in keys)).order_by(*(table.c[k] for k in keys))
        found[name] = [tuple(row) for row in connection.execute(query)]
        count = connection.execute(select(func.count()).select_from(table)).scalar()
        assert count == len(found[name])
    return found


def test_upgrading_an_empty_database_gives_exactly_the_models_schema(migrated_app):
    upgrade()
    with db.engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
    assert set(db.metadata.tables) <= tables
    assert tables - set(db.metadata.tables) == {"alembic_version"}
    assert _pending_changes() == []


def test_the_last_migration_goes_down_and_up_again_keeping_the_rows(migrated_app):
    upgrade()
    with db.engine.connect() as connection:
        head = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    with db.engine.begin() as connection:
        for table, rows in ROWS.items():
            for row in rows:
                _insert(connection, table, row)
        before = _contents(connection)
    assert [len(rows) for rows in before.values()] == [1, 1, 1, 2, 2, 2]

    downgrade(revision="-1")
    with db.engine.connect() as connection:
        below = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert below != head
        assert _contents(connection) == before
    upgrade()
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == head
        assert _contents(connection) == before
    assert _pending_changes() == []
