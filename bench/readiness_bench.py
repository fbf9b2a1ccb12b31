"""Readiness at scale: the cohort dashboard, one hire's page, the CLI and the XLSX export on
an organisation of N hires with M required items each and three months of study history.

    .venv/bin/python bench/readiness_bench.py --hires 10000 --items 500 [--json]
        [--database-url URL] [--repeat 3] [--jobs 2] [--seed 1] [--profile]
        [--build-only | --time-only | --add-assignments] [--reset] [--keep]

Two steps, two processes, so that the timed process's peak memory is the readers' alone:

1. **Build** (this process). A fresh database (a SQLite file in a temporary folder, or
   ``--database-url``: SQLite or ``postgresql+psycopg://…``; a database that already
   holds tables is refused unless ``--reset``), migrated as ``quizapp db upgrade`` does,
   then filled with SQLAlchemy Core bulk inserts: 20 sites, 8 job roles, one bank per role
   with M items in sections tagged with that role (so every hire of a role has exactly M
   required items; 5 % of them red-line), one trainer per 25 hires, one HR account, and N
   hires with go-live dates spread from 15 days ago to 60 days ahead. 10 % of the hires
   have studied: each started 1–90 days ago at 10–40 answers per study day (±40 % a day),
   at their own hour of the day, skipping 0–20 % of days; a quarter of them stopped 1–20
   days ago. Their history is simulated answer by answer through
   ``quizapp.srs.apply_answer``, the function the app's answer path calls (no state
   sequence is reused across hires): each day the items due (or red-line items under
   0.95) come first, lowest predicted recall first, then new items up to the role's cap
   (``srs.new_cap_today``); an answer is right with probability (fsrs's predicted recall)
   ** k, k personal (0.35 on first sight), and a wrong answer gets one retry. Every answer
   becomes a ``review_log`` row (answer, states before and after as JSON, as the app
   writes them) and every item met a ``memory_state`` row (with its last rating).
   PostgreSQL is ``ANALYZE``d after the load (autovacuum would do so); SQLite is not (the
   app never does).
2. **Timing** (a child process: ``--time-only``), on the real clock (the build's "now" is
   its start). Through the Flask test client, logged in as HR (server time, no network):
   ``GET /dashboard/`` with ``readiness_cache`` emptied first (**cold**: the first view
   of a study day) and again (**warm**); ``GET /people/<id>/readiness`` for the hire with
   the longest history (one_hire_ms) and for the one with the median history among those
   who studied (typical_hire_ms); ``quizapp readiness --json`` through
   ``app.test_cli_runner()`` (cache warm, and cold); ``GET /dashboard/export.xlsx``.
   Each the median of ``--repeat`` runs (one hire: at least 10). When a page does not
   answer 200 (it is not built yet, or fails), the service behind it is timed instead
   and the JSON says so ("modes"): ``standings(session, now)``, ``progress.report``,
   ``write_xlsx`` of every standing; a ``readiness`` command not registered with the app
   is invoked directly (``quizapp.cli.readiness_command``). ``peak_rss_mb`` is the timed
   process's peak resident memory (VmHWM; its ``ru_maxrss``, which Linux carries over
   from the builder across fork and exec, is ``ru_maxrss_mb``); ``build_peak_rss_mb``
   the builder's.

``--add-assignments`` (with ``--database-url`` of a built organisation) adds the
assignments a company would have (issue 12) before a ``--time-only`` run: per job role a
standing assignment of a section of the next role's bank (50 items, due 14 days after
each hire's start), one site's assignment of another section (fixed due date), one named
assignment for 100 hires, and for every role a mock exam assigned as the target (so the
certified check runs for everyone).

``--json`` prints one JSON object (hires, items, cohort_ms (warm), cohort_cold_ms,
one_hire_ms, typical_hire_ms, cli_ms, cli_cold_ms, export_ms, peak_rss_mb, states,
reviews, build_s, …).
``--profile`` prints cProfile's top functions of each timed step to stderr.
Figures: docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import math
import os
import pstats
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
from machine import machine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quizapp import readiness, srs  # noqa: E402
from quizapp.readiness.model import UNSEEN  # noqa: E402

SITES = 20
ROLES = 8
STUDYING_SHARE = 0.10
RED_LINE_SHARE = 0.05
HIRES_PER_TRAINER = 25
ITEMS_PER_SECTION = 50
PASSWORD = "bench-password-9"
HR_NO = "HR0001"
SETTINGS = srs.DEFAULT_SETTINGS  # every bench role keeps the default scheduling settings
KNOWN_AT_FIRST_SIGHT = 0.35
BATCH = 20_000


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def peak_rss_mb() -> float:
    """This process's peak resident memory: VmHWM, the high-water mark of its own address
    space. ru_maxrss is not used when /proc is there: Linux carries it across fork and
    exec, so a process started by the (large) builder would report the builder's peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def make_app(url: str):
    from quizapp import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})


