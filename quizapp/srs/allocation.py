"""Deadline-aware allocation of reviews before go-live (docs/scheduling.md, issue 13).

In the last ``window`` study days before go-live the planner does not review every item
that fsrs forecasts under a target. It asks how short the whole role falls of its two
targets, the mean forecast recall at go-live and 30 days later, and covers it with the reviews that
add the most expected forecast recall per review, as many as the day's limit allows. Pure arithmetic over fsrs's curve and
its memoised review step: no Flask, no database.
"""

from __future__ import annotations

from dataclasses import dataclass

from quizapp.srs.model import AGAIN, GOOD
from quizapp.srs.scheduler import RECALL_DECAY, RECALL_FACTOR, review_step

# Days after go-live at which the second target (recall a month later) is measured.
LATER_DAYS = 30
# The stability factor never relaxes fsrs by more than this.
SCALE_MAX = 1.2
# The expected share of wrong answers, as a share of 1 - training retention. Measured as
# fsrs's own learner's share when training ran at 0.80; at 0.75 that learner gives 0.80,
# so the scale now relaxes hires fsrs describes (up to SCALE_MAX). Kept: set to 0.80 or
# 0.88 it cost the fsrs model 26-30 reviews a hire for nothing (docs/scheduling.md).
LAPSE_SHARE = 0.975
# A hire who forgets more often than fsrs expected (their lapses over the lapses fsrs
# expected, LAPSE_PRIOR pseudo-lapses on each side) reviews at higher predicted recall,
# aims higher a month after go-live and starts the refresh earlier: the due threshold
# rises by up to THRESHOLD_RISE as that ratio goes from RATIO_LOW to RATIO_HIGH, the later
# target by LATER_RISE per unit of ratio above RATIO_LOW, at most LATER_RISE_MAX, and the
# refresh window widens from REFRESH_DAYS_MIN to REFRESH_DAYS_MAX study days as the ratio
# rises REFRESH_SPAN above RATIO_LOW (docs/scheduling.md, "lapse ratio" and "sixth round").
LAPSE_PRIOR = 20.0
RATIO_LOW = 1.0
RATIO_HIGH = 1.1
THRESHOLD_RISE = 0.15
LATER_RISE = 1.5
LATER_RISE_MAX = 0.5
REFRESH_DAYS_MIN = 5
REFRESH_DAYS_MAX = 21
REFRESH_SPAN = 0.15


def curve(stability: float, days: float) -> float:
    """fsrs's forgetting curve: recall ``days`` study days after the last review."""
    return (1.0 + RECALL_FACTOR * max(days, 0.0) / stability) ** RECALL_DECAY


def stability_scale(
    lapses: int, reviews: int, retention: float, prior: float, power: float
) -> float:
    """How much faster this hire forgets than fsrs's default parameters say, as a factor
    on fsrs's stabilities (1.0: as fsrs says; under 1: faster), from the hire's own
    answers.

    ``lapses`` wrong answers out of ``reviews`` answers after the first (the memory
    states' counters) are compared with the share fsrs expects when reviews fall due at
    ``retention`` (1 - retention). The observed share is shrunk towards the expected one
    by ``prior`` pseudo-answers, the stability that would make fsrs's curve give the
    observed recall at the expected one's interval is solved for, and the factor is
    softened by ``power`` (0: off) and kept within [0.25, 1.2].
    """
    expected = LAPSE_SHARE * (1.0 - retention)
    observed = (lapses + expected * prior) / (reviews + prior) if reviews + prior > 0 else 0
    observed = min(max(observed, 0.01), 0.9)
    want = (1.0 - expected) ** (1 / RECALL_DECAY) - 1.0
    got = (1.0 - observed) ** (1 / RECALL_DECAY) - 1.0
    return min(max((want / got) ** power, 0.25), SCALE_MAX)


def lapse_excess(lapses: int, expected: float) -> float:
    """How far the hire's lapse ratio, (lapses + LAPSE_PRIOR) / (expected + LAPSE_PRIOR),
    lies above RATIO_LOW (0.0 when it does not). ``expected`` is the sum of the memory
    states' ``expected_lapses``."""
    return max(0.0, (lapses + LAPSE_PRIOR) / (expected + LAPSE_PRIOR) - RATIO_LOW)


def raised_threshold(retention: float, excess: float) -> float:
    """The due threshold for a hire with this ``lapse_excess``."""
    return min(0.99, retention + THRESHOLD_RISE * min(1.0, excess / (RATIO_HIGH - RATIO_LOW)))


