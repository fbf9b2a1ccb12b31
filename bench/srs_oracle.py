"""A reference policy for ``bench/srs_compare.py``: it sees each hire's TRUE memory.

The product's planner only has fsrs's estimate of a hire's memory. This policy reads the
ground-truth model instead, under the same day limit as the product (``DAY_LIMIT`` ×
the session), to show what the issue's targets cost when the estimate is perfect:

- due reviews: every item met so far whose true recall has fallen under ``retention``,
  lowest first, at most once a study day;
- new items at the product's pace (``new_pace_today``);
- on the last ``window`` study days, the product's two targets (mean recall at go-live:
  desired retention + ``GO_LIVE_MARGIN``; 30 days later: desired retention -
  ``LATER_MARGIN``) measured in true recall: today covers its share of what is still
  short (the shortfall over the study days left), with the items whose review adds the
  most expected true recall at go-live plus 30 days later (right with the true
  probability, wrong otherwise), while the day's limit allows. With ``fill`` (and a
  window as long as the training) every study day's leftover time goes to the best
  gains, targets or not: as much as the day limit can buy.

It is a reference, not a baseline (an employee's true memory is never known) and not an
optimum (a greedy rule, day by day).
"""

from __future__ import annotations

from datetime import timedelta

import srs_compare as sc

from quizapp.srs import new_pace_today
from quizapp.srs.policy import DAY_LIMIT, GO_LIVE_MARGIN, LATER_MARGIN


def _expected_gain(truth: sc.Truth, item: int, t: float, t_go: float, t_later: float) -> float:
    """Expected change of true recall at go-live plus at ``t_later`` if reviewed at t."""
    before = truth.s[item]
    last = truth.last[item]
    recall = truth.recall(item, t)
    # ``update`` changes the item's state in place (stability; fsrs also difficulty).
    kept = {name: getattr(truth, name)[item] for name in ("s", "d") if hasattr(truth, name)}

    def value(stability: float, since: float) -> float:
        return float(
            truth.curve(max(t_go - since, 0.0), stability)
            + truth.curve(max(t_later - since, 0.0), stability)
        )

    after = 0.0
    for correct, weight in ((True, recall), (False, 1.0 - recall)):
        truth.update(item, max(t - last, 0.0), recall, correct)
        after += weight * value(truth.s[item], t)
        for name, saved in kept.items():
            getattr(truth, name)[item] = saved
    return after - value(before, last)


class _Day:
    """One study day's answers under the day limit."""

    def __init__(self, run: sc.Run, k: int, budget: float) -> None:
        self.run, self.k, self.budget = run, k, budget
        self.now = run.start_day(k)
        self.spent = 0.0
        self.answered: set[int] = set()

    def fits(self, kind: str) -> bool:
        return self.spent + sc.SECONDS[kind] <= self.budget

    def answer(self, item: int, kind: str) -> None:
        self.run.answer(self.k, item, self.now, kind)
        self.answered.add(item)
        self.spent += sc.SECONDS[kind]
        self.now += timedelta(seconds=sc.SECONDS[kind])


def run_oracle(hire: sc.Hire, model: str, policy: sc.Policy) -> sc.Run:
    run = sc.Run(hire, model)
    truth = run.truth
    order = sc.teaching_order(hire)
    budget = DAY_LIMIT * policy.settings.session_minutes * 60
    desired = policy.settings.desired_retention
    targets = (desired + GO_LIVE_MARGIN, desired - LATER_MARGIN)
    go = sc.at(sc.GO_LIVE_DAY, 9.0)
    t_go, t_later = sc.t_of(go), sc.t_of(go + timedelta(days=sc.LATER))
    introduced = 0
    for k in range(sc.GO_LIVE_DAY):
        day = _Day(run, k, budget)
        if k in hire.skips:
            continue
        t = sc.t_of(day.now)
        due = [i for i in order[:introduced] if truth.recall(i, t) < policy.retention]
        for item in sorted(due, key=lambda i: truth.recall(i, t)):
            if not day.fits("review"):
                break
            day.answer(item, "review")
        pace = new_pace_today(
            sc.N_ITEMS - introduced, sc.START + timedelta(days=k), policy.settings, sc.GO_LIVE
        )
        for item in order[introduced : introduced + pace]:
            if not day.fits("new"):
                break
            day.answer(item, "new")
            introduced += 1
        days_left = sc.GO_LIVE_DAY - k
        if days_left > policy.window:
            continue
        t = sc.t_of(day.now)
        short = sum(
            max(0.0, target * sc.N_ITEMS - float(truth.recall_all(moment).sum()))
            for target, moment in zip(targets, (t_go, t_later), strict=True)
        )
        share = float("inf") if policy.fill else short / days_left  # today's part
        gains = sorted(
            (
                (_expected_gain(truth, i, t, t_go, t_later), i)
                for i in order[:introduced]
                if i not in day.answered
            ),
            reverse=True,
        )
        for gain, item in gains:
            if share <= 0 or gain <= 0 or not day.fits("review"):
                break
            day.answer(item, "review")
            share -= gain
    return run
