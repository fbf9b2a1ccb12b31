"""Simulated learners under each scheduling policy, up to go-live and 30 days after.

    .venv/bin/python bench/srs_simulation.py [--learners 120] [--seed 20250301] [--jobs 2]
    .venv/bin/python bench/srs_simulation.py --calibration [--always-right]   # only that
    .venv/bin/python bench/srs_simulation.py --compare --jobs 1   # issue 13: bench/srs_compare.py

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

The calibration report (``--calibration``, also printed after the policy table) checks the
readiness model (quizapp.readiness) against the same simulated learners under our policy:

  recall     after each study day, every item met so far: the model's predicted recall
             (``readiness.recall_on``) on study days 1, 2, 3, 7, 14 and 30 ahead with no
             further study, against the learner's true recall at 09:00 that day and a
             simulated test (recalled with that probability). Ten bins of predicted
             recall: mean predicted, share recalled, mean true recall, count; RMSE over
             the bins (weighted by count, as fsrs's benchmark does, and unweighted).
  forecast   the same learners at a steady pace (10-40 answers every day, no day
             skipped, studying on past go-live): ``readiness.forecast_ready`` made after
             their 3rd, 7th and 14th study day with their pace as the app measures it,
             against the day they actually became ready under ``readiness.is_ready``
             (target 0.9, figures from their real fsrs states, as the dashboard would
             show them); and against the day their true recall met the same rule.
             ``--always-right`` rates every answer right (the forecast's own
             assumption), a control for the forecast's mechanics.
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

from quizapp import readiness
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
    study_day,
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


# --- calibration of the readiness model ------------------------------------------------

HORIZONS = (1, 2, 3, 7, 14, 30)  # study days ahead of the day the prediction is made
BINS = 10
FORECAST_AFTER = (3, 7, 14)  # the forecast is made after this many study days
TARGET = 0.9  # a job role's default readiness target
EXTRA_DAYS = 75  # steady learners study on past go-live, up to this many days more
PACE = (10, 40)  # a steady learner's answers per day (inclusive)


def item_memory(
    states: dict[int, MemoryState], failed: set[int], learner: Learner
) -> readiness.ItemMemory:
    """The readiness model's arrays of a learner's items, as the app builds them from
    memory_state rows (quizapp.study.memory_arrays.item_memory); ``failed``: the items
    whose last answer (not a retry) was wrong."""
    n = learner.n_items
    stability, difficulty = np.full(n, np.nan), np.full(n, np.nan)
    last = np.full(n, readiness.model.UNSEEN, dtype=np.int64)
    due = np.full(n, readiness.model.UNSEEN, dtype=np.int64)
    state = np.full(n, 1, dtype=np.int64)
    for item, s in states.items():
        if s.last_review is None:
            continue
        stability[item], difficulty[item], state[item] = s.stability, s.difficulty, s.state
        last[item] = study_day(s.last_review, SETTINGS).toordinal()
        due[item] = study_day(s.due, SETTINGS).toordinal()
    red = np.zeros(n, dtype=bool)
    red[list(learner.red_line)] = True
    wrong = np.zeros(n, dtype=bool)
    wrong[list(failed)] = True
    return readiness.ItemMemory(stability, last, red, difficulty, state, due, wrong)


def run_tracked(learner: Learner, on_day: Callable, *, pace: int | None = None,
                steady: bool = False, extra_days: int = 0, always_right: bool = False,
                ) -> Run:  # fmt: skip
    """Our policy, as run_fsrs, with ``on_day(k, memory, run, answered, introduced)``
    called after each study day (``memory``: the readiness model's ItemMemory; True stops
    the run). ``pace``: at most that many answers a day (retries not counted, as the
    app's pace does not count them); ``steady``: no day skipped; ``extra_days``: go on
    studying past go-live; ``always_right``: every answer is rated right (the learner's
    true memory still follows what they really recalled), the forecast's own assumption:
    a control."""
    run = Run(learner, Spec("our policy", "fsrs"))
    states: dict[int, MemoryState] = {}
    failed: set[int] = set()
    required = list(range(learner.n_items))
    answered: list[int] = []  # answers (not retries) per study day
    run.wrong_per_day = []  # of those, rated Again (the forecast's share of right answers)
    for k in range(learner.days + extra_days):
        now = local_time(k, learner.hours[min(k, len(learner.hours) - 1)])
        if not steady and k in learner.skips:
            answered.append(0)
            run.wrong_per_day.append(0)
            continue
        introduced = count = wrong = 0
        end_of_day = local_time(k, 28.0)
        while now < end_of_day and (pace is None or count < pace):
            plan = plan_session(
                states, required, learner.red_line, now, SETTINGS, learner.go_live, introduced
            )
            if plan.is_empty:
                break
            for card in plan.cards:
                if pace is not None and count >= pace:
                    break
                item = card.item_id
                state = states.get(item) or MemoryState.new(item, now)
                correct = run.answer(item, now) or always_right
                states[item], _ = apply_answer(state, GOOD if correct else AGAIN, now, SETTINGS)
                (failed.discard if correct else failed.add)(item)
                wrong += not correct
                introduced += card.is_new
                count += 1
                if should_retry(correct, is_retry=False):
                    now = run.retry(item, now)
                now += timedelta(seconds=CARD_SECONDS)
        answered.append(count)
        run.wrong_per_day.append(wrong)
        if on_day(k, item_memory(states, failed, learner), run, answered, introduced):
            break
    return run


def calibrate(seed: int) -> dict[str, np.ndarray]:
    """One learner's recall predictions against outcomes, summed per (horizon, bin):
    count, predicted, true recall, recalled; binned by fsrs's prediction (recall_on) and
    by what readiness counts (known_recall: 0 after a wrong last answer); the items whose
    last answer was wrong per horizon (count, fsrs's prediction, recalled); and unseen
    items' true recall."""
    learner = make_learner(seed)
    rng = np.random.default_rng(seed * 13 + 5)
    sums = np.zeros((2, len(HORIZONS), BINS, 4))
    wrong = np.zeros((len(HORIZONS), 3))
    unseen = np.zeros(2)

    def on_day(k: int, memory: readiness.ItemMemory, run: Run, _answered, _introduced) -> bool:
        seen = memory.seen
        today = (START + timedelta(days=k)).toordinal()
        for h, horizon in enumerate(HORIZONS):
            fsrs = readiness.recall_on(memory.stability, memory.last_day, today + horizon)
            known = readiness.model.known_recall(memory, today + horizon)
            true = run.memory.recall_all(days_since_epoch(local_time(k + horizon, 9.0)))
            truth = true[seen]
            recalled = rng.random(truth.size) < truth
            for m, predicted in enumerate((fsrs[seen], known[seen])):
                bins = np.minimum((predicted * BINS).astype(int), BINS - 1)
                for column, values in enumerate((np.ones_like(truth), predicted, truth, recalled)):
                    sums[m, h, :, column] += np.bincount(bins, weights=values, minlength=BINS)
            failed = memory.failed[seen]
            wrong[h] += (failed.sum(), fsrs[seen][failed].sum(), recalled[failed].sum())
            if horizon == 1:
                unseen[:] += ((~seen).sum(), true[~seen].sum())
        return False

    run_tracked(learner, on_day)
    return {"sums": sums, "wrong": wrong, "unseen": unseen}


def true_snapshot(run: Run, memory: readiness.ItemMemory, k: int) -> readiness.Snapshot:
    """The readiness rule's figures from the learner's true recall at 09:00 on day k
    (items never met at their prior-knowledge recall)."""
    recall = run.memory.recall_all(days_since_epoch(local_time(k, 9.0)))
    red = recall[memory.red_line]
    return readiness.Snapshot(
        day=START + timedelta(days=k),
        required=recall.size,
        seen=int(memory.seen.sum()),
        expected_known=float(recall.sum()),
        recall=recall,
        red_lines=int(red.size),
        red_lines_at_risk=int((red < readiness.RED_LINE_TARGET).sum()),
    )


def forecast_errors(seed: int, always_right: bool = False) -> dict:
    """One steady learner: the forecasts made after FORECAST_AFTER study days, and the
    days they became ready by the model's figures and by their true recall (day
    indexes from START; None if not within the run)."""
    learner = make_learner(seed)
    pace = int(np.random.default_rng(seed * 17 + 3).integers(PACE[0], PACE[1] + 1))
    found: dict = {"pace": pace, "forecasts": {}, "model": None, "true": None}

    def on_day(
        k: int, memory: readiness.ItemMemory, run: Run, answered: list[int], introduced: int
    ) -> bool:
        tomorrow = START + timedelta(days=k + 1)
        if found["model"] is None and readiness.is_ready(
            readiness.snapshot(memory, tomorrow.toordinal()), TARGET
        ):
            found["model"] = k + 1
        if found["true"] is None and readiness.is_ready(true_snapshot(run, memory, k + 1), TARGET):
            found["true"] = k + 1
        if k + 1 in FORECAST_AFTER and found["model"] is None:
            today = START + timedelta(days=k)
            recent = sum(answered[-readiness.PACE_DAYS :])
            wrong = sum(run.wrong_per_day[-readiness.PACE_DAYS :])
            day = readiness.forecast_ready(
                memory,
                today,
                TARGET,
                SETTINGS,
                recent / readiness.pace_days(today, START),  # as standings measures it
                go_live=learner.go_live,
                answered_today=answered[-1],
                introduced_today=introduced,
                right_share=1 - wrong / recent if recent else 1.0,
            )
            found["forecasts"][k + 1] = None if day is None else (day - START).days
        return (
            found["model"] is not None
            and found["true"] is not None
            and k + 1 >= max(FORECAST_AFTER)
        )

    run_tracked(
        learner, on_day, pace=pace, steady=True, extra_days=EXTRA_DAYS, always_right=always_right
    )
    return found


def calibration_task(task: tuple[str, int]):
    kind, seed = task
    if kind == "recall":
        return calibrate(seed)
    return forecast_errors(seed, always_right=kind == "forecast, always right")


def rmse_bins(table: np.ndarray) -> tuple[float, float]:
    """RMSE between mean predicted and share recalled over the bins of ``table`` (rows:
    bins; columns: count, predicted, true recall, recalled): weighted by count, as fsrs's
    benchmark does, and unweighted."""
    count = table[:, 0]
    used = count > 0
    gap = table[used, 1] / count[used] - table[used, 3] / count[used]
    weighted = math.sqrt(float((count[used] * gap**2).sum() / count[used].sum()))
    return weighted, math.sqrt(float((gap**2).mean()))


def report_calibration(seeds: list[int], jobs: int, always_right: bool = False) -> None:
    started = time.perf_counter()
    forecast = "forecast, always right" if always_right else "forecast"
    tasks = [("recall", s) for s in seeds] + [(forecast, s) for s in seeds]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(calibration_task, tasks, chunksize=4))
    recall, forecasts = results[: len(seeds)], results[len(seeds) :]
    sums = sum(r["sums"] for r in recall)
    wrong = sum(r["wrong"] for r in recall)
    unseen = sum(r["unseen"] for r in recall)
    print(
        f"Calibration of quizapp.readiness: {len(seeds)} learners, seeds {seeds[0]}-"
        f"{seeds[-1]}, {time.perf_counter() - started:.0f} s"
    )
    print()
    print("Predicted recall after each study day, for study days "
          + ", ".join(map(str, HORIZONS)) + " ahead with no further study, against a "
          "simulated test at 09:00 that day (items met so far). fsrs: readiness.recall_on; "
          "counted: readiness.model.known_recall (0 while the last answer is wrong), what "
          "readiness sums:")  # fmt: skip
    print()
    print("| predicted (fsrs) | pairs | mean predicted | share recalled | mean true recall |")
    print("|---|---:|---:|---:|---:|")
    total = sums[0].sum(axis=0)
    for b in range(BINS):
        count, predicted, true, recalled = total[b]
        if count:
            print(
                f"| {b / BINS:.1f}-{(b + 1) / BINS:.1f} | {count:,.0f} | {predicted / count:.3f} "
                f"| {recalled / count:.3f} | {true / count:.3f} |"
            )
    print()
    print("| horizon (study days) | pairs | mean fsrs | mean counted | share recalled "
          "| RMSE fsrs (bins, weighted) | RMSE fsrs (bins, unweighted) "
          "| RMSE counted (bins, weighted) | last answer wrong: pairs, fsrs, recalled |")  # fmt: skip
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    rows = [(str(h), sums[:, i], wrong[i]) for i, h in enumerate(HORIZONS)]
    for label, tables, failed in rows + [("all", sums.sum(axis=1), wrong.sum(axis=0))]:
        (fsrs_w, fsrs_u), (known_w, _u) = (rmse_bins(table) for table in tables)
        count = tables[0][:, 0].sum()
        print(
            f"| {label} | {count:,.0f} | {tables[0][:, 1].sum() / count:.3f} | "
            f"{tables[1][:, 1].sum() / count:.3f} | {tables[0][:, 3].sum() / count:.3f} | "
            f"{fsrs_w:.4f} | {fsrs_u:.4f} | {known_w:.4f} | {failed[0]:,.0f}, "
            f"{failed[1] / max(failed[0], 1):.3f}, {failed[2] / max(failed[0], 1):.3f} |"
        )
    print()
    print(
        f"Items not yet met count as 0 in the model; their true recall (prior knowledge) "
        f"averaged {unseen[1] / max(unseen[0], 1):.3f} over {unseen[0]:,.0f} item-days."
    )
    print()
    paces = [f["pace"] for f in forecasts]
    print(
        f"Forecast (readiness.forecast_ready, target {TARGET}) against the day each learner "
        f"became ready, {len(forecasts)} learners at a steady pace of {min(paces)}-"
        f"{max(paces)} answers a day (mean {np.mean(paces):.0f}), studying up to "
        f"{EXTRA_DAYS} days past go-live"
        + (", every answer rated right (control):" if always_right else ":")
    )
    print()
    print("| forecast made after | against | forecasts | no forecast | not ready in run "
          "| compared | bias (days) | mean abs | median abs | p90 abs | within 1 day |")  # fmt: skip
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for after in FORECAST_AFTER:
        for against, name in (("model", "ready by the model's figures"),
                               ("true", "ready by true recall")):  # fmt: skip
            made = [f for f in forecasts if after in f["forecasts"]]
            none = sum(1 for f in made if f["forecasts"][after] is None)
            missing = sum(1 for f in made if f[against] is None)
            errors = np.array([
                f["forecasts"][after] - f[against] for f in made
                if f["forecasts"][after] is not None and f[against] is not None
            ])  # fmt: skip
            if errors.size == 0:
                print(f"| {after} study days | {name} | {len(made)} | {none} | {missing} | 0 "
                      "| | | | | |")  # fmt: skip
                continue
            absolute = np.abs(errors)
            print(
                f"| {after} study days | {name} | {len(made)} | {none} | {missing} | "
                f"{errors.size} | {errors.mean():+.1f} | {absolute.mean():.1f} | "
                f"{np.median(absolute):.1f} | {np.percentile(absolute, 90):.1f} | "
                f"{(absolute <= 1).mean():.0%} |"
            )
    already = {a: sum(1 for f in forecasts if f["model"] is not None and f["model"] <= a)
               for a in FORECAST_AFTER}  # fmt: skip
    print()
    print(f"Already ready (no forecast needed) after 3 / 7 / 14 study days: "
          f"{already[3]} / {already[7]} / {already[14]}; bias > 0: the forecast is late.")  # fmt: skip


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
    parser.add_argument("--learners", type=int, default=None, help="120; --compare: 200")
    parser.add_argument("--seed", type=int, default=20250301)
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument(
        "--calibration", action="store_true", help="only the readiness model's calibration"
    )
    parser.add_argument(
        "--always-right",
        action="store_true",
        help="calibration control: steady learners' answers all rated right",
    )
    parser.add_argument(
        "--compare",
        action="store_true",
        help="issue 13: the product's policy against baselines under three memory models "
        "(bench/srs_compare.py)",
    )
    parser.add_argument("--models", default="power,exp,fsrs", help="--compare: memory models")
    parser.add_argument(
        "--kinds",
        default="product,fsrs,leitner,oracle",
        help="--compare: the kinds of policy to run (a ratio needs the baselines)",
    )
    args = parser.parse_args()
    if args.compare:
        from machine import machine
        from srs_compare import compare, policies

        learners = args.learners or 200
        kinds = set(args.kinds.split(","))
        chosen = [p for p in policies() if p.kind in kinds]
        print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {machine()}")
        compare(learners, args.seed, args.jobs, tuple(args.models.split(",")), chosen)
        return
    args.learners = args.learners or 120

    started = time.perf_counter()
    seeds = [args.seed + n for n in range(args.learners)]
    if args.calibration:
        report_calibration(seeds, args.jobs, args.always_right)
        return
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
    print()
    report_calibration(seeds, args.jobs)


if __name__ == "__main__":
    main()
