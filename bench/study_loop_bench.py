"""The study loop as employees drive it, against two ceilings on the same gunicorn stack.

    .venv/bin/python bench/study_loop_bench.py [--duration 15] [--levels 1,8,32]
        [--workers 4] [--worker-class sync] [--threads 1]

One run, about three minutes with the defaults:
  1. A fresh SQLite file in a temporary folder: `quizapp db upgrade`, `quizapp bank import
     question_bank/*.md`, then employees B0001 … (job role 客服前台, 169 items) created with
     the app's own create_person, known passwords, no forced password change. Every job
     role's daily_new_cap is raised so nobody runs out of new cards for cap reasons.
  2. gunicorn on 127.0.0.1 serving bench/ceiling_app.py: the whole app plus /bench/bare and
     /bench/one-write (see that module).
  3. A warm-up (every worker loads templates and jieba's dictionary), then for each level
     of concurrency, for --duration seconds each:
       bare       GET /bench/bare in a loop
       one-write  GET /bench/one-write in a loop (one indexed read, UPDATE, INSERT, render)
       study      employees logged in with their own cookies, each looping: GET /study/
                  (the next card), read the form's hidden fields, POST /study/answer with a
                  plausible answer for the card's type (the feedback page). Each level uses
                  fresh employees; one who finishes every card switches to a spare account.
     Every HTTP request counts; latency is from sending the request to the last byte.
  4. A table of requests/s, p50, p99 per level and target, with the CPU gunicorn's processes
     used (cores busy, and CPU ms per request: what a request costs, apart from waiting)
     and this client's own CPU; at the highest level the study loop's throughput over the
     one-write ceiling's (target >= 0.80) and its p99 over the ceiling's (target <= 1.5).
     Then gunicorn is stopped and the folder removed.

Clients are threads in this process, on the same machine as the server: they take CPU from
it, as they do from the ceilings. Only 127.0.0.1 is contacted. Figures: docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import html
import http.client
import math
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from machine import machine

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
HOST = "127.0.0.1"
PASSWORD = "bench-password-9"
JOB_ROLE = "客服前台"
# Spare accounts a level's employees switch to when they finish every card: enough for
# the fastest study loop this machine could serve (2 cores: at most about 400 answers/s)
# to answer every card of the role's 169 (at least 150) without running out.
MAX_ANSWERS_PER_SECOND = 400
MIN_CARDS_PER_ACCOUNT = 150


def spares_for(seconds: float) -> int:
    return max(8, math.ceil(seconds * MAX_ANSWERS_PER_SECOND / MIN_CARDS_PER_ACCOUNT))


MAX_REQUESTS_PER_CLIENT = 200_000  # a bound besides the deadline
MAX_ERRORS_PER_CLIENT = 50
TIMEOUT = 30.0

FORM = re.compile(
    r'<form method="post" action="/study/answer" class="answer-form" data-type="(\w+)">(.*?)</form>',
    re.S,
)
HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)">')
CHOICE = re.compile(r'name="choice" value="(\d+)"')
BLANK = re.compile(r'name="blank"')
LOGIN_CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')

# Plausible typed answers: some hit key points of the 客服前台 banks, some do not.
TYPED = [
    "先向业主道歉，登记报修内容，通知维修人员上门，处理完后回访",
    "微笑问候，使用礼貌用语，耐心倾听业主的诉求",
    "首问负责，不推诿，及时跟进并反馈处理结果",
    "不知道",
]
BLANK_WORDS = ["三", "3", "首问负责", "微笑", "十五分钟", "礼貌"]


# -- one HTTP client per simulated person -----------------------------------------------------


class Client:
    """A keep-alive connection to the server with its own cookie jar."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, form: list[tuple[str, str]] | None = None
    ) -> tuple[int, str, float, dict[str, str]]:
        """(status, body, seconds, headers); raises OSError/HTTPException on failure."""
        headers = {"Accept": "text/html", "User-Agent": "quizapp-bench"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        start = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            raise
        elapsed = time.perf_counter() - start
        for cookie in response.headers.get_all("Set-Cookie") or []:
            pair, _, attributes = cookie.partition(";")
            name, _, value = pair.strip().partition("=")
            attributes = attributes.lower()
            if not value or "max-age=0" in attributes or "expires=thu, 01 jan 1970" in attributes:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        if response.will_close:
            self.conn.close()  # sync workers close after each response; reconnect next time
        return response.status, data.decode("utf-8", "replace"), elapsed, dict(response.headers)

    def close(self) -> None:
        self.conn.close()


def log_in(port: int, employee_no: str) -> Client:
    client = Client(port)
    _status, page, _t, _h = client.request("GET", "/login")
    match = LOGIN_CSRF.search(page)
    if match is None:
        raise RuntimeError(f"no CSRF token on /login: {page[:300]}")
    form = [("employee_no", employee_no), ("password", PASSWORD), ("csrf_token", match[1])]
    status, page, _t, headers = client.request("POST", "/login", form)
    if status != 302 or "/login" in headers.get("Location", "/login"):
        raise RuntimeError(f"login of {employee_no} failed: {status} {page[:300]}")
    return client


def log_in_all(port: int, numbers: list[str], parallel: int = 1) -> list[Client]:
    # One at a time: concurrent logins fail with "database is locked" on SQLite
    # (attempt_login reads, then writes, in a deferred transaction); see docs/benchmarks.md.
    clients: dict[str, Client] = {}
    errors: list[BaseException] = []
    queue = list(numbers)
    lock = threading.Lock()

    def work() -> None:
        while True:
            with lock:
                if not queue or errors:
                    return
                number = queue.pop()
            try:
                client = log_in(port, number)
            except BaseException as exc:  # reported below, after the threads end
                with lock:
                    errors.append(exc)
                return
            with lock:
                clients[number] = client

    threads = [threading.Thread(target=work) for _ in range(parallel)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return [clients[number] for number in numbers]


# -- what a person answers ---------------------------------------------------------------------


def answer_form(page: str, rng: random.Random) -> tuple[str, list[tuple[str, str]]] | None:
    """The card's type and a plausible answer with the form's hidden fields, or None when
    the page holds no card (today's session is done)."""
    match = FORM.search(page)
    if match is None:
        return None
    kind, inner = match[1], match[2]
    fields = [(name, html.unescape(value)) for name, value in HIDDEN.findall(inner)]
    fields = [(n, v) for n, v in fields if n != "client_time"]
    fields.append(("client_time", time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())))
    if kind in ("single", "multi"):
        options = CHOICE.findall(inner)
        if kind == "single":
            picked = [rng.choice(options)] if options else []
        else:
            picked = [o for o in options if rng.random() < 0.5] or options[:1]
        fields += [("choice", value) for value in picked]
    elif kind == "judge":
        fields.append(("verdict", rng.choice(["true", "false"])))
    elif kind == "cloze":
        fields += [("blank", rng.choice(BLANK_WORDS)) for _ in BLANK.findall(inner)]
    elif rng.random() < 0.5:  # 问答: reveal the answer and rate oneself …
        fields.append(("self_rating", rng.choice(["again", "hard", "good", "easy"])))
    else:  # … or type an answer, graded by key points
        fields.append(("text", rng.choice(TYPED)))
    return kind, fields


# -- load ---------------------------------------------------------------------------------------


@dataclass
class Tally:
    """What the simulated people of one run saw."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    kinds: Counter = field(default_factory=Counter)
    switches: int = 0
    more: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, other: Tally) -> None:
        with self.lock:
            for name, values in other.latencies.items():
                self.latencies.setdefault(name, []).extend(values)
            self.statuses.update(other.statuses)
            self.errors.update(other.errors)
            self.kinds.update(other.kinds)
            self.switches += other.switches
            self.more += other.more

    def all_latencies(self) -> list[float]:
        return [value for values in self.latencies.values() for value in values]


def run_study(client: Client, spares: list[Client], spare_lock, deadline: float, seed: int, out):
    tally = Tally()
    rng = random.Random(seed)
    more = False
    errors = 0
    for _ in range(MAX_REQUESTS_PER_CLIENT // 2):
        if time.perf_counter() >= deadline or errors >= MAX_ERRORS_PER_CLIENT:
            break
        try:
            status, page, elapsed, _h = client.request(
                "GET", "/study/?more=1" if more else "/study/"
            )
        except (OSError, http.client.HTTPException) as exc:
            tally.errors[type(exc).__name__] += 1
            errors += 1
            continue
        tally.latencies.setdefault("card", []).append(elapsed)
        tally.statuses[status] += 1
        form = answer_form(page, rng) if status == 200 else None
        if form is None:
            if status != 200:
                errors += 1
                continue
            with spare_lock:  # every card answered: switch to a spare account, if any left
                spare = spares.pop() if spares else None
            if spare is not None:
                client, tally.switches = spare, tally.switches + 1
            else:
                more, tally.more = True, tally.more + 1
            continue
        kind, fields = form
        if time.perf_counter() >= deadline:
            break
        try:
            status, page, elapsed, _h = client.request("POST", "/study/answer", fields)
        except (OSError, http.client.HTTPException) as exc:
            tally.errors[type(exc).__name__] += 1
            errors += 1
            continue
        tally.latencies.setdefault("answer", []).append(elapsed)
        tally.statuses[status] += 1
        tally.kinds[kind] += 1
        if status != 200 or "verdict-banner" not in page:
            errors += 1
            tally.errors[f"answer {status}"] += 1
    out.add(tally)


def run_get(port: int, path: str, deadline: float, out) -> None:
    tally = Tally()
    client = Client(port)
    errors = 0
    for _ in range(MAX_REQUESTS_PER_CLIENT):
        if time.perf_counter() >= deadline or errors >= MAX_ERRORS_PER_CLIENT:
            break
        try:
            status, _page, elapsed, _h = client.request("GET", path)
        except (OSError, http.client.HTTPException) as exc:
            tally.errors[type(exc).__name__] += 1
            errors += 1
            continue
        tally.latencies.setdefault("get", []).append(elapsed)
        tally.statuses[status] += 1
        errors += status != 200
    client.close()
    out.add(tally)


@dataclass
class Result:
    target: str
    concurrency: int
    requests: int
    seconds: float
    p50: float
    p99: float
    tally: Tally
    client_cpu: float  # this process's CPU seconds per wall second during the run
    server_seconds: float | None  # CPU seconds gunicorn's processes used during the run

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, int(round(fraction * len(ordered) + 0.5)) - 1))
    return ordered[index]


def server_cpu(master: int | None) -> float | None:
    """CPU seconds used so far by the gunicorn master and its workers (Linux /proc)."""
    if master is None:
        return None
    total = 0
    try:
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (name) "
            if int(entry.name) == master or int(fields[1]) == master:
                total += int(fields[11]) + int(fields[12])  # utime + stime
    except (OSError, ValueError, IndexError):
        return None
    return total / os.sysconf("SC_CLK_TCK")


SERVER: list[int] = []  # the gunicorn master's pid, once started


def run_level(target: str, concurrency: int, duration: float, start_threads) -> Result:
    tally = Tally()
    master = SERVER[0] if SERVER else None
    server0 = server_cpu(master)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    deadline = wall0 + duration
    threads = start_threads(deadline, tally)
    for thread in threads:
        thread.join(duration + 2 * TIMEOUT + 5)
    wall = time.perf_counter() - wall0
    cpu = time.process_time() - cpu0
    server1 = server_cpu(master)
    busy = None if server0 is None or server1 is None else server1 - server0
    values = tally.all_latencies()
    return Result(
        target,
        concurrency,
        len(values),
        wall,
        percentile(values, 0.50),
        percentile(values, 0.99),
        tally,
        cpu / wall,
        busy,
    )


def threads_for(function, argument_lists) -> list[threading.Thread]:
    threads = [threading.Thread(target=function, args=args, daemon=True) for args in argument_lists]
    for thread in threads:
        thread.start()
    return threads


def bench_get(port: int, path: str, target: str, concurrency: int, duration: float) -> Result:
    return run_level(
        target,
        concurrency,
        duration,
        lambda deadline, tally: threads_for(
            run_get, [(port, path, deadline, tally) for _ in range(concurrency)]
        ),
    )


def bench_study(
    port: int, numbers: list[str], concurrency: int, duration: float, seed: int
) -> Result:
    clients = log_in_all(port, numbers)
    active, spares = clients[:concurrency], clients[concurrency:]
    spare_lock = threading.Lock()
    result = run_level(
        "study",
        concurrency,
        duration,
        lambda deadline, tally: threads_for(
            run_study,
            [
                (client, spares, spare_lock, deadline, seed * 1000 + n, tally)
                for n, client in enumerate(active)
            ],
        ),
    )
    for client in clients:
        client.close()
    return result


# -- setup and server ------------------------------------------------------------------------


def quizapp_command(*args: str, env: dict[str, str]) -> None:
    command = [str(Path(sys.executable).parent / "quizapp"), *args]
    subprocess.run(command, check=True, cwd=ROOT, env=env, capture_output=True, text=True)


def create_database(folder: Path, employees: int) -> dict[str, str]:
    """A migrated SQLite file with the question banks and employees B0001 …; the env."""
    database = folder / "bench.sqlite3"
    env = {
        **os.environ,
        "QUIZAPP_DATABASE_URL": f"sqlite:///{database}",
        "QUIZAPP_SECRET_KEY": "bench",
    }
    quizapp_command("db", "upgrade", env=env)
    banks = sorted(str(path) for path in (ROOT / "question_bank").glob("*.md"))
    quizapp_command("bank", "import", *banks, env=env)

    from sqlalchemy import select, update

    from quizapp import create_app
    from quizapp.extensions import db
    from quizapp.models import JobRole
    from quizapp.models.types import utcnow
    from quizapp.people.service import NewPerson, create_person

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": env["QUIZAPP_DATABASE_URL"], "SECRET_KEY": "bench"}
    )
    with app.app_context():
        if db.session.scalar(select(JobRole.id).where(JobRole.name == JOB_ROLE)) is None:
            raise SystemExit(f"no job role {JOB_ROLE} after importing the banks")
        db.session.execute(update(JobRole).values(daily_new_cap=100_000))
        now = utcnow()
        for number in range(1, employees + 1):
            person, _secret = create_person(
                db.session,
                NewPerson(employee_no=f"B{number:04d}", name=f"基准{number}", job_role=JOB_ROLE),
                None,
                now,
                password=PASSWORD,
            )
            person.must_change_password = False
        db.session.commit()
        db.engine.dispose()
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_gunicorn(args, env: dict[str, str], port: int) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(args.workers),
        "--worker-class",
        args.worker_class,
        "--threads",
        str(args.threads),
        "--bind",
        f"{HOST}:{port}",
        "--chdir",
        str(ROOT),
        "--pythonpath",
        str(BENCH),
        "--log-level",
        "warning",
        "ceiling_app:app",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    for _ in range(300):  # up to 30 s
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        try:
            client = Client(port)
            status, _page, _t, _h = client.request("GET", "/bench/bare")
            client.close()
            if status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.1)
    stop(server)
    raise SystemExit("gunicorn did not answer within 30 s")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


# -- report -------------------------------------------------------------------------------------


def report(results: list[Result], args) -> None:
    print()
    print(f"Machine: {machine()}")
    print(
        f"gunicorn: --workers {args.workers} --worker-class {args.worker_class} "
        f"--threads {args.threads}; SQLite (WAL); {args.duration:g} s per row"
    )
    print()
    print(
        "| concurrency | target | requests | requests/s | p50 ms | p99 ms | errors "
        "| server cores busy | server CPU ms/request | client cores busy |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        bad = sum(n for status, n in r.tally.statuses.items() if status != 200)
        bad += sum(r.tally.errors.values())
        server = "| "
        if r.server_seconds is not None:
            per_request = 1000 * r.server_seconds / max(r.requests, 1)
            server = f"{r.server_seconds / r.seconds:.2f} | {per_request:.1f}"
        client = f"{r.client_cpu:.2f}"
        print(
            f"| {r.concurrency} | {r.target} | {r.requests:,} | {r.rate:,.0f} | "
            f"{r.p50 * 1000:.1f} | {r.p99 * 1000:.1f} | {bad} | {server} | {client} |"
        )
    print()
    for r in results:
        if r.target != "study":
            continue
        card, answer = r.tally.latencies.get("card", []), r.tally.latencies.get("answer", [])
        print(
            f"study at {r.concurrency}: GET /study/ p50 {percentile(card, 0.5) * 1000:.1f} ms "
            f"p99 {percentile(card, 0.99) * 1000:.1f} ms ({len(card)}); POST /study/answer "
            f"p50 {percentile(answer, 0.5) * 1000:.1f} ms p99 {percentile(answer, 0.99) * 1000:.1f}"
            f" ms ({len(answer)}); types {dict(r.tally.kinds)}; account switches "
            f"{r.tally.switches}, study-more fallbacks {r.tally.more}; errors "
            f"{dict(r.tally.errors) or 'none'}"
        )
    top = max(r.concurrency for r in results)
    by_target = {r.target: r for r in results if r.concurrency == top}
    if "study" in by_target and "one-write" in by_target:
        study, ceiling = by_target["study"], by_target["one-write"]
        throughput = study.rate / ceiling.rate
        tail = study.p99 / ceiling.p99 if ceiling.p99 else float("inf")
        print()
        print(
            f"At {top} concurrent: study loop / one-write ceiling throughput = {throughput:.2f} "
            f"(target >= 0.80: {'met' if throughput >= 0.8 else 'MISSED'}); p99 ratio = "
            f"{tail:.2f} (target <= 1.5: {'met' if tail <= 1.5 else 'MISSED'})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per row")
    parser.add_argument("--levels", default="1,8,32", help="concurrency levels, comma-separated")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--warmup", type=float, default=8.0, help="seconds of warm-up")
    parser.add_argument("--targets", default="bare,one-write,study")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    levels = [int(level) for level in args.levels.split(",")]
    targets = args.targets.split(",")
    warm_users = 8

    spares, warm_spares = spares_for(args.duration), spares_for(args.warmup)
    accounts = warm_users + warm_spares + sum(c + spares for c in levels)
    folder = Path(tempfile.mkdtemp(prefix="quizapp-bench-"))
    server = None
    try:
        started = time.perf_counter()
        env = create_database(folder, accounts)
        print(f"database: {accounts} employees ({time.perf_counter() - started:.1f} s)")
        port = free_port()
        server = start_gunicorn(args, env, port)
        SERVER.append(server.pid)
        numbers = [f"B{n:04d}" for n in range(1, accounts + 1)]
        one_write = f"/bench/one-write?employees={accounts}"

        # Warm-up: every worker renders each page and loads jieba before anything counts.
        take = warm_users + warm_spares
        bench_study(port, numbers[:take], warm_users, args.warmup, args.seed)
        bench_get(port, one_write, "one-write", warm_users, 1.0)
        numbers = numbers[take:]
        print(f"warm-up done ({time.perf_counter() - started:.1f} s)")

        results = []
        for concurrency in levels:
            take = concurrency + spares
            mine, numbers = numbers[:take], numbers[take:]
            for target in targets:
                if target == "bare":
                    result = bench_get(port, "/bench/bare", target, concurrency, args.duration)
                elif target == "one-write":
                    result = bench_get(port, one_write, target, concurrency, args.duration)
                else:
                    result = bench_study(port, mine, concurrency, args.duration, args.seed)
                results.append(result)
                print(
                    f"  {concurrency:>3} {target:<10} {result.rate:8.0f} req/s  "
                    f"p50 {result.p50 * 1000:6.1f} ms  p99 {result.p99 * 1000:6.1f} ms",
                    flush=True,
                )
        report(results, args)
        print(f"\ntotal {time.perf_counter() - started:.0f} s")
    finally:
        if server is not None:
            stop(server)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
