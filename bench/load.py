"""A load test with faults that must lose nothing: N employees studying on gunicorn while
workers are killed and the database is locked, 100 of them sitting one timed exam.

    .venv/bin/python bench/load.py --employees 200 --seconds 60 --db sqlite --json
    .venv/bin/python bench/load.py --employees 200 --seconds 60 --db postgresql --json
    .venv/bin/python bench/load.py --employees 200 --soak 600        # ten minutes
    .venv/bin/python bench/load.py --employees 20 --seconds 20 --think 0.5   # quick look

1. A fresh database: a SQLite file in a temporary folder, or a database on a throw-away
   PostgreSQL cluster (as .ci/run starts one; on QUIZAPP_DATABASE_URL's server when that
   is set, in a new database dropped afterwards). `quizapp db upgrade`, `quizapp bank
   import question_bank/*.md`, then with the app's services a job role learning every
   bank, employees L0001 … (password, go-live in two weeks) and a one-minute exam for the
   role allowing one attempt (bench/load_setup.py).
2. gunicorn (gunicorn.conf.py: as `make serve`, the cores + 1 gthread workers × 4 threads
   unless --workers / --threads say otherwise) on a free 127.0.0.1 port, with a short
   busy timeout (QUIZAPP_SQLITE_BUSY_TIMEOUT_MS / QUIZAPP_POSTGRES_LOCK_TIMEOUT_MS, 2 s).
3. Everyone logs in; then for --seconds each employee loops (bench/load_client.py): the
   next card, think 2–4 s (--think scales it), answer it with a random answer read from
   the card's form (any of the five question types), read the feedback 2–4 s (--read
   scales it; --read 0 asks for the next card at once) and tap 下一题. 10 % of answers
   are sent twice at once with the same idempotency key, 5 % have their connection cut
   after 20 ms and are resent with the same key, 5 % of cards come in two tabs (two cards
   fetched, then both answered). A 503 is retried after its Retry-After, a reset
   connection at once. Whoever is still thinking when the time is up leaves the card.
4. Meanwhile: a gunicorn worker is SIGKILLed --kills-per-minute times a minute (gunicorn
   starts a new one); the database is write-locked from outside for 1.5 × the busy
   timeout, twice (SQLite: BEGIN IMMEDIATE and an UPDATE; PostgreSQL: LOCK TABLE
   review_log IN ACCESS EXCLUSIVE MODE); 100 employees start the exam within 2 s, save
   their answers and hand in during the last 10 s of their minute, five of them never
   hand in and try to save after the deadline and its grace (bench/load_exam.py). The
   starts are sent from second 10 (--exam-at), when the others study at their steady
   pace; in the first 4 s all the clients, logged in together, ask for their first card
   (the dearest), and --exam-at 3 stacks the exam on that crowd.
5. Afterwards, from the database (bench/load_check.py): study answers logged == answers
   acknowledged to a client (a 2xx/3xx answer), no idempotency key twice, every memory
   state equal to a replay of its review log, one attempt per exam taker with every
   acknowledged save present, nothing saved or handed in after deadline + grace.
6. For a long run (--soak): requests, 5xx and answer p50/p99 for each minute
   ("per_minute") and the workers' resident memory every 10 s ("rss": [s, MiB summed,
   MiB of the largest worker]), to show whether anything drifts or grows. Always: the CPU
   seconds gunicorn used (from its start to its stop) and this client used (from the
   first login to the end), to see how the two cores were shared; without kills, also
   gunicorn's CPU for booting, for the logins (scrypt) and per request after them.

Targets ("targets_missed" lists those not met): acknowledged = logged, no duplicate key,
no replay mismatch, no 5xx but the 503s of the held lock, one attempt per exam taker and
nothing lost or late, the exam's starts within 2 s, and answer p99 ≤ 500 ms outside the
held lock ("answer_p99_ms" over every answer is printed too; answers sent into the lock
wait for the busy timeout by design). "answers_over_500ms" counts the slow answers by what
was happening when they were sent.

Every loop is bounded in count and time; only 127.0.0.1 is contacted. The client threads
run on the same machine as the server and take CPU from it. Figures: docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import threading
import time
from pathlib import Path

from load_check import reconcile
from load_client import Behaviour, Record, log_in, study
from load_exam import sit_exam
from load_setup import (
    PASSWORD,
    SECRET,
    app_env,
    database,
    free_port,
    gunicorn_cpu,
    gunicorn_defaults,
    populate,
    start_gunicorn,
    stop,
    worker_pids,
)
from machine import machine

BUSY_MS = 2000
LATE_TAKERS = 5
EXAM_AT_S = 10.0  # the exam's starts are sent from this second of the run on
EXAM_START_WITHIN_S = 2.0  # the target: every start lands within 2 s
# Answers slower than this are counted by what was happening when they were sent: a held
# lock, a worker killed up to KILL_SHADOW_S before, the exam's first EXAM_BURST_S.
SLOW_MS = 500
KILL_SHADOW_S = 3.0
EXAM_BURST_S = 10.0


def percentile(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(1000 * ordered[min(len(ordered) - 1, int(fraction * len(ordered)))], 1)


# -- faults -----------------------------------------------------------------------------


def kill_workers(master: int, per_minute: float, deadline: float, kills: list, seed: int) -> None:
    """SIGKILL a random worker every 60/per_minute s (± 30 %) until the deadline."""
    rng = random.Random(seed)
    for _ in range(10_000):
        pause = 60 / per_minute * rng.uniform(0.7, 1.3)
        if time.monotonic() + pause >= deadline:
            return
        time.sleep(pause)
        pids = worker_pids(master)
        if pids:
            pid = rng.choice(pids)
            try:
                os.kill(pid, signal.SIGKILL)
                kills.append((round(time.monotonic(), 3), pid))
            except ProcessLookupError:
                pass


def hold_lock(url: str, at: float, seconds: float, windows: list) -> None:
    """From monotonic time `at`, hold the database's write lock for `seconds`."""
    time.sleep(max(0.0, at - time.monotonic()))
    if url.startswith("sqlite"):
        connection = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=30)
        connection.isolation_level = None
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(
            "UPDATE job_role SET name = name WHERE id = (SELECT min(id) FROM job_role)"
        )
        start = time.monotonic()
        time.sleep(seconds)
        connection.execute("ROLLBACK")
        end = time.monotonic()
        connection.close()
    else:
        import psycopg
        from sqlalchemy.engine import make_url

        plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(plain) as connection:
            connection.execute("LOCK TABLE review_log IN ACCESS EXCLUSIVE MODE")
            start = time.monotonic()
            time.sleep(seconds)
            connection.rollback()
            end = time.monotonic()
    windows.append((start, end))


