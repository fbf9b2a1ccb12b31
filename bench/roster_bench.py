"""How fast hostile roster files are refused, against reading an ordinary full roster.

The roster tests check *that* a million-row sheet or a zip bomb is refused and *where* the
reader stopped (the first row past the limit, or the zip directory); this script measures
*how fast*, as a ratio to reading and validating a valid 5,000-row XLSX in the same run,
since these machines are too noisy for absolute timings in tests.

    .venv/bin/python bench/roster_bench.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from machine import machine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quizapp.roster import (  # noqa: E402
    RosterError,
    RosterLimits,
    read_roster,
    read_xlsx,
    validate_roster,
)
from tests.roster.util import (  # noqa: E402
    JOB_ROLES,
    SITES,
    TRAINERS,
    good_row,
    million_rows,
    raw_xlsx,
    xlsx_bytes,
    zip_bomb,
)


def best_of(repeat: int, function) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


# Zip limits relaxed, so that the sheet's own checks (dimension, streamed row count) refuse.
RELAXED = RosterLimits(max_entry_bytes=10**9, max_total_bytes=10**9, max_ratio=10**6)


def refused(data: bytes, relaxed: bool):
    def run() -> None:
        try:
            if relaxed:
                read_xlsx(data, RELAXED)
            else:
                read_roster(data, "big.xlsx")
        except RosterError:
            return
        raise AssertionError("the file was not refused")

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    valid = xlsx_bytes([good_row(f"A{i:04d}") for i in range(5000)])

    def read_valid() -> None:
        preview = validate_roster(
            read_roster(valid, "roster.xlsx"), JOB_ROLES, SITES, set(), TRAINERS
        )
        assert preview.ok

    declared = raw_xlsx(million_rows(dimension=True))
    undeclared = raw_xlsx(million_rows(dimension=False))
    empty = raw_xlsx(million_rows(dimension=False, filled=False))
    cases = {
        "million rows, declared dimension": (declared, False),
        "million rows, no dimension": (undeclared, False),
        "million empty rows": (empty, False),
        "zip bomb, 64 MiB entry": (zip_bomb(64 * 1024 * 1024), False),
        "million rows, declared dimension, zip limits off": (declared, True),
        "million rows, no dimension, zip limits off": (undeclared, True),
        "million empty rows, zip limits off": (empty, True),
    }
    baseline = best_of(args.repeat, read_valid)
    print(f"machine: {machine()}")
    print(f"best of {args.repeat}")
    print("| file | size | time | ratio to a valid 5,000-row roster |")
    print("|---|---:|---:|---:|")
    print(
        f"| valid roster, 5,000 rows (read and checked) | {len(valid) / 1024:.0f} KiB "
        f"| {baseline * 1000:.0f} ms | 1.00 |"
    )
    for name, (data, relaxed) in cases.items():
        seconds = best_of(args.repeat, refused(data, relaxed))
        print(
            f"| {name} (refused) | {len(data) / 1024:.0f} KiB | {seconds * 1000:.1f} ms "
            f"| {seconds / baseline:.4f} |"
        )


if __name__ == "__main__":
    main()
