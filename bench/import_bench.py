"""A 5,000-row roster import under gunicorn while other people study and log in.

    .venv/bin/python bench/import_bench.py [--rows 5000] [--studying 6] [--logging-in 2]

One run, about two minutes:
  1. A fresh SQLite file (as bench/study_loop_bench.py makes it) with employees who study
     and one HR account; gunicorn with 4 sync workers and its default 30 s timeout.
  2. Baseline: --studying employees loop card → answer, --logging-in clients loop
     login → logout, for --baseline seconds.
  3. The same load again while HR uploads a --rows roster (/hr/import, the preview) and
     confirms it (/hr/import/confirm, which creates every account). The load runs from
     the upload to the end of the confirmation.
  4. A table: each phase's requests, errors and p50/p99 of cards, answers and logins, and
     the two import requests' status and time. Targets: both import requests answer 200
     within gunicorn's 30 s; no error for anyone else; during the import, p99 of the
     others' requests within the busy timeout (10 s), reported as a ratio to the baseline.

Only 127.0.0.1 is contacted; gunicorn is stopped and the folder removed at the end.
Figures: docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import tempfile
import threading
import time
from pathlib import Path

from machine import machine
from study_loop_bench import (
    LOGIN_CSRF,
    PASSWORD,
    Client,
    Tally,
    create_database,
    free_port,
    log_in_all,
    percentile,
    run_study,
    start_gunicorn,
    stop,
)

HR_NUMBER = "BHR01"
PAYLOAD = re.compile(r'name="payload" type="hidden" value="([^"]+)"')
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def add_hr(env: dict[str, str]) -> None:
    from quizapp import create_app
    from quizapp.extensions import db
    from quizapp.models.types import utcnow
    from quizapp.people.service import NewPerson, create_person

    app = create_app({"SQLALCHEMY_DATABASE_URI": env["QUIZAPP_DATABASE_URL"], "SECRET_KEY": "b"})
    with app.app_context():
        person, _ = create_person(
            db.session,
            NewPerson(employee_no=HR_NUMBER, name="基准人事", roles=frozenset({"hr"})),
            None,
            utcnow(),
            password=PASSWORD,
        )
        person.must_change_password = False
        db.session.commit()
        db.engine.dispose()


def roster(rows: int) -> bytes:
    lines = ["工号,姓名,岗位,项目"]
    lines += [f"N{n:05d},新员工{n},客服前台,基准项目{n % 7}" for n in range(rows)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def multipart(fields: dict[str, str], filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = "quizappbenchboundary"
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    parts.append(
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'
        ).encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def run_logins(port: int, number: str, stop_event: threading.Event, out: Tally) -> None:
    """Log in and out in a loop, as people arriving for a shift do."""
    tally = Tally()
    while not stop_event.is_set():
        client = Client(port)
        try:
            _s, page, _t, _h = client.request("GET", "/login")
            token = LOGIN_CSRF.search(page)[1]
            form = [("employee_no", number), ("password", PASSWORD), ("csrf_token", token)]
            status, _page, elapsed, headers = client.request("POST", "/login", form)
            tally.latencies.setdefault("login", []).append(elapsed)
            tally.statuses[status] += 1
            if status != 302 or "/login" in headers.get("Location", "/login"):
                tally.errors[f"login {status}"] += 1
                continue
            _s, page, _t, _h = client.request("GET", "/password")
            token = CSRF.search(page)[1]
            status, _page, _t, _h = client.request("POST", "/logout", [("csrf_token", token)])
            if status != 302:
                tally.errors[f"logout {status}"] += 1
        except Exception as exc:  # noqa: BLE001 - counted and reported
            tally.errors[type(exc).__name__] += 1
        finally:
            client.close()
    out.add(tally)


def load(port: int, studying: list[Client], login_numbers: list[str], stop_event, seed: int):
    """Start the load threads; they run until stop_event is set (study: a far deadline)."""
    tally = Tally()
    deadline = time.perf_counter() + 3600
    threads = []
    for n, client in enumerate(studying):

        def study(client=client, n=n) -> None:
            # run_study stops at its deadline; loop it in short slices to watch stop_event.
            while not stop_event.is_set():
                run_study(
                    client,
                    [],
                    threading.Lock(),
                    min(deadline, time.perf_counter() + 1),
                    seed + n,
                    tally,
                )

        threads.append(threading.Thread(target=study))
    for number in login_numbers:
        threads.append(threading.Thread(target=run_logins, args=(port, number, stop_event, tally)))
    for thread in threads:
        thread.start()
    return tally, threads


def summary(tally: Tally) -> dict[str, str]:
    row = {}
    for name in ("card", "answer", "login"):
        values = tally.latencies.get(name, [])
        row[name] = (
            f"{len(values)} · p50 {percentile(values, 0.5) * 1000:.0f} ms · "
            f"p99 {percentile(values, 0.99) * 1000:.0f} ms"
            if values
            else "—"
        )
    row["errors"] = ", ".join(f"{k} {v}" for k, v in tally.errors.items()) or "none"
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--studying", type=int, default=6)
    parser.add_argument("--logging-in", type=int, default=2)
    parser.add_argument("--baseline", type=float, default=20.0, help="seconds of baseline load")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    args.workers, args.worker_class, args.threads = 4, "sync", 1

    folder = Path(tempfile.mkdtemp(prefix="quizapp-import-bench-"))
    server = None
    try:
        accounts = 2 * args.studying + 2 * args.logging_in
        env = create_database(folder, accounts)
        add_hr(env)
        port = free_port()
        server = start_gunicorn(args, env, port)
        numbers = [f"B{n:04d}" for n in range(1, accounts + 1)]
        results = {}
        imported = {}
        for phase in ("baseline", "during import"):
            offset = 0 if phase == "baseline" else args.studying + args.logging_in
            studying = log_in_all(port, numbers[offset : offset + args.studying])
            logins = numbers[offset + args.studying : offset + args.studying + args.logging_in]
            stop_event = threading.Event()
            tally, threads = load(port, studying, logins, stop_event, args.seed)
            started = time.perf_counter()
            if phase == "baseline":
                time.sleep(args.baseline)
            else:
                imported = import_roster(port, roster(args.rows))
            stop_event.set()
            for thread in threads:
                thread.join()
            results[phase] = (summary(tally), time.perf_counter() - started, tally)

        print(f"machine: {machine()}")
        print("gunicorn: --workers 4 --worker-class sync (default 30 s timeout); SQLite (WAL)")
        print(
            f"roster: {args.rows} rows; load: {args.studying} studying, {args.logging_in} logging in"
        )
        print()
        print("| phase | seconds | cards | answers | logins | errors |")
        print("|---|---:|---|---|---|---|")
        for phase, (row, seconds, _tally) in results.items():
            print(
                f"| {phase} | {seconds:.1f} | {row['card']} | {row['answer']} | {row['login']} "
                f"| {row['errors']} |"
            )
        print()
        print("| import request | status | seconds |")
        print("|---|---:|---:|")
        for name, (status, seconds) in imported.items():
            print(f"| {name} | {status} | {seconds:.1f} |")
        base = results["baseline"][2].all_latencies()
        during = results["during import"][2].all_latencies()
        if base and during:
            ratio = percentile(during, 0.99) / percentile(base, 0.99)
            print()
            print(
                f"p99 of everyone else's requests: {percentile(base, 0.99) * 1000:.0f} ms "
                f"baseline, {percentile(during, 0.99) * 1000:.0f} ms during the import "
                f"({ratio:.1f}×)"
            )
    finally:
        if server is not None:
            stop(server)
        shutil.rmtree(folder, ignore_errors=True)


def import_roster(port: int, content: bytes) -> dict[str, tuple[int, float]]:
    """HR uploads the roster, then confirms the preview: each request's status and time."""
    hr = log_in_all(port, [HR_NUMBER])[0]
    _s, page, _t, _h = hr.request("GET", "/hr/import")
    token = CSRF.search(page)[1]
    body, content_type = multipart({"csrf_token": token}, "roster.csv", content)
    status, page, preview_seconds, _h = raw_post(hr, "/hr/import", body, content_type)
    found = PAYLOAD.search(page)
    result = {"upload and preview": (status, preview_seconds)}
    if found is None:
        raise SystemExit(f"no confirmation form in the preview ({status}): {page[:500]}")
    form = [("csrf_token", token), ("payload", html.unescape(found[1]))]
    status, page, seconds, _h = hr.request("POST", "/hr/import/confirm", form)
    result["confirm (creates the accounts)"] = (status, seconds)
    if status != 200:
        raise SystemExit(f"the import failed ({status}): {page[:500]}")
    return result


def raw_post(client: Client, path: str, body: bytes, content_type: str):
    headers = {"Content-Type": content_type, "User-Agent": "quizapp-bench"}
    headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    start = time.perf_counter()
    client.conn.request("POST", path, body=body, headers=headers)
    response = client.conn.getresponse()
    data = response.read().decode("utf-8", "replace")
    elapsed = time.perf_counter() - start
    if response.will_close:
        client.conn.close()
    return response.status, data, elapsed, dict(response.headers)


if __name__ == "__main__":
    main()
