"""Simulated learners under each scheduling policy, up to go-live and 30 days after.

    .venv/bin/python bench/srs_simulation.py [--learners 120] [--seed 20250301] [--jobs 2]

Each simulated employee gets 100-200 items (10 % red-line), 14-21 study days before
go-live, a personal time-of-day habit (drifting ~10 minutes earlier each day, varying by
hours, regular, or night owl past midnight) and skips 0-15 % of days. Their memory is
NOT fsrs's: the forgetting curve R(t) = (1 + c_b t / S) ** -b has a personal shape
b in [0.3, 3] (fsrs assumes 0.154), initial stability and growth vary per person and item,
and a successful review multiplies S by 1 + 3 A (1 - R) ** 0.6 (1 - exp(-t / 0.5 d)):
low recall at review time helps (spacing), a review minutes after the last one adds
little (consolidation needs time; fsrs's fitted same-day weights say the same), a lapse
drops S to max(S0, 0.3 S). New items are known beforehand with probability p0 (~0.26).

Every policy introduces new items at the same pace (the role's cap, 20/day, raised to meet
go-live) and shows one immediate retry after a wrong answer, except the fsrs-default-steps
trap, which uses fsrs's own 1 min / 10 min (re)learning steps instead. Ratings are GOOD
for a correct answer and AGAIN for a wrong one.

Reported per policy, averaged over learners (true recall from the learner model):
  training   mean recall of all required items at each study day's start, before studying
  go-live    mean recall at 09:00 on go-live day; weak = share of items under 80 %
  +30 d      mean recall 30 days after go-live, with no study after go-live
  reviews    answers given before go-live, per learner (retries and steps included)

The trap multipliers compare each trap with our policy at equal go-live recall: our policy
is run at several desired retentions and its review count interpolated at the trap's recall.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import random
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

import numpy as np

from quizapp.srs import (
    AGAIN,
    GOOD,
    REVIEW,
    MemoryState,
    RoleSettings,
    apply_answer,
    new_cap_today,
    plan_session,
    should_retry,
)
from quizapp.srs.scheduler import FSRS_DEFAULT_STEPS, NAIVE_ELAPSED, OURS, Variant

DAY = 86400.0
SETTINGS = RoleSettings()
START = date(2025, 3, 3)  # first study day of every learner
EPOCH = datetime.combine(START, datetime.min.time(), tzinfo=SETTINGS.zone).astimezone(UTC)
CARD_SECONDS = 20
RETRY_SECONDS = 30
CONSOLIDATION_DAYS = 0.5
CRAM_DAYS = 3
GROWTH = 8.0


# --- the population ------------------------------------------------------------------


@dataclass(frozen=True)
class Learner:
    """One simulated employee; everything random about them is drawn from ``seed``."""

    seed: int
    habit: str  # drift | varying | regular | night
    n_items: int
    red_line: frozenset[int]
    days: int  # study days before go-live
    b: float  # forgetting-curve shape
    s0: np.ndarray  # stability after first sight, per item (days)
    known_s0: np.ndarray  # stability if already known at first sight
    growth: np.ndarray  # A per item
    p0: np.ndarray  # prior knowledge per item
    hours: tuple[float, ...]  # local study hour per study day (may exceed 24)
    skips: frozenset[int]  # study-day indexes skipped

    @property
    def go_live(self) -> date:
        return START + timedelta(days=self.days)


def make_learner(seed: int) -> Learner:
    rng = np.random.default_rng(seed)
    n_items = int(rng.integers(100, 201))
    days = int(rng.integers(14, 22))
    b = float(math.exp(rng.uniform(math.log(0.3), math.log(3.0))))
    person_s0 = rng.lognormal(0.0, 0.35)
    person_growth = rng.lognormal(0.0, 0.35)
    item_s0 = rng.lognormal(0.0, 0.5, n_items)
    s0 = 0.25 * person_s0 * item_s0
    known_s0 = s0 * 8
    growth = person_growth * rng.lognormal(0.0, 0.35, n_items)
    p0 = rng.beta(1.2, 3.5, n_items)
    red = rng.choice(n_items, size=max(1, n_items // 10), replace=False)
    habit = rng.choice(["drift", "varying", "regular", "night"], p=[0.35, 0.4, 0.15, 0.1])
    hours = []
    base = float(rng.uniform(8.0, 21.0))
    drift = base + 3.5
    for _ in range(days + 1):
        if habit == "drift":  # 6-15 minutes earlier every day, as in the issue
            drift -= rng.uniform(0.1, 0.25)
            hour = drift
        elif habit == "varying":
            hour = base + rng.normal(0.0, 1.5)
        elif habit == "regular":
            hour = base + rng.normal(0.0, 0.15)
        else:  # night owl: 22:00 to 03:00, i.e. partly after midnight
            hour = rng.uniform(22.0, 27.0)
        hours.append(float(min(max(hour, 5.0), 27.5)))
    skip_p = rng.uniform(0.0, 0.15)
    skips = frozenset(int(k) for k in range(days) if rng.random() < skip_p)
    return Learner(
        seed=seed,
        habit=str(habit),
        n_items=n_items,
        red_line=frozenset(int(i) for i in red),
        days=days,
        b=b,
        s0=s0,
        known_s0=known_s0,
        growth=growth,
        p0=p0,
        hours=tuple(hours),
        skips=skips,
    )


def local_time(day_index: int, hour: float) -> datetime:
    """Aware UTC time of ``hour`` (local, may exceed 24) on study day ``day_index``."""
    midnight = datetime.combine(START + timedelta(days=day_index), datetime.min.time())
    local = (midnight + timedelta(hours=hour)).replace(tzinfo=SETTINGS.zone)
    return local.astimezone(UTC)


def days_since_epoch(moment: datetime) -> float:
    return (moment - EPOCH).total_seconds() / DAY


class Memory:
    """The learner's true memory: the model the policies do not know."""

    def __init__(self, learner: Learner, rng: random.Random) -> None:
        self.learner = learner
        self.rng = rng
        self.c = 0.9 ** (-1.0 / learner.b) - 1.0
        self.stability = np.ones(learner.n_items)
        self.last = np.zeros(learner.n_items)
        self.seen = np.zeros(learner.n_items, dtype=bool)

    def recall_all(self, t: float) -> np.ndarray:
        elapsed = np.maximum(t - self.last, 0.0)
        curve = (1.0 + self.c * elapsed / self.stability) ** -self.learner.b
        return np.where(self.seen, curve, self.learner.p0)

    def answer(self, item: int, t: float) -> bool:
        """The learner answers ``item`` at ``t`` (days); memory updates. True if correct."""
        lr = self.learner
        if not self.seen[item]:
            correct = self.rng.random() < lr.p0[item]
            self.stability[item] = lr.known_s0[item] if correct else lr.s0[item]
            self.seen[item] = True
            self.last[item] = t
            return correct
        elapsed = max(t - self.last[item], 0.0)
        s = self.stability[item]
        recall = (1.0 + self.c * elapsed / s) ** -lr.b
        correct = self.rng.random() < recall
        if correct:
            spacing = 1.0 - math.exp(-elapsed / CONSOLIDATION_DAYS)
            s *= 1.0 + GROWTH * lr.growth[item] * s**-0.15 * (1.0 - recall) ** 0.6 * spacing
        else:
            s = max(lr.s0[item], 0.3 * s)
        self.stability[item] = s
        self.last[item] = t
        return correct


