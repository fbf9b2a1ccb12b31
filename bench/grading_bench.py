"""Per-answer speed of the key-point grader over the labelled set.

    .venv/bin/python bench/grading_bench.py [--repeat 20]

Measures, in a fresh process:
  warm-up   the one-off cost of grading.warm_up(): importing jieba, rapidfuzz, OpenCC and
            pypinyin, loading jieba's dictionary, exercising the grader once
  per answer  grade_key_points() on every answer of tests/data/grading/keypoints.jsonl,
            --repeat passes after warm-up; median, p99 and max of single-answer times.
            The first pass also pays for preparing each item's key points (cached per
            process, as a web worker would); it is reported separately.
Target (issue 5): under 5 ms per typed answer after warm-up.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT / "tests" / "data" / "grading" / "keypoints.jsonl"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="passes over the labelled set")
    args = parser.parse_args()

    records = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]

    started = time.perf_counter()
    from quizapp.grading import grade_key_points, warm_up

    warm_up()
    warm_ms = (time.perf_counter() - started) * 1000

    def one_pass() -> list[float]:
        times = []
        for r in records:
            t0 = time.perf_counter()
            grade_key_points(r["key_points"], r["answer"], r["synonyms"], question=r["question"])
            times.append((time.perf_counter() - t0) * 1000)
        return times

    first = one_pass()
    times: list[float] = []
    for _ in range(args.repeat):
        times.extend(one_pass())

    key_points = sum(len(r["key_points"]) for r in records)
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {cpu_model()}")
    print(f"python {platform.python_version()}; {len(records)} answers, {key_points} key points")
    print(f"warm-up (imports + dictionaries, once per process): {warm_ms:.0f} ms")
    print(
        f"first pass (prepares each item's key points): median {statistics.median(first):.2f} ms, "
        f"max {max(first):.2f} ms"
    )
    print(
        f"per answer after warm-up ({len(times)} gradings): median {statistics.median(times):.2f} ms, "
        f"p99 {percentile(times, 0.99):.2f} ms, max {max(times):.2f} ms"
    )
    target = "met" if percentile(times, 0.99) < 5 else "NOT met"
    print(f"target under 5 ms per answer (p99): {target}")


if __name__ == "__main__":
    main()