# -- the simulated history of one hire ------------------------------------------------------


def simulate(task: tuple) -> tuple[int, list[tuple], list[tuple]]:
    """One hire's study, answer by answer through srs.apply_answer: (person id, memory
    state rows, review rows)."""
    (person_id, seed, item_ids, red_line, start, stop, pace, hour, skip, k, go_live, now) = task
    rng = random.Random(seed)
    size = len(item_ids)
    red = np.array(red_line, dtype=bool)
    stability = np.full(size, np.nan)
    last = np.full(size, UNSEEN, dtype=np.int64)
    due = np.full(size, UNSEEN, dtype=np.int64)
    states: list[srs.MemoryState | None] = [None] * size
    revision = [0] * size
    last_rating = [0] * size  # of the last answer that scheduled (not a retry)
    order = [int(i) for i in np.flatnonzero(red)] + [int(i) for i in np.flatnonzero(~red)]
    introduced = 0
    reviews: list[tuple] = []
    for day in range(start, stop + 1):
        if day != start and rng.random() < skip:
            continue
        when = srs.day_start(date.fromordinal(day), SETTINGS)
        when += timedelta(hours=min(max(hour - 4 + rng.gauss(0, 0.75), 0.5), 23.0))
        if when >= now:
            break
        budget = max(1, round(pace * rng.uniform(0.6, 1.4)))
        seen = last != UNSEEN
        recall = readiness.recall_on(stability, last, day)
        chosen = np.flatnonzero(
            seen & (last < day) & ((due <= day) | (red & (recall < readiness.RED_LINE_TARGET)))
        )
        cards = [int(i) for i in chosen[np.argsort(recall[chosen], kind="stable")][:budget]]
        left = size - introduced
        if budget > len(cards) and left:
            cap = srs.new_cap_today(left, date.fromordinal(day), SETTINGS, go_live)
            fresh = min(budget - len(cards), cap, left)
            cards += order[introduced : introduced + fresh]
            introduced += fresh
        for index in cards:
            if when >= now:
                break
            before = states[index]
            chance = KNOWN_AT_FIRST_SIGHT if before is None else float(recall[index]) ** k
            correct = rng.random() < chance
            if correct:
                roll = rng.random()
                rating = srs.HARD if roll < 0.1 else srs.EASY if roll > 0.9 else srs.GOOD
            else:
                rating = srs.AGAIN
            after, _review = srs.apply_answer(
                before or srs.MemoryState.new(item_ids[index], when), rating, when, SETTINGS
            )
            response = rng.randint(3_000, 40_000)
            after_dict = after.to_dict()
            reviews.append(
                (item_ids[index], "review", int(rating), correct, response, when,
                 before.to_dict() if before else None, after_dict)
            )  # fmt: skip
            states[index] = after
            revision[index] += 1
            last_rating[index] = int(rating)
            stability[index] = after.stability
            last[index] = day
            due[index] = srs.study_day(after.due, SETTINGS).toordinal()
            when += timedelta(milliseconds=response + rng.randint(1_000, 4_000))
            if not correct:  # the one immediate retry: logged, the state unchanged
                right = rng.random() < 0.85
                response = rng.randint(3_000, 20_000)
                reviews.append(
                    (item_ids[index], "retry", int(srs.GOOD if right else srs.AGAIN), right,
                     response, when, after_dict, after_dict)
                )  # fmt: skip
                revision[index] += 1
                when += timedelta(milliseconds=response + rng.randint(1_000, 4_000))
    rows = [
        (item_ids[i], s.state, s.step, s.stability, s.difficulty, s.due, s.last_review, s.reps,
         s.lapses, last_rating[i], revision[i])
        for i, s in enumerate(states)
        if s is not None
    ]  # fmt: skip
    return person_id, rows, reviews