# --- policies --------------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """One policy to simulate."""

    name: str
    kind: str  # fsrs | sm2 | leitner | drill | cram
    retention: float = 0.9
    variant: Variant = OURS
    go_live_window: int = 2
    go_live_target: float | None = None
    retry: bool = True


class Run:
    """One learner under one policy: the shared bookkeeping of every kind of policy."""

    def __init__(self, learner: Learner, spec: Spec) -> None:
        self.learner = learner
        self.spec = spec
        self.memory = Memory(learner, random.Random(learner.seed * 7 + 1))
        self.reviews = 0
        self.training: list[float] = []

    def answer(self, item: int, moment: datetime) -> bool:
        self.reviews += 1
        return self.memory.answer(item, days_since_epoch(moment))

    def retry(self, item: int, moment: datetime) -> datetime:
        """The one immediate retry after a wrong answer; returns the time after it."""
        moment += timedelta(seconds=RETRY_SECONDS)
        self.answer(item, moment)
        return moment

    def measure_training(self, moment: datetime) -> None:
        self.training.append(float(self.memory.recall_all(days_since_epoch(moment)).mean()))

    def new_order(self) -> list[int]:
        red = sorted(self.learner.red_line)
        return red + [i for i in range(self.learner.n_items) if i not in self.learner.red_line]


