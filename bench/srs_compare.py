"""Policy comparison for issue 13: reviews needed for a given readiness, under three memory
models, against baseline policies (``bench/srs_simulation.py --compare``).

    .venv/bin/python bench/srs_simulation.py --compare [--learners 200] [--seed 20261201]
        [--jobs 1] [--models power,exp,fsrs] [--kinds product,fsrs,leitner,oracle]

Every simulated hire has 200 items (10 % red-line, taught first), go-live on study day 30
(09:00), one study time a day (a personal hour, 08:00-21:00, ±1 h) and skips 0-10 % of
days. On a study day the hire studies until the policy has nothing more for today (the
product's planner: until ``plan_session`` is empty; a box or fsrs baseline: the day's due
items and new items). Grading is plain right/wrong: GOOD or AGAIN. A card takes 20 s, a
new item 45 s, the immediate retry 20 s (where a policy offers it, the hire always takes
it). Three ground-truth memory models, one population each (same hires, habits, seeds):

  power  the learner model of ``bench/srs_simulation.py`` (not fsrs's): power-law
         forgetting with a personal shape b in [0.3, 3], spacing-dependent growth,
         consolidation over ~half a day, prior knowledge p0.
  exp    exponential forgetting with a half-life, as half-life regression / ACT-R-like
         models: R = 2^(-t/h), h0 ≈ 1 day (8x if known beforehand); a right answer
         multiplies h by a personal and item factor m (median 2.6), scaled by the same
         consolidation term; no benefit from low recall; a wrong one halves h (≥ h0).
  fsrs   fsrs-6 with its default parameters as the truth (continuous elapsed time; a
         review within half a day uses fsrs's short-term formula), first answer right
         with probability p0.

Policies: the product's planner (``quizapp.srs.plan_session`` and ``apply_answer``, the
real code); the previous policy (fsrs 0.9, one retry, a 2-day refresh to 0.95); Leitner box
systems with widening intervals; fsrs at desired retention 0.75-0.85 during training with
a refresh before go-live (the last w study days: every item fsrs forecasts under the
target at go-live, or due by then, is reviewed); all baselines introduce new items as
the old planner did (the role's cap of 20 a day, raised to meet go-live 3 days ahead).
And a reference that is not a baseline: an "oracle" that reads the hire's true recall
under the product's day limit (``bench/srs_oracle.py``).

Figures per memory model x policy, averaged over hires (true recall from the model):
  reviews   answers before go-live, per hire (first sight and retries included)
  training  mean true recall, at the start of each study day, of the items taught so far
  go-live   mean true recall of all 200 items at 09:00 on go-live day
  +30 d     the same 30 days later, with no study after go-live
  busiest   the busiest study day in minutes: mean over hires, and the worst hire
  ratio     reviews / those of the cheapest baseline reaching go-live ≥ 0.90 and +30 ≥ 0.80
  RMSE      (product only) calibration of fsrs's predictions against the model's true
            recall: at each review (before answering), and the forecast made after the
            last study day for go-live and 30 days later; 10 bins of predicted recall,
            weighted by count, |mean predicted - mean true recall|.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import numpy as np
from fsrs.scheduler import DEFAULT_PARAMETERS as W

from quizapp.srs import (
    AGAIN,
    GOOD,
    LEARNING,
    REVIEW,
    MemoryState,
    RoleSettings,
    apply_answer,
    new_cap_today,
    plan_session,
    predict_recall,
    review_step,
)

DAY = 86400.0
N_ITEMS = 200
GO_LIVE_DAY = 30
LATER = 30
START = date(2025, 3, 3)
SETTINGS = RoleSettings()
ZONE = SETTINGS.zone
EPOCH = datetime.combine(START, datetime.min.time(), tzinfo=ZONE).astimezone(UTC)
GO_LIVE = START + timedelta(days=GO_LIVE_DAY)
SECONDS = {"review": 20, "new": 45, "retry": 20}
CONSOLIDATION = 0.5
MODELS = ("power", "exp", "fsrs")
BINS = 10


# --- hires ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hire:
    seed: int
    red: frozenset[int]
    hours: tuple[float, ...]
    skips: frozenset[int]
    p0: np.ndarray
    # power-law model (bench/srs_simulation.py)
    b: float
    s0: np.ndarray
    growth: np.ndarray
    # exponential model
    h0: np.ndarray
    mult: np.ndarray


def make_hire(seed: int) -> Hire:
    rng = np.random.default_rng(seed)
    n = N_ITEMS
    b = float(math.exp(rng.uniform(math.log(0.3), math.log(3.0))))
    s0 = 0.25 * rng.lognormal(0.0, 0.35) * rng.lognormal(0.0, 0.5, n)
    growth = rng.lognormal(0.0, 0.35) * rng.lognormal(0.0, 0.35, n)
    p0 = rng.beta(1.2, 3.5, n)
    h0 = 2.0 * rng.lognormal(0.0, 0.35) * rng.lognormal(0.0, 0.5, n)
    mult = 1.0 + 2.0 * rng.lognormal(0.0, 0.25) * rng.lognormal(0.0, 0.25, n)
    red = frozenset(int(i) for i in rng.choice(n, size=n // 10, replace=False))
    base = float(rng.uniform(8.0, 21.0))
    hours = tuple(float(min(max(base + rng.normal(0, 1.0), 6.0), 23.5)) for _ in range(90))
    skip_p = rng.uniform(0.0, 0.10)
    skips = frozenset(k for k in range(1, GO_LIVE_DAY) if rng.random() < skip_p)
    return Hire(seed, red, hours, skips, p0, b, s0, growth, h0, mult)


def at(day_index: int, hour: float) -> datetime:
    midnight = datetime.combine(START + timedelta(days=day_index), datetime.min.time())
    return (midnight + timedelta(hours=hour)).replace(tzinfo=ZONE).astimezone(UTC)


def t_of(moment: datetime) -> float:
    return (moment - EPOCH).total_seconds() / DAY


# --- ground-truth memory models ---------------------------------------------------------


class Truth:
    """A hire's true memory of their items; ``answer`` draws the outcome and updates."""

    def __init__(self, hire: Hire, rng: random.Random) -> None:
        self.hire = hire
        self.rng = rng
        self.seen = np.zeros(N_ITEMS, dtype=bool)
        self.last = np.zeros(N_ITEMS)
        self.s = np.ones(N_ITEMS)

    def curve(self, elapsed, s):  # pragma: no cover - abstract
        raise NotImplementedError

    def recall_all(self, t: float) -> np.ndarray:
        elapsed = np.maximum(t - self.last, 0.0)
        return np.where(self.seen, self.curve(elapsed, self.s), self.hire.p0)

    def recall(self, item: int, t: float) -> float:
        if not self.seen[item]:
            return float(self.hire.p0[item])
        return float(self.curve(max(t - self.last[item], 0.0), self.s[item]))

    def answer(self, item: int, t: float) -> bool:
        r = self.recall(item, t)
        correct = self.rng.random() < r
        if not self.seen[item]:
            self.first(item, correct)
            self.seen[item] = True
        else:
            self.update(item, max(t - self.last[item], 0.0), r, correct)
        self.last[item] = t
        return correct