# -- build ------------------------------------------------------------------------------------


def prepare_database(url: str, reset: bool) -> None:
    """Refuse a database that already holds tables (unless reset: then empty it)."""
    from sqlalchemy import create_engine, inspect, text

    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if path.exists():
            if not reset:
                raise SystemExit(f"{path} exists; pass --reset to replace it")
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            if inspect(connection).get_table_names():
                if not reset:
                    raise SystemExit(f"{url} already holds tables; pass --reset to empty it")
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


def organisation(hires: int, items: int, seed: int, now: datetime) -> dict:
    """Every row but the history, with explicit ids, and the studying hires' tasks."""
    from quizapp.models.people import hash_password

    rng = random.Random(seed)
    today = srs.study_day(now, SETTINGS)
    targets = (0.85, 0.9, 0.9, 0.9, 0.95, 0.9, 0.85, 0.9)
    rows: dict[str, list[dict]] = {name: [] for name in (
        "site", "job_role", "bank", "section", "section_role", "item", "employee",
        "access_role")}  # fmt: skip
    rows["site"] = [{"id": s + 1, "name": f"基准项目{s + 1:02d}", "created_at": now}
                    for s in range(SITES)]  # fmt: skip
    role_items: dict[int, tuple[list[int], list[bool]]] = {}
    sections_per_bank = max(1, math.ceil(items / ITEMS_PER_SECTION))
    for r in range(ROLES):
        role_id = r + 1
        rows["job_role"].append(
            {"id": role_id, "name": f"基准岗位{role_id}", "created_at": now,
             "readiness_target": targets[r % len(targets)]}
        )  # fmt: skip
        rows["bank"].append(
            {"id": role_id, "slug": f"bench-{role_id}", "title": f"基准题库{role_id}",
             "version": "1", "language": "zh-CN", "synonyms": [],
             "default_roles": [f"基准岗位{role_id}"], "content_hash": f"{role_id:064x}",
             "created_at": now, "imported_at": now}
        )  # fmt: skip
        for s in range(sections_per_bank):
            section_id = r * sections_per_bank + s + 1
            rows["section"].append(
                {"id": section_id, "bank_id": role_id, "title": f"第{s + 1}章", "position": s}
            )
            rows["section_role"].append(
                {"section_id": section_id, "job_role_id": role_id, "position": 0}
            )
        red = set(rng.sample(range(items), max(1, round(items * RED_LINE_SHARE))))
        ids = []
        for i in range(items):
            item_id = r * items + i + 1
            ids.append(item_id)
            digest = f"{item_id:064x}"
            rows["item"].append(
                {"id": item_id, "bank_id": role_id,
                 "section_id": r * sections_per_bank + i // ITEMS_PER_SECTION + 1,
                 "key": f"q{i + 1}", "explicit_id": True, "position": i, "type": "judge",
                 "version": 1, "content_hash": digest, "answer_hash": digest,
                 "question": f"基准岗位{role_id}第{i + 1}题：电话铃响三声之内必须接听。",
                 "answer": "对", "verdict": True, "blanks": [], "tags": [], "synonyms": [],
                 "explanation": "", "source": "", "passage": "", "red_line": i in red,
                 "created_at": now, "updated_at": now}
            )  # fmt: skip
        role_items[role_id] = (ids, [i in red for i in range(items)])

    secret = hash_password(PASSWORD, one_time=True)  # one fast hash, shared by everyone

    def person(pid: int, number: str, name: str, roles: tuple[str, ...], **extra) -> None:
        rows["employee"].append(
            {"id": pid, "employee_no": number, "name": name, "phone": "", "email": "",
             "job_role_id": None, "site_id": None, "hire_date": None, "go_live_date": None,
             "trainer_id": None, "status": "active", "password_hash": secret,
             "must_change_password": False, "session_version": 1, "locale": None,
             "created_at": now, "updated_at": now, **extra}
        )  # fmt: skip
        rows["access_role"] += [{"employee_id": pid, "role": role} for role in roles]

    person(1, HR_NO, "人事", ("hr",))
    trainers = max(1, math.ceil(hires / HIRES_PER_TRAINER))
    for t in range(trainers):
        person(2 + t, f"T{t + 1:05d}", f"培训师{t + 1}", ("trainer",), site_id=t % SITES + 1)
    first = 2 + trainers
    studying = set(rng.sample(range(hires), round(hires * STUDYING_SHARE)))
    tasks = []
    for n in range(hires):
        pid = first + n
        role_id = n % ROLES + 1
        if n in studying:
            start = today - timedelta(days=rng.randint(1, 90))
            stopped = rng.randint(1, 20) if rng.random() < 0.25 else 0
            stop = min(today, max(start, today - timedelta(days=stopped)))
            go_live = start + timedelta(days=rng.randint(14, 42))
            hired = start - timedelta(days=rng.randint(0, 3))
            ids, red = role_items[role_id]
            tasks.append(
                (pid, seed * 1_000_003 + n, ids, red, start.toordinal(), stop.toordinal(),
                 rng.uniform(10, 40), rng.uniform(8.0, 21.5), rng.uniform(0.0, 0.2),
                 rng.lognormvariate(0.0, 0.3), go_live, now)
            )  # fmt: skip
        else:
            hired = today - timedelta(days=rng.randint(0, 14))
            go_live = today + timedelta(days=rng.randint(-15, 60))
        person(
            pid, f"E{n + 1:06d}", f"新员工{n + 1}", ("employee",), job_role_id=role_id,
            site_id=rng.randrange(SITES) + 1, hire_date=hired, go_live_date=go_live,
            trainer_id=2 + n % trainers, must_change_password=True,
        )  # fmt: skip
    return {"rows": rows, "tasks": tasks, "trainers": trainers}


