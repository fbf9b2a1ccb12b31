"""The planner with deadlines (assignments' due dates): most urgent first, the daily cap
raised to meet each deadline, a refresh before an item's own deadline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from quizapp.srs import REVIEW, MemoryState, RoleSettings, new_cap_today, plan_session
from quizapp.srs.policy import INTRO_RESERVE_DAYS, deadline_cap

SETTINGS = RoleSettings(daily_new_cap=5, session_minutes=60)
NOW = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)  # 09:00 Shanghai, study day 2025-03-03
TODAY = NOW.date()


def day(n: int):
    return TODAY + timedelta(days=n)


def new_ids(plan) -> list[int]:
    return [card.item_id for card in plan.cards if card.is_new]


def test_without_deadlines_the_plan_is_unchanged():
    required = list(range(1, 40))
    for go_live in (None, day(5), day(60), day(-1)):
        plain = plan_session({}, required, [7], NOW, SETTINGS, go_live=go_live)
        empty = plan_session({}, required, [7], NOW, SETTINGS, go_live=go_live, deadlines={})
        assert plain == empty


def test_new_items_most_urgent_deadline_first_then_red_line_then_teaching_order():
    required = [1, 2, 3, 4, 5, 6]
    deadlines = {6: day(20), 5: day(10), 4: day(10), 2: day(30)}
    plan = plan_session({}, required, [4, 1], NOW, SETTINGS, deadlines=deadlines)
    # 4 and 5 (day 10; 4 is red-line), 6 (day 20), 2 (day 30), then no deadline: 1 (red), 3.
    assert new_ids(plan) == [4, 5, 6, 2, 1]  # the role's cap of 5: no deadline is near
    more = plan_session({}, required, [4, 1], NOW, SETTINGS, deadlines=deadlines, study_more=True)
    assert new_ids(more) == [4, 5, 6, 2, 1, 3]


def test_items_without_a_deadline_count_with_go_live():
    plan = plan_session(
        {}, [1, 2, 3], [], NOW, SETTINGS, go_live=day(8), deadlines={3: day(30)}, study_more=True
    )
    assert new_ids(plan) == [1, 2, 3]


def test_the_cap_is_raised_so_every_deadline_is_met():
    required = list(range(1, 61))
    # 20 items due in 3 + 4 study days: 5 a day meets it; 40 more due in 3 + 2: 30 a day.
    deadlines = {i: day(INTRO_RESERVE_DAYS + 4) for i in range(1, 21)}
    plan = plan_session({}, required, [], NOW, SETTINGS, deadlines=deadlines)
    assert plan.new_cap_today == 5
    deadlines.update({i: day(INTRO_RESERVE_DAYS + 2) for i in range(21, 61)})
    plan = plan_session({}, required, [], NOW, SETTINGS, deadlines=deadlines)
    # By the nearer deadline 40 items over 2 days (20); by the later one all 60 over 4 (15).
    assert plan.new_cap_today == 20
    assert new_ids(plan)[:20] == list(range(21, 41))


def test_a_deadline_inside_the_reserve_brings_all_its_items_today():
    assert deadline_cap([day(2)] * 12 + [None] * 50, TODAY, SETTINGS) == 12
    assert deadline_cap([day(-3)] * 7, TODAY, SETTINGS) == 7  # overdue: all at once
    assert deadline_cap([None] * 50, TODAY, SETTINGS) == SETTINGS.daily_new_cap


def test_deadline_cap_with_go_live_for_everything_is_new_cap_today():
    for unseen, go_live in ((0, day(5)), (40, day(5)), (40, day(30)), (40, day(1)), (9, None)):
        assert deadline_cap([go_live] * unseen, TODAY, SETTINGS) == new_cap_today(
            unseen, TODAY, SETTINGS, go_live
        )


def _learnt(item_id: int) -> MemoryState:
    """Reviewed yesterday, due by fsrs in four days."""
    return MemoryState(
        item_id, REVIEW, None, 3.0, 5.0, NOW + timedelta(days=4), NOW - timedelta(days=1), 2, 0
    )


def test_an_item_is_refreshed_before_its_own_deadline():
    state = _learnt(1)
    assert state.due > NOW + timedelta(days=1)  # not due by fsrs today
    without = plan_session({1: state}, [1], [], NOW, SETTINGS)
    assert without.is_empty
    near = plan_session({1: state}, [1], [], NOW, SETTINGS, deadlines={1: day(1)})
    assert [(c.item_id, c.reason) for c in near.cards] == [(1, "deadline")]
    far = plan_session({1: state}, [1], [], NOW, SETTINGS, deadlines={1: day(30)})
    assert far.is_empty