class Power(Truth):
    def __init__(self, hire: Hire, rng: random.Random) -> None:
        super().__init__(hire, rng)
        self.c = 0.9 ** (-1.0 / hire.b) - 1.0

    def curve(self, elapsed, s):
        return (1.0 + self.c * elapsed / s) ** -self.hire.b

    def first(self, item: int, correct: bool) -> None:
        self.s[item] = self.hire.s0[item] * (8 if correct else 1)

    def update(self, item: int, elapsed: float, r: float, correct: bool) -> None:
        s = self.s[item]
        if correct:
            spacing = 1.0 - math.exp(-elapsed / CONSOLIDATION)
            s *= 1.0 + 8.0 * self.hire.growth[item] * s**-0.15 * (1.0 - r) ** 0.6 * spacing
        else:
            s = max(self.hire.s0[item], 0.3 * s)
        self.s[item] = s


class Exp(Truth):
    """s is the half-life in days."""

    def curve(self, elapsed, s):
        return np.exp2(-elapsed / s)

    def first(self, item: int, correct: bool) -> None:
        self.s[item] = self.hire.h0[item] * (8 if correct else 1)

    def update(self, item: int, elapsed: float, r: float, correct: bool) -> None:
        h = self.s[item]
        if correct:
            spacing = 1.0 - math.exp(-elapsed / CONSOLIDATION)
            h *= 1.0 + (self.hire.mult[item] - 1.0) * spacing
        else:
            h = max(self.hire.h0[item], 0.5 * h)
        self.s[item] = h