def lock_times(seconds: float) -> list[float]:
    if seconds < 20:
        return [0.5 * seconds]
    if seconds <= 120:
        return [0.35 * seconds, 0.7 * seconds]
    return [120.0 * k for k in range(1, int(seconds // 120) + 1) if 120.0 * k < seconds - 10]


# -- the run ----------------------------------------------------------------------------


def log_in_all(port: int, numbers: list[str], record: Record, parallel: int = 8) -> dict:
    clients: dict = {}
    queue = list(numbers)
    lock = threading.Lock()

    def work() -> None:
        for _ in range(len(numbers)):
            with lock:
                if not queue:
                    return
                number = queue.pop()
            client = log_in(port, number, PASSWORD, record)
            with lock:
                clients[number] = client

    threads = [threading.Thread(target=work) for _ in range(parallel)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return clients


def run(args) -> dict:
    record = Record()
    takers = min(args.exam_takers, args.employees)
    with database(args.db) as (url, folder):
        began = time.monotonic()
        info = populate(url, args.employees, takers)
        setup_s = time.monotonic() - began
        port = free_port()
        env = app_env(url, BUSY_MS)
        cpu_before = os.times()  # gunicorn's CPU reaches children_* once it is reaped
        server = start_gunicorn(env, port, args.workers, args.threads, folder / "gunicorn.log")
        kills: list = []
        windows: list = []
        try:
            began = time.monotonic()
            client_cpu = time.process_time()
            phases = [gunicorn_cpu(server.pid)]  # booted
            clients = log_in_all(port, info["numbers"], record)
            login_s = time.monotonic() - began
            phases.append(gunicorn_cpu(server.pid))  # everyone logged in
            t0 = time.monotonic()
            deadline = t0 + args.seconds
            think = (args.think * 2 / 3, args.think * 4 / 3)
            read = args.think if args.read is None else args.read
            behaviour = Behaviour(think=think, read=(read * 2 / 3, read * 4 / 3))
            exam = {
                "id": info["exam_id"],
                "seconds": info["exam_seconds"],
                "items": 5,
                "start_at": t0 + args.exam_at,
            }
            threads = []
            for index, number in enumerate(info["numbers"]):
                client = clients.get(number)
                if client is None:
                    continue
                if number in info["exam_takers"]:
                    late = info["exam_takers"].index(number) < LATE_TAKERS
                    args_ = (port, dict(client.cookies), number, exam, record, 10_000 + index, late)
                    threads.append(threading.Thread(target=sit_exam, args=args_))
                threads.append(
                    threading.Thread(
                        target=_study_later,
                        args=(client, number, record, behaviour, index, deadline, think[1]),
                    )
                )
            rss: list = []
            threads.append(
                threading.Thread(target=sample_rss, args=(server.pid, t0, deadline, rss))
            )
            if args.kills_per_minute > 0:
                kill_args = (server.pid, args.kills_per_minute, deadline, kills, 7)
                threads.append(threading.Thread(target=kill_workers, args=kill_args))
            hold = 1.5 * BUSY_MS / 1000
            for at in lock_times(args.seconds) if args.locks else []:
                threads.append(
                    threading.Thread(target=hold_lock, args=(url, t0 + at, hold, windows))
                )
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(args.seconds + info["exam_seconds"] + 180)
            ended = time.monotonic()
            client_cpu = time.process_time() - client_cpu
            phases.append(gunicorn_cpu(server.pid))  # the study loop (and exam) over
        finally:
            stop(server)
        cpu_after = os.times()
        server_cpu = (cpu_after.children_user + cpu_after.children_system) - (
            cpu_before.children_user + cpu_before.children_system
        )
        log_text = (folder / "gunicorn.log").read_text(errors="replace")
        log_tail = log_text[-4000:]
        server_ms = server_times(log_text)
        checked = reconcile(url, SECRET, record, info["exam_id"])
    result = summarise(
        args, record, checked, info, kills, windows, t0, deadline, ended, setup_s, login_s, log_tail
    )
    requests = len(record.requests)
    cpu = {
        # From gunicorn's start to its stop: booting and re-booting killed workers
        # (each loads jieba's dictionary) included; a PostgreSQL server's is not.
        "server_cpu_s": round(server_cpu, 1),
        "server_cpu_ms_per_request": round(1000 * server_cpu / max(1, requests), 1),
        "client_cpu_s": round(client_cpu, 1),
        # Without kills: booting, the logins (scrypt) and the rest, apart; the last per
        # request after the logins (what a card or an answer costs under load).
        **phase_cpu(phases, record, kills),
        "cores": os.cpu_count(),
    }
    return server_ms | result | cpu | {"per_minute": per_minute(record, t0, deadline), "rss": rss}


def phase_cpu(phases: list[float], record: Record, kills: list) -> dict:
    if kills or len(phases) < 3:
        return {}
    after_login = sum(1 for what, *_rest in record.requests if what != "login")
    return {
        "server_cpu_boot_s": round(phases[0], 1),
        "server_cpu_login_s": round(phases[1] - phases[0], 1),
        "server_cpu_after_login_s": round(phases[2] - phases[1], 1),
        "server_cpu_ms_per_request_after_login": round(
            1000 * (phases[2] - phases[1]) / max(1, after_login), 1
        ),
    }


def sample_rss(master: int, t0: float, deadline: float, found: list, every: float = 10.0):
    """Every `every` s until the deadline: the workers' resident memory (MiB, summed and
    largest), to see whether a long run (--soak) grows."""
    while (now := time.monotonic()) < deadline:
        sizes = []
        for pid in worker_pids(master):
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue  # killed meanwhile
            kib = next(
                (int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")),
                0,
            )
            sizes.append(kib / 1024)
        if sizes:
            found.append([round(now - t0), round(sum(sizes)), round(max(sizes))])
        time.sleep(min(every, max(0.0, deadline - time.monotonic())))


def per_minute(record: Record, t0: float, deadline: float) -> list[dict]:
    """Requests, 5xx and answer p50/p99 for each minute of the run: drift over a soak."""
    minutes: dict[int, list] = {}
    for what, started, elapsed, status, _retry in record.requests:
        if t0 <= started < deadline:
            minutes.setdefault(int((started - t0) // 60), []).append((what, elapsed, status))
    return [
        {
            "minute": minute,
            "requests": len(rows),
            "errors_5xx": sum(1 for _w, _e, status in rows if status >= 500),
            "answer_p50_ms": percentile([e for w, e, _s in rows if w == "answer"], 0.5),
            "answer_p99_ms": percentile([e for w, e, _s in rows if w == "answer"], 0.99),
        }
        for minute, rows in sorted(minutes.items())
    ]


def server_times(log_text: str) -> dict:
    """Time spent inside the app per request (gunicorn.conf.py's JSON request log), apart
    from the wait for a worker thread: answer and card p50/p99 as the server saw them."""
    times: dict[str, list[float]] = {"answer": [], "card": []}
    for line in log_text.splitlines():
        if not line.startswith("{"):
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        what = {"/study/answer": "answer", "/study/": "card"}.get(entry.get("path"))
        if what and isinstance(entry.get("duration_ms"), int | float):
            times[what].append(entry["duration_ms"] / 1000)
    return {
        f"server_{what}_{name}_ms": percentile(values, fraction)
        for what, values in times.items()
        for name, fraction in (("p50", 0.5), ("p99", 0.99))
    }


def _study_later(client, number, record, behaviour, index, deadline, spread) -> None:
    time.sleep(random.Random(index).uniform(0, spread))  # not everyone at the same instant
    study(client, number, record, behaviour, index, deadline)
    client.close()


def summarise(
    args, record, checked, info, kills, windows, t0, deadline, ended, setup_s, login_s, log_tail
):
    def overlaps_lock(started, elapsed) -> bool:
        return any(started < end + 0.5 and started + elapsed > start for start, end in windows)

    def slow_cause(started, elapsed) -> str:
        if overlaps_lock(started, elapsed):
            return "held lock"
        if any(at <= started + elapsed and started <= at + KILL_SHADOW_S for at, _pid in kills):
            return "worker killed"
        if args.exam_takers and 0 <= started - (t0 + args.exam_at) <= EXAM_BURST_S:
            return "exam start"
        return "other"

    slow = dict.fromkeys(("held lock", "worker killed", "exam start", "other"), 0)
    statuses: dict[str, int] = {}
    errors_5xx = expected_503 = busy_elsewhere = 0
    answers, answers_clear, cards = [], [], []
    in_window = 0
    for what, started, elapsed, status, retry_after in record.requests:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
        if t0 <= started <= deadline:
            in_window += 1
        if status >= 500:
            if status == 503 and retry_after and overlaps_lock(started, elapsed):
                expected_503 += 1
            else:
                errors_5xx += 1
                busy_elsewhere += status == 503 and retry_after
        if what == "answer":
            answers.append(elapsed)
            if not overlaps_lock(started, elapsed):
                answers_clear.append(elapsed)
            if elapsed * 1000 > SLOW_MS:
                slow[slow_cause(started, elapsed)] += 1
        elif what == "card" and status == 200:
            cards.append(elapsed)
    locks = []
    for start, end in windows:
        after = [
            s + e
            for w, s, e, st, _r in record.requests
            if w == "answer" and 200 <= st < 400 and s + e > end
        ]
        locks.append(
            {
                "at_s": round(start - t0, 1),
                "held_s": round(end - start, 2),
                "busy_503": sum(
                    1
                    for _w, s, e, st, r in record.requests
                    if st == 503 and r and s < end + 0.5 and s + e > start
                ),
                "first_answer_ok_after_s": round(min(after) - end, 2) if after else None,
            }
        )
    return {
        "employees": args.employees,
        "seconds": args.seconds,
        "db": args.db,
        "workers": args.workers,
        "threads": args.threads,
        "think_s": args.think,
        "read_s": args.think if args.read is None else args.read,
        **{
            k: checked[k]
            for k in ("answers_acked", "reviews_logged", "duplicates", "replay_mismatches")
        },
        "acked_not_logged": checked["acked_not_logged"],
        "logged_not_acked": checked["logged_not_acked"],
        "answers_sent": checked["answers_sent"],
        "memory_states": checked["memory_states"],
        "replay_mismatch_examples": checked["replay_mismatch_examples"],
        "exam_reviews_logged": checked["exam_reviews_logged"],
        "errors_5xx": errors_5xx,
        "busy_503_during_lock": expected_503,
        "busy_503_outside_lock": busy_elsewhere,  # part of errors_5xx
        "status_counts": dict(sorted(statuses.items())),
        "network_errors": dict(record.network_errors),
        "events": dict(record.events),
        "question_types_answered": dict(record.kinds),
        "answer_p50_ms": percentile(answers, 0.50),
        "answer_p99_ms": percentile(answers, 0.99),
        "answer_p99_ms_outside_lock": percentile(answers_clear, 0.99),
        f"answers_over_{SLOW_MS}ms": slow,
        "card_p50_ms": percentile(cards, 0.50),
        "card_p99_ms": percentile(cards, 0.99),
        "throughput_rps": round(in_window / max(1e-9, deadline - t0), 1),
        "workers_killed": len(kills),
        "worker_kills_at_s": [round(at - t0, 1) for at, _pid in kills],
        "lock_held_s": round(sum(end - start for start, end in windows), 2),
        "locks": locks,
        "busy_timeout_ms": BUSY_MS,
        "exam": checked["exam"],
        "items": info["items"],
        "item_types": info["item_types"],
        "setup_s": round(setup_s, 1),
        "login_s": round(login_s, 1),
        "wall_s": round(ended - t0, 1),
        "machine": machine(),
        "gunicorn_log_tail": log_tail if errors_5xx else "",
    }


def verdict(result: dict) -> list[str]:
    """The targets this run missed."""
    missed = []
    if result["reviews_logged"] != result["answers_acked"]:
        missed.append("reviews_logged != answers_acked")
    if result["acked_not_logged"]:
        missed.append("acknowledged answers missing from the log")
    for name in ("duplicates", "replay_mismatches", "errors_5xx"):
        if result[name]:
            missed.append(f"{name} = {result[name]}")
    exam = result["exam"]
    for name in (
        "people_with_more_attempts",
        "saves_lost",
        "wrong_status",
        "submitted_after_grace",
        "saves_after_grace_accepted",
    ):
        if exam.get(name):
            missed.append(f"exam {name} = {exam[name]}")
    if exam.get("late_probes") != exam.get("late_probes_refused"):
        missed.append("a save after deadline + grace was not refused")
    # The held lock outlasts the busy timeout on purpose: answers sent into it wait for
    # the timeout (then 503) or for the lock, about a tenth of them at 200 employees, so
    # the p99 over all answers measures the fault. The target applies outside it.
    p99 = result["answer_p99_ms_outside_lock"]
    if p99 is not None and p99 > SLOW_MS:
        missed.append(f"answer p99 outside the held lock {p99} ms > {SLOW_MS} ms")
    spread = exam.get("start_spread_s")
    if spread is not None and spread > EXAM_START_WITHIN_S:
        missed.append(f"exam starts spread over {spread} s > {EXAM_START_WITHIN_S} s")
    return missed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--employees", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--soak", type=float, help="run this many seconds instead (e.g. 600)")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--think", type=float, default=3.0, help="mean think time, s (2–4 s)")
    parser.add_argument(
        "--read",
        type=float,
        help="mean time reading the feedback before the next card, s (default: --think; "
        "0: the next card at once)",
    )
    parser.add_argument("--workers", type=int, help="default: gunicorn.conf.py's (cores + 1)")
    parser.add_argument("--threads", type=int, help="default: gunicorn.conf.py's (4)")
    parser.add_argument("--kills-per-minute", type=float, default=4)
    parser.add_argument("--exam-takers", type=int, default=100)
    parser.add_argument(
        "--exam-at",
        type=float,
        default=EXAM_AT_S,
        help=f"the second of the run the exam's starts are sent from (default {EXAM_AT_S:g})",
    )
    parser.add_argument("--no-locks", dest="locks", action="store_false")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    if not 1 <= args.employees <= 2000 or args.seconds <= 0:
        parser.error("--employees must be 1 … 2000 and --seconds positive")
    if args.soak:
        args.seconds = args.soak
    args.workers, args.threads = gunicorn_defaults(args.workers, args.threads)
    result = run(args)
    result["targets_missed"] = verdict(result)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return
    exam = result["exam"]
    print(
        f"{result['employees']} employees, {result['seconds']:.0f} s on {result['db']} "
        f"({result['workers']} workers × {result['threads']} threads) — {result['machine']}"
    )
    print(
        f"answers: {result['answers_acked']} acknowledged, {result['reviews_logged']} logged, "
        f"{result['duplicates']} duplicates; memory states: {result['memory_states']}, "
        f"{result['replay_mismatches']} differ from a replay"
    )
    print(
        f"latency: answer p50 {result['answer_p50_ms']} ms, p99 {result['answer_p99_ms']} ms "
        f"(outside the lock {result['answer_p99_ms_outside_lock']} ms); card p50 "
        f"{result['card_p50_ms']} ms, p99 {result['card_p99_ms']} ms; "
        f"{result['throughput_rps']} requests/s"
    )
    print(
        f"faults: {result['workers_killed']} workers killed, lock held {result['lock_held_s']} s "
        f"({result['busy_503_during_lock']} × 503 during it); other 5xx: {result['errors_5xx']}"
    )
    print(f"statuses: {result['status_counts']}; network errors: {result['network_errors']}")
    print(
        f"answers over {SLOW_MS} ms, by what was happening: {result[f'answers_over_{SLOW_MS}ms']}"
    )
    print(
        f"CPU: gunicorn {result['server_cpu_s']} s ({result['server_cpu_ms_per_request']} ms "
        f"a request), this client {result['client_cpu_s']} s, on {result['cores']} cores"
    )
    print(f"exam: {exam}")
    for minute in result["per_minute"]:
        print(f"  minute {minute['minute']}: {minute}")
    if result["rss"]:
        first, last = result["rss"][0], result["rss"][-1]
        print(f"workers' memory: {first[1]} MiB at {first[0]} s, {last[1]} MiB at {last[0]} s")
    missed = result["targets_missed"]
    print("targets: all met" if not missed else "targets missed: " + "; ".join(missed))


if __name__ == "__main__":
    main()