def insert_rows(session, table, rows: list[dict]) -> None:
    from sqlalchemy import insert

    for start in range(0, len(rows), BATCH):
        session.execute(insert(table), rows[start : start + BATCH])


def build(url: str, hires: int, items: int, seed: int, jobs: int, reset: bool) -> dict:
    from concurrent.futures import ProcessPoolExecutor

    from flask_migrate import upgrade
    from sqlalchemy import text

    from quizapp.extensions import db
    from quizapp.models import MemoryState, ReviewLog
    from quizapp.models.types import utcnow

    started = time.perf_counter()
    prepare_database(url, reset)
    app = make_app(url)
    now = utcnow()
    with app.app_context():
        upgrade()
        log(f"schema ({time.perf_counter() - started:.1f} s)")
        org = organisation(hires, items, seed, now)
        for name, rows in org["rows"].items():
            insert_rows(db.session, db.metadata.tables[name], rows)
        db.session.commit()
        log(f"organisation ({time.perf_counter() - started:.1f} s)")
        states, reviews = [], []
        counts = {"states": 0, "reviews": 0}

        def flush() -> None:
            insert_rows(db.session, MemoryState.__table__, states)
            insert_rows(db.session, ReviewLog.__table__, reviews)
            db.session.commit()
            counts["states"] += len(states)
            counts["reviews"] += len(reviews)
            states.clear()
            reviews.clear()

        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for done, (pid, rows, answers) in enumerate(
                pool.map(simulate, org["tasks"], chunksize=4), start=1
            ):
                for item_id, *fields, revision in rows:
                    states.append(
                        dict(zip(("state", "step", "stability", "difficulty", "due",
                                  "last_review", "reps", "lapses", "last_rating"), fields,
                                 strict=True),
                             employee_id=pid, item_id=item_id, revision=revision,
                             changed_from_version=None, updated_at=fields[5])
                    )  # fmt: skip
                for n, (item_id, kind, rating, correct, ms, at, before, after) in enumerate(
                    answers
                ):
                    reviews.append(
                        {"employee_id": pid, "item_id": item_id, "item_version": 1,
                         "kind": kind, "rating": rating, "proposed_rating": None,
                         "overruled": False, "answer": {"verdict": correct, "detail": {}},
                         "key_points_hit": None, "correct": correct, "response_ms": ms,
                         "server_time": at, "client_time": at - timedelta(seconds=1),
                         "idempotency_key": f"bench-{pid}-{n}", "state_before": before,
                         "state_after": after, "undone_at": None, "replaced_by_id": None}
                    )  # fmt: skip
                if len(reviews) >= 5 * BATCH:
                    flush()
                if done % 100 == 0:
                    log(
                        f"history of {done}/{len(org['tasks'])} hires "
                        f"({time.perf_counter() - started:.0f} s)"
                    )
        flush()
        if db.engine.dialect.name == "postgresql":
            for table in ("site", "job_role", "bank", "section", "item", "employee"):
                db.session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
            db.session.commit()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.execute(text("ANALYZE"))
        db.session.remove()
        db.engine.dispose()
    return {
        "build_s": round(time.perf_counter() - started, 1),
        "states": counts["states"],
        "reviews": counts["reviews"],
        "studying_hires": len(org["tasks"]),
        "trainers": org["trainers"],
        "build_peak_rss_mb": round(peak_rss_mb(), 1),
    }