def later_lift(excess: float) -> float:
    """What the hire's ``lapse_excess`` adds to the target a month after go-live."""
    return min(LATER_RISE * excess, LATER_RISE_MAX)


def refresh_window(excess: float) -> int:
    """Study days before go-live (or an item's own deadline) on which the refresh runs,
    for a hire with this ``lapse_excess``: short for a hire fsrs describes (a late refresh
    is the cheap one under fsrs's curve), longer for one who forgets faster than it says
    (whose memory gains more from reviews spread over more days)."""
    share = min(1.0, excess / REFRESH_SPAN)
    return round(REFRESH_DAYS_MIN + (REFRESH_DAYS_MAX - REFRESH_DAYS_MIN) * share)


@dataclass(frozen=True)
class Candidate:
    """An item that could be reviewed today.

    Attributes:
        item_id: the item.
        state, stability, difficulty: its fsrs memory state.
        elapsed: study days since its last review.
        recall: predicted recall now (with ``scale``).
        scale: factor on fsrs's stabilities for this employee (``stability_scale``).
    """

    item_id: int
    state: int
    stability: float
    difficulty: float
    elapsed: int
    recall: float
    scale: float = 1.0


@dataclass(frozen=True)
class Gain:
    """What reviewing a candidate today adds, in expected forecast recall."""

    item_id: int
    at_go_live: float
    later: float


def forecast(c: Candidate, days_to_go_live: int) -> tuple[float, float]:
    """Forecast recall at go-live and LATER_DAYS after, with no review before."""
    days = c.elapsed + days_to_go_live
    stability = c.stability * c.scale
    return curve(stability, days), curve(stability, days + LATER_DAYS)


def gain(c: Candidate, days_to_go_live: int, desired_retention: float) -> Gain:
    """Expected change of the two forecasts if the item is reviewed today: right with
    fsrs's predicted probability (GOOD), else wrong (AGAIN)."""
    before = forecast(c, days_to_go_live)
    after = [0.0, 0.0]
    for rating, weight in ((GOOD, c.recall), (AGAIN, 1.0 - c.recall)):
        step = review_step(
            c.state, None, c.stability, c.difficulty, c.elapsed, rating, desired_retention
        )
        stability = step.stability * c.scale
        after[0] += weight * curve(stability, days_to_go_live)
        after[1] += weight * curve(stability, days_to_go_live + LATER_DAYS)
    return Gain(c.item_id, after[0] - before[0], after[1] - before[1])


def allocate(
    candidates: list[Candidate],
    settled: tuple[float, float],
    required: int,
    days_to_go_live: int,
    targets: tuple[float, float],
    desired_retention: float,
) -> list[Gain]:
    """Today's share of the refresh before go-live, best gain per review first.

    Args:
        candidates: the items that may be reviewed today.
        settled: summed forecasts (go-live, later) of the required items that are not
            candidates (reviewed today already; items never seen count 0).
        required: number of required items; the targets are means over them.
        days_to_go_live: study days from today to go-live (today is one of them).
        targets: wanted mean recall at go-live and LATER_DAYS after.
        desired_retention: the role's setting (fsrs's review step uses it).

    Returns the reviews that cover today's whole shortfall of each target, in order of
    gain per review, largest first (the planner takes them while the day's limit allows;
    what does not fit is asked again tomorrow, with the forecasts then).
    """
    if not candidates or days_to_go_live <= 0:
        return []
    total = [settled[0], settled[1]]
    for c in candidates:
        go, later = forecast(c, days_to_go_live)
        total[0] += go
        total[1] += later
    short = [max(0.0, targets[n] * required - total[n]) for n in (0, 1)]
    if short[0] <= 0 and short[1] <= 0:
        return []
    gains = [gain(c, days_to_go_live, desired_retention) for c in candidates]

    def worth(g: Gain) -> float:
        # Normalised by each shortfall, so the target further from reach counts more.
        return (g.at_go_live * short[0] + g.later * short[1]) / (short[0] + short[1])

    gains.sort(key=lambda g: (-worth(g), g.item_id))
    chosen: list[Gain] = []
    covered = [0.0, 0.0]
    for g in gains:
        if covered[0] >= short[0] and covered[1] >= short[1]:
            break
        if worth(g) <= 0:
            break
        chosen.append(g)
        covered[0] += g.at_go_live
        covered[1] += g.later
    return chosen