def run_fsrs(learner: Learner, spec: Spec) -> Run:
    """Our planner and adapter (or a trap variant of the adapter)."""
    run = Run(learner, spec)
    settings = replace(SETTINGS, desired_retention=spec.retention)
    states: dict[int, MemoryState] = {}
    required = list(range(learner.n_items))
    for k in range(learner.days):
        now = local_time(k, learner.hours[k])
        run.measure_training(now)
        if k in learner.skips:
            continue
        introduced = 0
        end_of_day = local_time(k, 28.0)
        while now < end_of_day:
            plan = plan_session(
                states,
                required,
                learner.red_line,
                now,
                settings,
                learner.go_live,
                introduced,
                go_live_window=spec.go_live_window,
                go_live_target=spec.go_live_target,
            )
            if plan.is_empty:
                pending = [s.due for s in states.values() if s.state != REVIEW and s.due > now]
                if not pending or min(pending) >= end_of_day:
                    break
                now = min(pending)  # come back for a same-day learning step
                continue
            for card in plan.cards:
                item = card.item_id
                state = states.get(item) or MemoryState.new(item, now)
                correct = run.answer(item, now)
                rating = GOOD if correct else AGAIN
                states[item], _ = apply_answer(state, rating, now, settings, variant=spec.variant)
                introduced += card.is_new
                if spec.retry and should_retry(correct, is_retry=False):
                    now = run.retry(item, now)
                now += timedelta(seconds=CARD_SECONDS)
    return run


def run_classic(learner: Learner, spec: Spec, update: Callable, first_due: int = 1) -> Run:
    """A day-based schedule: items due today (by study day) plus new items at the cap."""
    run = Run(learner, spec)
    due: dict[int, int] = {}  # item -> study-day index when due
    memo: dict[int, tuple] = {}  # per-policy state per item
    order = run.new_order()
    introduced_total = 0
    for k in range(learner.days):
        now = local_time(k, learner.hours[k])
        run.measure_training(now)
        if k in learner.skips:
            continue
        if spec.kind == "cram":
            todo = list(range(learner.n_items)) if k >= learner.days - CRAM_DAYS else []
        else:
            todo = sorted(i for i, d in due.items() if d <= k)
            cap = new_cap_today(
                learner.n_items - introduced_total, START + timedelta(days=k), SETTINGS,
                learner.go_live,
            )  # fmt: skip
            fresh = order[introduced_total : introduced_total + cap]
            introduced_total += len(fresh)
            todo += fresh
        for item in todo:
            correct = run.answer(item, now)
            memo[item], interval = update(memo.get(item), correct)
            due[item] = k + interval
            if spec.retry and not correct:
                now = run.retry(item, now)
            now += timedelta(seconds=CARD_SECONDS)
    return run