# -- timing -----------------------------------------------------------------------------------


def resident_mb() -> dict[str, float]:
    """RssAnon and RssFile now (MB): SQLite's memory map (PRAGMA mmap_size, 256 MB) counts
    in the resident size as file pages, which the kernel can drop at will."""
    found = {}
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(("RssAnon:", "RssFile:")):
                found[line.split(":")[0]] = int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return found


RESIDENT: dict[str, float] = {}  # the largest RssAnon and RssFile seen after a timed run


class Counter:
    """SQL statements sent by the app's engine."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *_args, **_kwargs) -> None:
        self.count += 1


def timed(step: str, function, repeat: int, counter: Counter, profile: bool, before=None):
    """Median milliseconds of ``repeat`` runs, the statements of the last, its result."""
    times = []
    result = None
    for n in range(repeat):
        if before is not None:
            before()
        counter.count = 0
        profiler = cProfile.Profile() if profile and n == repeat - 1 else None
        started = time.perf_counter()
        if profiler is not None:
            profiler.enable()
        result = function()
        if profiler is not None:
            profiler.disable()
        times.append((time.perf_counter() - started) * 1000)
        for name, value in resident_mb().items():
            RESIDENT[name] = max(RESIDENT.get(name, 0.0), value)
        if profiler is not None:
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out).strip_dirs()
            stats.sort_stats("cumulative").print_stats(30)
            stats.sort_stats("tottime").print_stats(15)
            log(f"\n==== profile: {step} ({times[-1]:.0f} ms)\n{out.getvalue()}")
    log(f"{step}: {', '.join(f'{t:.0f}' for t in times)} ms; {counter.count} statements")
    return statistics.median(times), counter.count, times, result


def time_everything(url: str, repeat: int, profile: bool) -> dict:
    from sqlalchemy import delete, event, func, select

    from quizapp.extensions import db
    from quizapp.models import Employee, MemoryState, ReadinessCache, ReviewLog
    from quizapp.models.types import utcnow
    from quizapp.roster.export import write_xlsx
    from quizapp.study.curriculum import required_of_roles
    from quizapp.study.progress import report
    from quizapp.study.standing import hires, standings
    from tests.factories import login

    app = make_app(url)
    counter = Counter()
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", counter)
        facts = {
            "hires": db.session.scalar(select(func.count()).select_from(Employee).where(hires())),
            "states": db.session.scalar(select(func.count()).select_from(MemoryState)),
            "reviews": db.session.scalar(select(func.count()).select_from(ReviewLog)),
        }
        by_history = db.session.execute(
            select(ReviewLog.employee_id, func.count())
            .group_by(ReviewLog.employee_id)
            .order_by(func.count(), ReviewLog.employee_id)
        ).all()
        (one_id, facts["one_hire_reviews"]) = by_history[-1]  # the longest history
        (typical_id, facts["typical_hire_reviews"]) = by_history[len(by_history) // 2]
        role_id = db.session.get(Employee, one_id).job_role_id
        facts["items"] = len(required_of_roles(db.session, {role_id})[role_id])
        db.session.remove()

    def clear_cache() -> None:
        with app.app_context():
            db.session.execute(delete(ReadinessCache))
            db.session.commit()
            db.session.remove()

    def service(function):
        def run():
            with app.app_context():
                try:
                    return function(db.session)
                finally:
                    db.session.remove()

        return run

    client = app.test_client()
    response = login(client, HR_NO, PASSWORD)
    if response.status_code != 302:
        raise SystemExit(f"HR login failed: {response.status_code}")
    modes: dict[str, str] = {}
    results: dict[str, float] = {}
    queries: dict[str, int] = {}
    runs: dict[str, list[float]] = {}
    sizes: dict[str, int] = {}

    def page(path: str):
        def run():
            response = client.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"GET {path}: {response.status_code}")
            return response.data

        return run

    def exists(path: str) -> bool:
        """Whether the app serves ``path`` with a 200 (the pages are built separately);
        else the reason lands in the modes."""
        status = client.get(path).status_code
        if status != 200:
            modes[f"GET {path}"] = f"HTTP {status}: timed the service behind it instead"
        return status == 200

    def record(key: str, step: str, function, count: int, before=None) -> object:
        ms, statements, values, result = timed(step, function, count, counter, profile, before)
        results[key], queries[key], runs[key] = round(ms, 1), statements, [round(v) for v in values]
        if isinstance(result, bytes | str):
            sizes[key] = len(result)
        return result

    # The cohort dashboard: cold (cache emptied before each view), then warm.
    if exists("/dashboard/"):
        cohort, modes["cohort"] = page("/dashboard/"), "GET /dashboard/"
    else:
        cohort = service(lambda session: standings(session, utcnow()))
        modes["cohort"] = "standings(session, now)"
    record("cohort_cold_ms", "cohort, cold", cohort, repeat, before=clear_cache)
    record("cohort_ms", "cohort, warm", cohort, repeat)

    # One hire's page: the hire with the longest history, and one with the median history.
    for key, person_id in (("one_hire", one_id), ("typical_hire", typical_id)):
        path = f"/people/{person_id}/readiness"
        if exists(path):
            one, modes[key] = page(path), f"GET {path}"
        else:
            one = service(
                lambda session, pid=person_id: report(session, session.get(Employee, pid), utcnow())
            )
            modes[key] = "progress.report(session, person, now)"
        record(f"{key}_ms", key.replace("_", " "), one, max(repeat, 10))

    # The CLI, as `quizapp readiness --json` runs it.
    runner = app.test_cli_runner()
    probe = runner.invoke(args=["readiness", "--help"])
    if probe.exit_code == 0:
        args, modes["cli"] = ["readiness", "--json"], "quizapp readiness --json"
        command = None
    else:
        from quizapp.cli import readiness_command as command

        args = ["--json"]
        modes["cli"] = "quizapp.cli.readiness_command --json (not registered with the app)"

    def cli():
        result = runner.invoke(command, args) if command else runner.invoke(args=args)
        if result.exit_code != 0:
            raise RuntimeError(f"readiness --json: {result.exit_code} {result.output[:300]}")
        return result.output

    record("cli_ms", "cli, cache warm", cli, repeat)
    record("cli_cold_ms", "cli, cache cold", cli, repeat, before=clear_cache)
    cohort()  # the cache warm again for the export

    # The XLSX export of every hire.
    if exists("/dashboard/export.xlsx"):
        export, modes["export"] = page("/dashboard/export.xlsx"), "GET /dashboard/export.xlsx"
    else:

        def export_service(session):
            found = standings(session, utcnow())
            rows = [list(s.to_json().values()) for s in found]
            return write_xlsx(rows, list(found[0].to_json()) if found else [], "readiness")

        export = service(export_service)
        modes["export"] = "write_xlsx(every standing)"
    record("export_ms", "export", export, repeat)

    with app.app_context():
        db.engine.dispose()
    return {
        **facts,
        **results,
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "ru_maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "rss_anon_after_runs_mb": round(RESIDENT.get("RssAnon", 0.0), 1),
        "rss_file_after_runs_mb": round(RESIDENT.get("RssFile", 0.0), 1),
        "modes": modes,
        "statements": queries,
        "runs_ms": runs,
        "bytes": sizes,
        "one_hire_id": one_id,
        "typical_hire_id": typical_id,
        "repeat": repeat,
    }


def add_assignments(url: str, seed: int) -> dict:
    """The assignments of ``--add-assignments`` (explicit rows, one transaction)."""
    from sqlalchemy import func, select

    from quizapp.extensions import db
    from quizapp.models import (
        Assignment,
        AssignmentContent,
        AssignmentPerson,
        Employee,
        Exam,
        ExamQuota,
        ExamSource,
        JobRole,
        Section,
    )
    from quizapp.models.types import utcnow
    from quizapp.study.standing import hires

    app = make_app(url)
    rng = random.Random(seed)
    now = utcnow()
    with app.app_context():
        session = db.session
        roles = session.scalars(select(JobRole.id).order_by(JobRole.id)).all()
        first_section = {
            bank_id: section_id
            for bank_id, section_id in session.execute(
                select(Section.bank_id, func.min(Section.id)).group_by(Section.bank_id)
            )
        }
        added = 0
        for index, role_id in enumerate(roles):
            other_bank = roles[(index + 1) % len(roles)]
            session.add(
                Assignment(
                    title=f"基准岗位{role_id}：兼岗章节", audience="role", job_role_id=role_id,
                    starts_on=now.date() - timedelta(days=120), due_days=14,
                    contents=[AssignmentContent(section_id=first_section[other_bank])],
                    created_at=now, updated_at=now,
                )
            )  # fmt: skip
            exam = Exam(
                title=f"基准岗位{role_id}模拟考试", kind="mock", audience="role",
                job_role_id=role_id, attempts_allowed=2, pass_mark=0.8, time_limit_s=1200,
                sources=[ExamSource(bank_id=role_id)], quotas=[ExamQuota(count=20)],
                created_at=now, updated_at=now,
            )  # fmt: skip
            session.add(exam)
            session.flush()
            session.add(
                Assignment(
                    title=f"基准岗位{role_id}：通过模拟考试", audience="role",
                    job_role_id=role_id, exam_id=exam.id, starts_on=now.date(),
                    due_on=now.date() + timedelta(days=30), created_at=now, updated_at=now,
                )
            )  # fmt: skip
            added += 2
        session.add(
            Assignment(
                title="基准项目01：专项", audience="site", site_id=1,
                starts_on=now.date() - timedelta(days=30), due_on=now.date() + timedelta(days=10),
                contents=[AssignmentContent(section_id=first_section[roles[0]] + 1)],
                created_at=now, updated_at=now,
            )
        )  # fmt: skip
        people = session.scalars(select(Employee.id).where(hires()).order_by(Employee.id)).all()
        named = rng.sample(people, min(100, len(people)))
        session.add(
            Assignment(
                title="基准：点名任务", audience="people",
                starts_on=now.date() - timedelta(days=7), due_on=now.date() + timedelta(days=7),
                contents=[AssignmentContent(section_id=first_section[roles[-1]] + 1)],
                people=[AssignmentPerson(employee_id=pid) for pid in named],
                created_at=now, updated_at=now,
            )
        )  # fmt: skip
        session.commit()
        db.engine.dispose()
    return {"assignments": added + 2, "named_people": len(named)}


# -- main -------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hires", type=int, default=200)
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--database-url", help="default: a SQLite file in a temporary folder")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", action="store_true", help="cProfile each step (stderr)")
    parser.add_argument("--reset", action="store_true", help="empty the database first")
    parser.add_argument("--keep", action="store_true", help="keep the temporary SQLite file")
    step = parser.add_mutually_exclusive_group()
    step.add_argument("--build-only", action="store_true")
    step.add_argument("--time-only", action="store_true")
    step.add_argument("--add-assignments", action="store_true")
    args = parser.parse_args()

    folder = None
    url = args.database_url
    if url is None:
        if args.time_only:
            raise SystemExit("--time-only needs --database-url")
        folder = Path(tempfile.mkdtemp(prefix="quizapp-readiness-"))
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
    try:
        if args.add_assignments:
            if args.database_url is None:
                raise SystemExit("--add-assignments needs --database-url")
            print(json.dumps(add_assignments(url, args.seed)))
            return
        if args.time_only:
            print(json.dumps(time_everything(url, args.repeat, args.profile)))
            return
        built = build(url, args.hires, args.items, args.seed, args.jobs, args.reset)
        log(f"built: {built}")
        if args.build_only:
            print(json.dumps({"hires": args.hires, "items": args.items, **built}))
            return
        command = [sys.executable, __file__, "--time-only", "--database-url", url,
                   "--repeat", str(args.repeat)] + (["--profile"] if args.profile else [])  # fmt: skip
        child = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True)
        timing = json.loads(child.stdout.strip().splitlines()[-1])
        result = {
            "hires": args.hires,
            "items": args.items,
            "database": re.sub(r"[+:].*", "", url),
            **{k: timing[k] for k in ("cohort_ms", "one_hire_ms", "export_ms", "peak_rss_mb")},
            **built,
            **{k: v for k, v in timing.items() if k not in ("hires", "items")},
            "hires_found": timing["hires"],
            "items_found": timing["items"],
            "machine": machine(),
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        if args.json:
            print(json.dumps(result, ensure_ascii=False))
        else:
            print(f"machine: {result['machine']}")
            print(f"{args.hires} hires × {args.items} items on {result['database']}: "
                  f"{built['states']:,} memory states, {built['reviews']:,} reviews; "
                  f"build {built['build_s']} s")  # fmt: skip
            for key, target in (("cohort_cold_ms", ""), ("cohort_ms", "< 1,000 ms"),
                                ("one_hire_ms", "< 100 ms"), ("typical_hire_ms", "< 100 ms"),
                                ("cli_ms", ""),
                                ("cli_cold_ms", ""), ("export_ms", "")):  # fmt: skip
                print(f"  {key:<15} {result[key]:>10,.1f} ms  {target:<12} "
                      f"{timing['statements'][key]} statements")  # fmt: skip
            print(f"  peak_rss_mb     {result['peak_rss_mb']:>10,.1f}     < 500 MB "
                  f"(build {built['build_peak_rss_mb']} MB)")  # fmt: skip
            print(f"  modes: {result['modes']}")
    finally:
        if folder is not None and not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
        elif folder is not None:
            log(f"kept {url}")


if __name__ == "__main__":
    main()
