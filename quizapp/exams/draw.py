"""Drawing a paper (pure): which items an attempt asks, in which order, and the order of
each item's options.

The caller (quizapp.exams.taking) reads the candidates — every live item of the exam's
sources, with its section, type and the person's predicted recall (0 for an item never
seen) — and the quotas, and passes a `random.Random`; a seeded one makes every draw
reproducible in tests.

Modes: "fixed" (the fixed items, in order, skipping retired ones), "random" (per quota,
a uniform sample), "readiness" (per quota, the items of lowest predicted recall; ties
broken at random). Quotas are filled from the most specific (section and type) to the
least (any section, any type), and an item is drawn at most once, so a general quota
("any 5 more") never takes the items a specific one needs.

No Flask, no database.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..i18n import N_, fill

MODES = ("fixed", "random", "readiness")


@dataclass(frozen=True)
class Candidate:
    """An item that may be drawn."""

    item_id: int
    section_id: int
    type: str
    recall: float = 0.0  # predicted recall now; 0 for an item never studied


@dataclass(frozen=True)
class Quota:
    """`count` items of `type` (None: any) from `section_id` (None: any source section)."""

    count: int
    section_id: int | None = None
    type: str | None = None

    def takes(self, candidate: Candidate) -> bool:
        return (self.section_id is None or candidate.section_id == self.section_id) and (
            self.type is None or candidate.type == self.type
        )

    @property
    def specificity(self) -> int:
        return (self.section_id is not None) * 2 + (self.type is not None)


class DrawError(Exception):
    """The paper cannot be drawn (a quota asks for more items than there are): a
    translatable template with its values, as every quizapp error carries."""

    def __init__(self, template: str, **params) -> None:
        super().__init__(fill(template, params))
        self.template = template
        self.params = params


def draw(
    candidates: Sequence[Candidate],
    quotas: Sequence[Quota],
    mode: str,
    rng: random.Random,
    fixed: Sequence[int] = (),
    section_names: Mapping[int, str] | None = None,
    type_names: Mapping[str, str] | None = None,
) -> list[int]:
    """The item ids of one paper, in the order asked.

    fixed: the fixed ids that are still candidates, in their order. random/readiness:
    the quotas in their given order, each quota's items shuffled. DrawError when a quota
    cannot be filled (naming its section and type, how many it needs and how many there
    are), or when nothing at all would be asked.
    """
    if mode not in MODES:
        raise DrawError(N_("未知的抽题方式：%(mode)s"), mode=mode)
    if mode == "fixed":
        live = {candidate.item_id for candidate in candidates}
        paper = [item_id for item_id in dict.fromkeys(fixed) if item_id in live]
        if not paper:
            raise DrawError(N_("这份试卷没有可用的题目"))
        return paper
    if not quotas:
        raise DrawError(N_("这份试卷没有设置抽题数量"))
    taken: set[int] = set()
    picks: dict[int, list[int]] = {}
    # Most specific first; a stable sort keeps the author's order among equals.
    for index in sorted(range(len(quotas)), key=lambda i: -quotas[i].specificity):
        quota = quotas[index]
        pool = [c for c in candidates if c.item_id not in taken and quota.takes(c)]
        if len(pool) < quota.count:
            raise DrawError(
                N_("「%(section)s」的%(type)s题只有 %(available)s 道可抽，需要 %(needed)s 道"),
                section=_name(section_names, quota.section_id, N_("所有来源")),
                type=_name(type_names, quota.type, N_("各类")),
                available=len(pool),
                needed=quota.count,
            )
        if mode == "random":
            chosen = rng.sample(pool, quota.count)
        else:
            # Lowest predicted recall first; a random key breaks ties (every new item).
            keyed = sorted(pool, key=lambda c: (c.recall, rng.random()))
            chosen = keyed[: quota.count]
            rng.shuffle(chosen)
        picks[index] = [c.item_id for c in chosen]
        taken.update(picks[index])
    return [item_id for index in range(len(quotas)) for item_id in picks[index]]


def _name(names: Mapping | None, key, fallback: str) -> str:
    if key is None:
        return fallback
    return str((names or {}).get(key, key))


def option_order(count: int, shuffle: bool, rng: random.Random) -> list[int]:
    """The order an item's `count` options are shown in (indexes into its options)."""
    order = list(range(count))
    if shuffle:
        rng.shuffle(order)
    return order


def mean_recall(recalls: Sequence[float]) -> float | None:
    """The predicted score of a paper: the mean predicted recall of its items."""
    return sum(recalls) / len(recalls) if recalls else None