def sm2(memo: tuple | None, correct: bool) -> tuple[tuple, int]:
    """SuperMemo-2: quality 4 for a correct answer, 1 for a wrong one."""
    reps, ease, interval = memo or (0, 2.5, 0)
    quality = 4 if correct else 1
    ease = max(1.3, ease + 0.1 - (5 - quality) * (0.08 + (5 - quality) * 0.02))
    if not correct:
        reps, interval = 0, 1
    else:
        reps += 1
        interval = 1 if reps == 1 else 6 if reps == 2 else round(interval * ease)
    return (reps, ease, interval), interval


LEITNER = (1, 2, 4, 8, 16)


def leitner(memo: tuple | None, correct: bool) -> tuple[tuple, int]:
    """Five boxes, 1/2/4/8/16 days; correct moves up a box, wrong back to box 1."""
    box = (memo or (-1,))[0]
    box = min(box + 1, len(LEITNER) - 1) if correct else 0
    return (box,), LEITNER[box]


def every_day(memo: tuple | None, correct: bool) -> tuple[tuple, int]:
    return (), 1


def simulate(task: tuple[Spec, int]) -> dict[str, float]:
    spec, seed = task
    learner = make_learner(seed)
    if spec.kind == "fsrs":
        run = run_fsrs(learner, spec)
    else:
        update = {"sm2": sm2, "leitner": leitner, "drill": every_day, "cram": every_day}
        run = run_classic(learner, spec, update[spec.kind])
    go_live = local_time(learner.days, 9.0)
    at_go_live = run.memory.recall_all(days_since_epoch(go_live))
    later = run.memory.recall_all(days_since_epoch(go_live + timedelta(days=30)))
    return {
        "training": float(np.mean(run.training)),
        "go_live": float(at_go_live.mean()),
        "weak": float((at_go_live < 0.8).mean()),
        "later": float(later.mean()),
        "reviews": float(run.reviews),
        "per_item": run.reviews / learner.n_items,
        "drift": float(learner.habit == "drift"),
    }


# --- the experiment -------------------------------------------------------------------

CURVE = (0.8, 0.85, 0.9, 0.93, 0.95, 0.97)


def specs() -> list[Spec]:
    """The policies; the traps and the retention curve run without the go-live refresh."""
    bare = {"go_live_window": 0}
    out = [
        Spec("our policy", "fsrs"),
        Spec("  ours, refresh to 0.9 only", "fsrs", go_live_target=0.9),
        Spec("  ours, refresh last day only", "fsrs", go_live_window=1),
        Spec("  ours, no retry", "fsrs", retry=False),
        Spec("  no refresh, no retry", "fsrs", retry=False, **bare),
    ]
    out += [Spec(curve_name(r), "fsrs", retention=r, **bare) for r in CURVE]
    out += [
        Spec("trap 1: naive 24h elapsed", "fsrs", variant=NAIVE_ELAPSED, **bare),
        Spec("trap 2: fsrs default steps", "fsrs", variant=FSRS_DEFAULT_STEPS, retry=False, **bare),
        Spec("SM-2", "sm2"),
        Spec("Leitner 1-2-4-8-16", "leitner"),
        Spec("daily drilling", "drill"),
        Spec(f"cramming (last {CRAM_DAYS} days)", "cram"),
    ]
    return out


def curve_name(retention: float) -> str:
    return f"  no refresh, retention {retention}"