DECAY = -W[20]
FACTOR = 0.9 ** (1 / DECAY) - 1


def _d0(rating: int) -> float:
    return W[4] - math.exp(W[5] * (rating - 1)) + 1


class Fsrs(Truth):
    """fsrs-6, default parameters, as the truth."""

    def __init__(self, hire: Hire, rng: random.Random) -> None:
        super().__init__(hire, rng)
        self.d = np.full(N_ITEMS, 5.0)

    def curve(self, elapsed, s):
        return (1.0 + FACTOR * elapsed / s) ** DECAY

    def first(self, item: int, correct: bool) -> None:
        g = GOOD if correct else AGAIN
        self.s[item] = W[g - 1]
        self.d[item] = min(max(_d0(g), 1.0), 10.0)

    def update(self, item: int, elapsed: float, r: float, correct: bool) -> None:
        g = GOOD if correct else AGAIN
        s, d = self.s[item], self.d[item]
        if elapsed < 0.5:
            inc = math.exp(W[17] * (g - 3 + W[18])) * s ** -W[19]
            s = s * (max(inc, 1.0) if correct else inc)
        elif correct:
            s = s * (1 + math.exp(W[8]) * (11 - d) * s ** -W[9] * (math.exp((1 - r) * W[10]) - 1))
        else:
            long = W[11] * d ** -W[12] * ((s + 1) ** W[13] - 1) * math.exp((1 - r) * W[14])
            s = min(long, s / math.exp(W[17] * W[18]))
        delta = -W[6] * (g - 3)
        d = d + (10 - d) * delta / 9
        d = W[7] * _d0(4) + (1 - W[7]) * d
        self.s[item] = max(s, 0.001)
        self.d[item] = min(max(d, 1.0), 10.0)


TRUTHS: dict[str, type[Truth]] = {"power": Power, "exp": Exp, "fsrs": Fsrs}


# --- policies ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Policy:
    name: str
    kind: str  # product | fsrs | leitner | oracle (a reference: bench/srs_oracle.py)
    retention: float = 0.9  # fsrs baselines: desired retention during training; oracle:
    # true recall under which an item is due
    window: int = 0  # fsrs baselines and oracle: refresh on the last `window` study days
    target: float = 0.95  # fsrs baselines: refresh items forecast under this at go-live
    retry: bool = False  # the hire takes one immediate retry after a wrong answer
    boxes: tuple[int, ...] = ()  # leitner intervals (days)
    fill: bool = False  # oracle: the refresh takes all that is left of the day's limit
    plan: dict = field(default_factory=dict, hash=False, compare=False)  # plan_session kw
    settings: RoleSettings = SETTINGS


