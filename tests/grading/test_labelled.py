"""The grader against answers labelled by hand (tests/data/grading/keypoints.jsonl).

Each record is a typed answer to a real 问答 item of question_bank/property.md or
telecom.md (``item`` is its 编号, ``key_points`` copied from the bank) with ``hits``: the
key points a trainer judges it covers. Run with ``-s`` to see the figures.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from quizapp.bank.parser import parse_file
from quizapp.grading import grade_key_points

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
}


def load() -> list[dict]:
    with DATA.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def test_dataset_is_big_and_varied():
    records = load()
    assert len(records) >= 150
    kinds = Counter(r["kind"] for r in records)
    assert set(kinds) >= KINDS, KINDS - set(kinds)
    assert {r["bank"] for r in records} == {"property", "telecom"}
    for r in records:
        assert len(r["hits"]) == len(r["key_points"]), r["id"]
        assert all(isinstance(h, bool) for h in r["hits"]), r["id"]


def test_dataset_copies_the_banks_key_points():
    items = {}
    for bank in ("property", "telecom"):
        result = parse_file(BANKS / f"{bank}.md")
        assert result.ok
        for item in result.bank.items:
            items[(bank, item.id)] = item
    for r in load():
        item = items.get((r["bank"], r["item"]))
        assert item is not None, f"{r['id']}: no item {r['item']} in {r['bank']}.md"
        assert item.type == "qa"
        assert list(item.key_points or (item.answer,)) == r["key_points"], r["id"]


def test_grader_agrees_with_trainers():
    records = load()
    agree = total = tp = fp = fn = 0
    by_kind: dict[str, list[int]] = {}
    for r in records:
        result = grade_key_points(
            r["key_points"], r["answer"], r["synonyms"], question=r["question"]
        )
        for want, got in zip(r["hits"], result.hits, strict=True):
            total += 1
            agree += want == got
            tp += want and got
            fp += got and not want
            fn += want and not got
            kind = by_kind.setdefault(r["kind"], [0, 0])
            kind[0] += want == got
            kind[1] += 1
    agreement = agree / total
    precision = tp / (tp + fp)
    recall = tp / (tp + fn)
    print(
        f"\nkey-point decisions: {total} over {len(records)} answers; "
        f"agreement {agreement:.1%}, precision {precision:.1%}, recall {recall:.1%}"
    )
    for kind, (a, n) in sorted(by_kind.items()):
        print(f"  {kind:15} {a}/{n} ({a / n:.0%})")
    assert agreement >= 0.90


@pytest.mark.parametrize("kind", ["empty", "off_topic"])
def test_empty_and_off_topic_never_hit(kind):
    for r in load():
        if r["kind"] == kind:
            result = grade_key_points(r["key_points"], r["answer"], r["synonyms"])
            assert not any(result.hits), r["id"]