def equal_recall_reviews(curve: list[tuple[float, float]], recall: float) -> float:
    """Reviews our policy needs for ``recall`` (linear interpolation along the curve)."""
    curve = sorted(curve)
    if recall <= curve[0][0]:
        (r0, v0), (r1, v1) = curve[0], curve[1]
    elif recall >= curve[-1][0]:
        (r0, v0), (r1, v1) = curve[-2], curve[-1]
    else:
        (r0, v0), (r1, v1) = next(
            (a, b) for a, b in zip(curve, curve[1:], strict=False) if a[0] <= recall <= b[0]
        )
    return v0 + (v1 - v0) * (recall - r0) / (r1 - r0)


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=120)
    parser.add_argument("--seed", type=int, default=20250301)
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    args = parser.parse_args()

    started = time.perf_counter()
    seeds = [args.seed + n for n in range(args.learners)]
    all_specs = specs()
    tasks = [(spec, seed) for spec in all_specs for seed in seeds]
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(simulate, tasks, chunksize=8))
    by_spec = {
        spec.name: results[index * len(seeds) : (index + 1) * len(seeds)]
        for index, spec in enumerate(all_specs)
    }
    elapsed = time.perf_counter() - started

    def summary(rows: list[dict[str, float]]) -> dict[str, float]:
        return {key: float(np.mean([r[key] for r in rows])) for key in rows[0]}

    table = {name: summary(rows) for name, rows in by_spec.items()}
    ours = table["our policy"]
    curve_names = {r: curve_name(r) for r in CURVE}
    plain = [(table[n]["go_live"], table[n]["reviews"]) for n in curve_names.values()]
    print(
        f"{args.learners} learners, seed {args.seed}, {args.jobs} jobs, {elapsed:.0f} s; "
        f"{os.cpu_count()} CPUs, {cpu_model()}, Python {platform.python_version()}"
    )
    print()
    print(
        "| policy | training | go-live | weak <80% | +30 d | reviews | per item | vs ours "
        "| vs plain fsrs at equal go-live recall |"
    )
    print("|" + "---|" * 9)
    for name, row in table.items():
        ratio = row["reviews"] / ours["reviews"]
        equal = row["reviews"] / equal_recall_reviews(plain, row["go_live"])
        print(
            f"| {name.strip()} | {row['training']:.3f} | {row['go_live']:.3f} | "
            f"{row['weak']:.1%} | {row['later']:.3f} | {row['reviews']:.0f} | "
            f"{row['per_item']:.1f} | {ratio:.2f}x | {equal:.2f}x |"
        )
    print()
    print("Trap multipliers: trap reviews / reviews our policy needs for the trap's go-live recall")
    print("(traps and our policy without the go-live refresh; ours run at desired retention")
    print(" " + ", ".join(map(str, CURVE)) + " and interpolated)")
    groups = {
        "all learners": lambda r: True,
        "drifting earlier each day": lambda r: r["drift"] == 1.0,
        "other habits": lambda r: r["drift"] == 0.0,
    }
    for group, keep in groups.items():
        picked = {name: [r for r in rows if keep(r)] for name, rows in by_spec.items()}
        sub = {name: summary(rows) for name, rows in picked.items() if rows}
        if len(sub) < len(table):
            continue
        curve = [(sub[n]["go_live"], sub[n]["reviews"]) for n in curve_names.values()]
        count = len(picked["our policy"])
        for name in ("trap 1: naive 24h elapsed", "trap 2: fsrs default steps"):
            row = sub[name]
            base = sub[curve_name(0.9)]
            needed = equal_recall_reviews(curve, row["go_live"])
            print(
                f"- {group} ({count}), {name}: go-live {row['go_live']:.3f} with "
                f"{row['reviews']:.0f} reviews; ours at 0.9: {base['go_live']:.3f} with "
                f"{base['reviews']:.0f} (raw {row['reviews'] / base['reviews']:.2f}x); "
                f"ours needs {needed:.0f} for the trap's recall -> {row['reviews'] / needed:.2f}x"
            )
        no_retry = sub["  no refresh, no retry"]
        steps = sub["trap 2: fsrs default steps"]
        print(
            f"- {group} ({count}), trap 2 vs ours without the retry (go-live "
            f"{no_retry['go_live']:.3f}, {no_retry['reviews']:.0f} reviews): "
            f"{steps['reviews'] / no_retry['reviews']:.2f}x"
        )


if __name__ == "__main__":
    main()