def policies() -> list[Policy]:
    out = [
        Policy("product policy", "product"),
        Policy("product, hire takes every retry", "product", retry=True),
        Policy("previous policy (fsrs 0.9, retry, 2 d to 0.95)", "fsrs", 0.9, 2, 0.95, True),
        Policy("Leitner 1-2-4-8-16", "leitner", boxes=(1, 2, 4, 8, 16)),
        Policy("Leitner 1-2-4-8-16-32", "leitner", boxes=(1, 2, 4, 8, 16, 32)),
        Policy("Leitner 1-3-7-14-30", "leitner", boxes=(1, 3, 7, 14, 30)),
        Policy("Leitner 2-4-8-16-32", "leitner", boxes=(2, 4, 8, 16, 32)),
    ]
    for retention, window, target in (
        (0.80, 5, 0.95),
        (0.80, 5, 0.90),
        (0.80, 3, 0.90),
        (0.80, 3, 0.95),
        (0.75, 5, 0.95),
        (0.75, 5, 0.90),
        (0.85, 3, 0.90),
        (0.85, 5, 0.93),
    ):
        name = f"fsrs {retention:.2f}, {window} d refresh to {target:.2f}"
        out.append(Policy(name, "fsrs", retention, window, target))
    for retention in (0.70, 0.80, 0.85, 0.90, 0.95):
        name = f"oracle: true recall < {retention:.2f}, 14 d refresh, day limit"
        out.append(Policy(name, "oracle", retention, 14))
    for retention in (0.80, 0.90, 0.95):
        name = f"oracle: true recall < {retention:.2f}, all of the day limit"
        out.append(Policy(name, "oracle", retention, GO_LIVE_DAY, fill=True))
    return out


class Run:
    """Bookkeeping shared by every policy: answers, minutes per day, training recall."""

    def __init__(self, hire: Hire, model: str) -> None:
        self.hire = hire
        self.truth = TRUTHS[model](hire, random.Random(hire.seed * 7 + 1))
        self.reviews = 0
        self.minutes = np.zeros(GO_LIVE_DAY)
        self.training: list[float] = []
        self.pairs: list[tuple[float, float]] = []  # (predicted, true) at reviews

    def start_day(self, k: int) -> datetime:
        moment = at(k, self.hire.hours[k])
        if k > 0 and self.truth.seen.any():
            recall = self.truth.recall_all(t_of(moment))[self.truth.seen]
            self.training.append(float(recall.mean()))
        return moment

    def answer(self, k: int, item: int, moment: datetime, kind: str) -> bool:
        self.reviews += 1
        self.minutes[k] += SECONDS[kind] / 60
        return self.truth.answer(item, t_of(moment))


def teaching_order(hire: Hire) -> list[int]:
    red = sorted(hire.red)
    return red + [i for i in range(N_ITEMS) if i not in hire.red]


def run_product(hire: Hire, model: str, policy: Policy) -> Run:
    run = Run(hire, model)
    states: dict[int, MemoryState] = {}
    required = teaching_order(hire)
    for k in range(GO_LIVE_DAY):
        now = run.start_day(k)
        if k in hire.skips:
            continue
        introduced = 0
        for _session in range(20):
            plan = plan_session(
                states, required, hire.red, now, policy.settings, GO_LIVE, introduced,
                **policy.plan,
            )  # fmt: skip
            if plan.is_empty:
                break
            for card in plan.cards:
                item = card.item_id
                state = states.get(item) or MemoryState.new(item, now)
                if not card.is_new:
                    predicted = predict_recall(state, now, policy.settings)
                    run.pairs.append((predicted, run.truth.recall(item, t_of(now))))
                correct = run.answer(k, item, now, "new" if card.is_new else "review")
                states[item], _ = apply_answer(
                    state, GOOD if correct else AGAIN, now, policy.settings
                )
                introduced += card.is_new
                now += timedelta(seconds=SECONDS["new" if card.is_new else "review"])
                if policy.retry and not correct:
                    run.answer(k, item, now, "retry")  # the retry: logged, no state change
                    now += timedelta(seconds=SECONDS["retry"])
    run.states = states
    return run


