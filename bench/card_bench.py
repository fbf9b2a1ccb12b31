"""What one card page, one answer and one exam start cost inside the app, alone: the
Flask test client in-process on the load test's database (bench/load_setup.py: every
bank of question_bank/, 326 items for one job role, a go-live date, a one-minute exam).

    .venv/bin/python bench/card_bench.py                # 150 card + answer pairs
    .venv/bin/python bench/card_bench.py --pairs 300 --exam-starts 39

After 8 warm-up pairs, one employee fetches the next card (``/study/?more=1&new=1``) and
answers it with a random answer read from the card's form, as bench/load.py's people do;
then ``--exam-starts`` other employees start the exam and open their paper. Prints the
median and mean wall time and CPU time of each (milliseconds). CSRF is off (the load
test sends the token; its check is not what is measured here).

The app is imported from this file's checkout (the folder above bench/), so an older
checkout's copy of this script measures that checkout: A/B/A in one sitting.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from load_client import read_form  # noqa: E402
from load_setup import PASSWORD, populate  # noqa: E402
from machine import machine  # noqa: E402


def timed(call):
    wall, cpu = time.perf_counter(), time.process_time()
    result = call()
    return result, 1000 * (time.perf_counter() - wall), 1000 * (time.process_time() - cpu)


def summary(name: str, rows: list[tuple[float, float]]) -> str:
    walls, cpus = [r[0] for r in rows], [r[1] for r in rows]
    return (
        f"{name}: wall median {statistics.median(walls):.1f} mean {statistics.mean(walls):.1f}"
        f" ms; CPU median {statistics.median(cpus):.1f} mean {statistics.mean(cpus):.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=150)
    parser.add_argument("--exam-starts", type=int, default=39)
    args = parser.parse_args()
    from werkzeug.datastructures import MultiDict

    from quizapp import create_app

    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.sqlite3"
        info = populate(url, 1 + args.exam_starts, args.exam_starts)
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False})

        def client_of(number: str):
            client = app.test_client()
            form = {"employee_no": number, "password": PASSWORD}
            assert client.post("/login", data=form).status_code == 302
            return client

        [student, *takers] = [client_of(number) for number in info["numbers"]]

        def pair():
            page, card_ms, card_cpu = timed(lambda: student.get("/study/?more=1&new=1"))
            action, _kind, fields = read_form(page.get_data(as_text=True), rng)
            answered, answer_ms, answer_cpu = timed(
                lambda: student.post(action, data=MultiDict(fields))
            )
            assert page.status_code == answered.status_code == 200
            return (card_ms, card_cpu), (answer_ms, answer_cpu)

        for _ in range(8):
            pair()
        pairs = [pair() for _ in range(args.pairs)]
        starts, papers = [], []
        for client in takers:
            started, ms, cpu = timed(lambda c=client: c.post(f"/exam/{info['exam_id']}/start"))
            assert started.status_code == 302, started.status_code
            starts.append((ms, cpu))
            paper, ms, cpu = timed(lambda c=client, s=started: c.get(s.headers["Location"]))
            assert paper.status_code == 200
            papers.append((ms, cpu))
    print(f"{machine()}; {ROOT}")
    print(summary(f"card page ({args.pairs})", [p[0] for p in pairs]))
    print(summary(f"answer ({args.pairs})", [p[1] for p in pairs]))
    if starts:
        print(summary(f"exam start ({len(starts)})", starts))
        print(summary(f"exam paper ({len(papers)})", papers))


if __name__ == "__main__":
    main()
