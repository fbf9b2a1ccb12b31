"""Drawing papers (pure): fixed order, quotas per section and type, readiness, errors."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from quizapp.exams.draw import Candidate, DrawError, Quota, draw, mean_recall, option_order

POOL = [
    Candidate(1, 10, "single", 0.9),
    Candidate(2, 10, "single", 0.2),
    Candidate(3, 10, "judge", 0.5),
    Candidate(4, 20, "single", 0.0),
    Candidate(5, 20, "judge", 0.95),
    Candidate(6, 20, "qa", 0.1),
    Candidate(7, 20, "judge", 0.3),
]
BY_ID = {c.item_id: c for c in POOL}


def test_a_fixed_paper_keeps_its_order_and_skips_retired_items():
    paper = draw(POOL, [], "fixed", random.Random(1), fixed=[5, 1, 99, 3])
    assert paper == [5, 1, 3]


def test_a_fixed_paper_with_nothing_left_is_an_error():
    with pytest.raises(DrawError):
        draw(POOL, [], "fixed", random.Random(1), fixed=[99])


def test_random_draws_fill_every_quota_without_repeats():
    quotas = [Quota(1, section_id=10, type="single"), Quota(2, type="judge"), Quota(2)]
    seen = Counter()
    for seed in range(200):
        paper = draw(POOL, quotas, "random", random.Random(seed))
        assert len(paper) == len(set(paper)) == 5
        assert BY_ID[paper[0]].section_id == 10 and BY_ID[paper[0]].type == "single"
        assert all(BY_ID[i].type == "judge" for i in paper[1:3])
        seen.update(paper)
    # Every item turns up in some paper: the draw is random, not always the same.
    assert set(seen) == set(BY_ID)


def test_specific_quotas_are_filled_before_general_ones():
    # "any 2" listed first must not take the only qa item the second quota needs.
    quotas = [Quota(6), Quota(1, section_id=20, type="qa")]
    for seed in range(50):
        paper = draw(POOL, quotas, "random", random.Random(seed))
        assert paper[-1] == 6 and len(paper) == 7


def test_the_same_seed_draws_the_same_paper():
    quotas = [Quota(3)]
    assert draw(POOL, quotas, "random", random.Random(7)) == draw(
        POOL, quotas, "random", random.Random(7)
    )


def test_readiness_picks_the_lowest_predicted_recall():
    paper = draw(POOL, [Quota(3)], "readiness", random.Random(3))
    assert set(paper) == {2, 4, 6}
    judge = draw(POOL, [Quota(2, type="judge")], "readiness", random.Random(3))
    assert set(judge) == {7, 3}


def test_a_quota_that_cannot_be_filled_names_section_type_and_counts():
    with pytest.raises(DrawError) as caught:
        draw(
            POOL,
            [Quota(3, section_id=10, type="judge")],
            "random",
            random.Random(1),
            section_names={10: "基础"},
            type_names={"judge": "判断"},
        )
    assert str(caught.value) == "「基础」的判断题只有 1 道可抽，需要 3 道"
    assert caught.value.params == {"section": "基础", "type": "判断", "available": 1, "needed": 3}


def test_option_order_is_a_permutation_and_shuffles_only_when_asked():
    assert option_order(4, False, random.Random(1)) == [0, 1, 2, 3]
    orders = {tuple(option_order(4, True, random.Random(seed))) for seed in range(50)}
    assert all(sorted(order) == [0, 1, 2, 3] for order in orders)
    assert len(orders) > 5


def test_mean_recall():
    assert mean_recall([0.0, 0.5, 1.0]) == 0.5
    assert mean_recall([]) is None