def run_daybased(hire: Hire, model: str, policy: Policy) -> Run:
    """fsrs (via the adapter's memoised review_step) or Leitner, in whole study days."""
    run = Run(hire, model)
    order = teaching_order(hire)
    due: dict[int, int] = {}
    memo: dict[int, tuple] = {}
    last: dict[int, int] = {}
    introduced = 0
    for k in range(GO_LIVE_DAY):
        now = run.start_day(k)
        if k in hire.skips:
            continue
        todo = [i for i, d in due.items() if d <= k]
        if policy.kind == "fsrs" and GO_LIVE_DAY - k <= policy.window:
            for item, (_state, s, _d) in memo.items():
                if due[item] > k and last[item] < k:
                    r_go = (1 + FACTOR * (GO_LIVE_DAY - last[item]) / s) ** DECAY
                    if due[item] <= GO_LIVE_DAY or r_go < policy.target:
                        todo.append(item)
        if policy.kind == "fsrs":  # lowest predicted recall first (no effect on totals)
            todo.sort(key=lambda i: memo[i][1] / max(k - last[i], 1))
        cap = new_cap_today(N_ITEMS - introduced, START + timedelta(days=k), SETTINGS, GO_LIVE)
        fresh = order[introduced : introduced + cap]
        introduced += len(fresh)
        for item in todo + fresh:
            is_new = item not in memo
            correct = run.answer(k, item, now, "new" if is_new else "review")
            now += timedelta(seconds=SECONDS["new" if is_new else "review"])
            rating = GOOD if correct else AGAIN
            if policy.kind == "fsrs":
                if is_new:
                    step = review_step(LEARNING, 0, None, None, 0, rating, policy.retention)
                else:
                    _state, s, d = memo[item]
                    step = review_step(REVIEW, None, s, d, k - last[item], rating, policy.retention)
                memo[item] = (step.state, step.stability, step.difficulty)
                due[item] = k + step.interval_days
            else:
                box = memo[item][0] + 1 if item in memo and correct else 0
                box = min(box, len(policy.boxes) - 1)
                memo[item] = (box,)
                due[item] = k + policy.boxes[box]
            last[item] = k
            if policy.retry and not correct:
                run.answer(k, item, now, "retry")
                now += timedelta(seconds=SECONDS["retry"])
    return run


def bins(pairs: list[tuple[float, float]]) -> np.ndarray:
    """Per bin of predicted recall: count, sum predicted, sum true."""
    out = np.zeros((BINS, 3))
    if pairs:
        arr = np.array(pairs)
        index = np.minimum((arr[:, 0] * BINS).astype(int), BINS - 1)
        for column, values in enumerate((np.ones(len(arr)), arr[:, 0], arr[:, 1])):
            out[:, column] = np.bincount(index, weights=values, minlength=BINS)
    return out


def rmse(table: np.ndarray) -> float:
    used = table[:, 0] > 0
    if not used.any():
        return float("nan")
    count = table[used, 0]
    gap = (table[used, 1] - table[used, 2]) / count
    return math.sqrt(float((count * gap**2).sum() / count.sum()))


def simulate(task: tuple[str, Policy, int]) -> dict:
    model, policy, seed = task
    hire = make_hire(seed)
    if policy.kind == "oracle":
        from srs_oracle import run_oracle  # a reference policy; imports this module

        run = run_oracle(hire, model, policy)
    else:
        run = (run_product if policy.kind == "product" else run_daybased)(hire, model, policy)
    go = at(GO_LIVE_DAY, 9.0)
    later = go + timedelta(days=LATER)
    out = {
        "reviews": run.reviews,
        "training": float(np.mean(run.training)),
        "go_live": float(run.truth.recall_all(t_of(go)).mean()),
        "later": float(run.truth.recall_all(t_of(later)).mean()),
        "busiest": float(run.minutes.max()),
        "review_bins": bins(run.pairs),
    }
    if policy.kind == "product":
        forecast = []
        for moment in (go, later):
            true = run.truth.recall_all(t_of(moment))
            for item, state in run.states.items():
                forecast.append((predict_recall(state, moment, policy.settings), true[item]))
        out["forecast_bins"] = bins(forecast)
    return out


