"""The grader against answers labelled by hand (tests/data/grading/keypoints.jsonl).

Each record is a typed answer to a real 问答 item of question_bank/property.md or
telecom.md (``item`` is its 编号, ``key_points`` and ``red_line`` copied from the bank) with
``hits``: the key points a trainer judges it covers, and for the newer records
``contradicted``: the key points it says wrongly (a wrong figure, the opposite polarity).
Run with ``-s`` to see the figures, per kind of answer.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from quizapp.bank.parser import parse_file
from quizapp.bank.variables import fill
from quizapp.grading import grade_key_points
from quizapp.srs import Rating

DATA = Path(__file__).resolve().parent.parent / "data" / "grading" / "keypoints.jsonl"
BANKS = Path(__file__).resolve().parent.parent.parent / "question_bank"
KINDS = {
    "full",
    "paraphrase",
    "partial",
    "wrong",
    "empty",
    "off_topic",
    "traditional",
    "full_width",
    "homophone",
    "no_punctuation",
    "negation",
    "numerals",
}
#: The kinds of issue 13, each with at least 40 answers.
HARD_KINDS = {"wrong_number", "reversed_polarity", "negation_distance", "paraphrase", "partial"}


def load() -> list[dict]:
    with DATA.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def test_dataset_is_big_and_varied():
    records = load()
    assert len(records) >= 300
    assert len({r["id"] for r in records}) == len(records)
    kinds = Counter(r["kind"] for r in records)
    assert set(kinds) >= KINDS | HARD_KINDS, (KINDS | HARD_KINDS) - set(kinds)
    assert all(kinds[kind] >= 40 for kind in HARD_KINDS), kinds
    assert {r["bank"] for r in records} == {"property", "telecom"}
    assert len({(r["bank"], r["item"]) for r in records}) >= 60
    for r in records:
        assert len(r["hits"]) == len(r["key_points"]), r["id"]
        assert all(isinstance(h, bool) for h in r["hits"]), r["id"]
        assert isinstance(r["red_line"], bool), r["id"]
        contradicted = r.get("contradicted", [False] * len(r["hits"]))
        assert len(contradicted) == len(r["hits"]), r["id"]
        assert not any(h and c for h, c in zip(r["hits"], contradicted, strict=True)), r["id"]


def test_dataset_copies_the_banks_key_points():
    items = {}
    for bank in ("property", "telecom"):
        result = parse_file(BANKS / f"{bank}.md")
        assert result.ok
        defaults = {v.name: v.default for v in result.bank.variables if v.default is not None}
        for item in result.bank.items:
            # The labelled answers were graded against the company facts' default values.
            key_points = tuple(fill(point, defaults) for point in item.key_points)
            items[(bank, item.id)] = replace(item, key_points=key_points)
    for r in load():
        item = items.get((r["bank"], r["item"]))
        assert item is not None, f"{r['id']}: no item {r['item']} in {r['bank']}.md"
        assert item.type == "qa"
        assert list(item.key_points or (item.answer,)) == r["key_points"], r["id"]
        assert item.red_line == r["red_line"], r["id"]


def grade(r: dict):
    return grade_key_points(
        r["key_points"], r["answer"], r["synonyms"], question=r["question"], red_line=r["red_line"]
    )


def test_grader_agrees_with_trainers():
    records = load()
    agree = total = tp = fp = fn = 0
    by_kind: dict[str, list[int]] = {}
    said_wrong = [0, 0]  # contradiction decisions: agreeing, all
    for r in records:
        result = grade(r)
        for want, got in zip(r["hits"], result.hits, strict=True):
            total += 1
            agree += want == got
            tp += want and got
            fp += got and not want
            fn += want and not got
            kind = by_kind.setdefault(r["kind"], [0, 0])
            kind[0] += want == got
            kind[1] += 1
        for want, got in zip(r.get("contradicted", ()), result.contradicted, strict=False):
            said_wrong[0] += want == got
            said_wrong[1] += 1
    agreement = agree / total
    precision = tp / (tp + fp)
    recall = tp / (tp + fn)
    print(
        f"\nkey-point decisions: {total} over {len(records)} answers; "
        f"agreement {agreement:.1%}, precision {precision:.1%}, recall {recall:.1%}"
    )
    for kind, (a, n) in sorted(by_kind.items()):
        print(f"  {kind:18} {a}/{n} ({a / n:.1%})")
    a, n = said_wrong
    print(f"contradicted or not: {a}/{n} ({a / n:.1%})")
    assert agreement >= 0.95
    low = {kind: a / n for kind, (a, n) in by_kind.items() if a / n < 0.90}
    assert not low, low
    assert a / n >= 0.90


def test_red_line_answers_with_a_wrong_fact_are_never_right():
    """The grader may miss a contradiction, but the ones it finds fail a red-line answer."""
    for r in load():
        result = grade(r)
        if r["red_line"] and any(result.contradicted):
            assert result.rating is Rating.AGAIN and not result.correct, r["id"]


@pytest.mark.parametrize("kind", ["empty", "off_topic"])
def test_empty_and_off_topic_never_hit(kind):
    for r in load():
        if r["kind"] == kind:
            result = grade_key_points(r["key_points"], r["answer"], r["synonyms"])
            assert not any(result.hits), r["id"]
