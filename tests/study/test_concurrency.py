"""8 processes answer the same few items 150 times each: no update is lost, none fails.

With Python's and SQLAlchemy's default transaction handling on SQLite, about half of such
read-modify-write updates are lost without any error; quizapp takes the write lock up
front (BEGIN IMMEDIATE) and checks each card's revision.
"""

from __future__ import annotations

import multiprocessing
import os

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from quizapp import create_app
from quizapp.extensions import db
from quizapp.models import Item, MemoryState, ReviewLog
from tests.factories import STUDY_BANK as BANK
from tests.factories import load_bank, make_person
from tests.study.concurrency import answer_many

PROCESSES = 8
ANSWERS = 150
KEYS = ("ring", "fire", "paid")


def engines() -> list[str]:
    urls = ["sqlite-file"]
    if os.environ.get("QUIZAPP_TEST_DATABASE_URL", "").startswith("postgresql"):
        urls.append(os.environ["QUIZAPP_TEST_DATABASE_URL"])
    return urls


@pytest.mark.slow
@pytest.mark.parametrize("engine", engines())
def test_no_lost_updates_and_no_errors(engine, tmp_path, request):
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}" if engine == "sqlite-file" else engine
    if engine == "sqlite-file":
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x"})
        context = app.app_context()
        context.push()
        upgrade()
    else:
        request.getfixturevalue("app")  # the session's PostgreSQL database, emptied afterwards
        context = None
    try:
        load_bank(BANK)
        make_person("E1", job_role="客服前台")
        item_ids = [db.session.scalar(select(Item.id).where(Item.key == key)) for key in KEYS]
        db.session.commit()

        spawn = multiprocessing.get_context("spawn")
        with spawn.Pool(PROCESSES) as pool:
            results = pool.starmap(
                answer_many, [(url, "E1", item_ids, ANSWERS, seed) for seed in range(PROCESSES)]
            )
        errors = [e for r in results for e in r["errors"]]
        conflicts = sum(r["conflicts"] for r in results)
        recorded = {i: sum(r["done"][i] for r in results) for i in item_ids}
        print(
            f"\n{engine}: {sum(recorded.values())} answers, {conflicts} conflicts retried, {len(errors)} errors"
        )
        assert errors == []
        assert sum(recorded.values()) == PROCESSES * ANSWERS

        db.session.expire_all()
        for item_id in item_ids:
            logged = db.session.scalar(
                select(func.count())
                .select_from(ReviewLog)
                .where(ReviewLog.item_id == item_id, ReviewLog.kind == "review")
            )
            state = db.session.scalar(select(MemoryState).where(MemoryState.item_id == item_id))
            # Every answer the workers saw succeed is in the log, and every one of them
            # moved the memory state on: no lost update.
            assert logged == recorded[item_id]
            assert state.reps == recorded[item_id]
            assert state.revision == recorded[item_id]
    finally:
        if context is not None:
            db.session.remove()
            db.engine.dispose()
            context.pop()