def compare(
    learners: int,
    seed: int,
    jobs: int,
    models: tuple[str, ...] = MODELS,
    chosen: list[Policy] | None = None,
    echo: Callable[[str], None] = print,
) -> dict:
    started = time.perf_counter()
    chosen = chosen or policies()
    seeds = [seed + n for n in range(learners)]
    tasks = [(m, p, s) for m in models for p in chosen for s in seeds]
    if jobs > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(simulate, tasks, chunksize=4))
    else:
        results = [simulate(task) for task in tasks]
    table: dict = {}
    for n, (m, p, _s) in enumerate(tasks):
        table.setdefault((m, p.name), []).append(results[n])
    elapsed = time.perf_counter() - started
    echo(f"{learners} hires x {N_ITEMS} items per model, seed {seed}, {jobs} job(s), "
         f"{elapsed:.0f} s wall")  # fmt: skip
    summary = {}
    for m in models:
        rows = {}
        for p in chosen:
            runs = table[(m, p.name)]
            row = {
                key: float(np.mean([r[key] for r in runs]))
                for key in ("reviews", "training", "go_live", "later", "busiest")
            }
            row["worst_day"] = float(max(r["busiest"] for r in runs))
            row["rmse_reviews"] = rmse(sum(r["review_bins"] for r in runs))
            if p.kind == "product":
                row["rmse_forecast"] = rmse(sum(r["forecast_bins"] for r in runs))
            row["qualifies"] = row["go_live"] >= 0.90 and row["later"] >= 0.80
            row["baseline"] = p.kind not in ("product", "oracle")
            rows[p.name] = row
        qualifying = [r["reviews"] for r in rows.values() if r["baseline"] and r["qualifies"]]
        cheapest = min(qualifying) if qualifying else float("nan")
        cheapest_name = next(
            (n for n, r in rows.items() if r["baseline"] and r["reviews"] == cheapest), "none"
        )
        session = SETTINGS.session_minutes
        echo("")
        echo(f"Memory model: {m}. Cheapest qualifying baseline: {cheapest_name} "
             f"({cheapest:.0f} reviews).")  # fmt: skip
        echo("")
        echo("| policy | reviews | ratio | training | go-live | +30 d | busiest day, mean "
             "(worst hire) | RMSE at reviews | RMSE forecast |")  # fmt: skip
        echo("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for name, r in rows.items():
            mark = "" if r["qualifies"] else " ✗"
            forecast = f"{r['rmse_forecast']:.3f}" if "rmse_forecast" in r else ""
            rmse_reviews = f"{r['rmse_reviews']:.3f}" if not math.isnan(r["rmse_reviews"]) else ""
            ratio = f"{r['reviews'] / cheapest:.2f}x" if not math.isnan(cheapest) else ""
            echo(
                f"| {name}{mark} | {r['reviews']:.0f} | {ratio} | "
                f"{r['training']:.3f} | {r['go_live']:.3f} | {r['later']:.3f} | "
                f"{r['busiest']:.0f} min ({r['worst_day'] / session:.1f}x session; "
                f"{r['worst_day']:.0f}) | {rmse_reviews} | {forecast} |"
            )
        product = rows.get("product policy")
        if product is not None:
            checks = {
                "go-live >= 0.90": product["go_live"] >= 0.90,
                "+30 d >= 0.80": product["later"] >= 0.80,
                "reviews <= 1.1x cheapest qualifying": product["reviews"] <= 1.1 * cheapest,
                "training >= 0.80": product["training"] >= 0.80,
                "every hire's busiest day <= 2x session": product["worst_day"] <= 2 * session,
            }
            if m == "fsrs":
                checks["calibration RMSE <= 0.03"] = (
                    max(product["rmse_reviews"], product["rmse_forecast"]) <= 0.03
                )
            echo("")
            echo("Product policy: " + "; ".join(
                f"{name} {'yes' if ok else 'NO'}" for name, ok in checks.items()
            ))  # fmt: skip
        summary[m] = rows
    return summary
