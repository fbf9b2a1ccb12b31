"""Today's session: what is planned, in which order, under which caps; the cards shown."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from quizapp import srs
from quizapp.extensions import db
from quizapp.models import Item, JobRole
from quizapp.study.answers import submit_answer, undo_last
from quizapp.study.curriculum import role_items
from quizapp.study.errors import StudyError
from quizapp.study.session import TodayCounts, present, today_counts, today_plan
from tests.factories import T0
from tests.study.util import answer, item, ticket_for


def test_session_only_has_the_roles_items_red_line_new_first(hire):
    plan = today_plan(db.session, hire, T0)
    keys = [db.session.get(Item, card.item_id).key for card in plan.cards]
    assert "telecom-only" not in keys
    assert set(keys) == {"three", "paid", "weekly", "ring", "ring-cloze", "fire"}
    assert keys[0] == "fire"  # red-line items come first among new items


def test_daily_cap_on_new_items(hire):
    role = db.session.scalar(select(JobRole).where(JobRole.name == "客服前台"))
    role.daily_new_cap = 2
    db.session.commit()
    plan = today_plan(db.session, hire, T0)
    assert len(plan.cards) == 2
    for card in plan.cards:
        answer(
            hire,
            db.session.get(Item, card.item_id).key,
            {"verdict": True, "choices": [1], "blanks": ["三"], "text": "说话轻"},
        )
    assert today_plan(db.session, hire, T0 + timedelta(minutes=5)).cards == ()
    more = today_plan(db.session, hire, T0 + timedelta(minutes=5), more=True)
    assert len(more.cards) >= 1  # "study more" goes past the cap


def test_due_reviews_come_before_new_items(hire):
    answer(hire, "ring", {"verdict": True})
    answer(hire, "paid", {"choices": [1]})
    later = T0 + timedelta(days=30)
    plan = today_plan(db.session, hire, later)
    first = [db.session.get(Item, c.item_id).key for c in plan.cards if not c.is_new]
    assert first and plan.cards[0].is_new is False
    assert set(first) == {"ring", "paid"}


def test_today_counts_answers_and_new_items_once(hire):
    later = T0 + timedelta(minutes=10)
    assert today_counts(db.session, hire, later) == TodayCounts(0, 0)
    answer(hire, "ring", {"verdict": False})
    retry_ticket = ticket_for(hire, "ring", T0 + timedelta(seconds=10), retry=True)
    submit_answer(
        db.session, hire, retry_ticket, {"verdict": True}, "retry", T0 + timedelta(seconds=20)
    )
    answer(hire, "ring", {"verdict": True}, now=T0 + timedelta(minutes=1))
    answer(hire, "paid", {"choices": [1]}, now=T0 + timedelta(minutes=2))
    # Three answers (the retry is not one), two new items ("ring" counts once); the
    # retry took time all the same.
    counts = today_counts(db.session, hire, later)
    assert counts == TodayCounts(3, 2, unscheduled=1)
    assert counts.seconds == 2 * srs.SECONDS_PER_NEW + 2 * srs.SECONDS_PER_REVIEW
    undo_last(db.session, hire, later)  # "paid" is new again
    assert today_counts(db.session, hire, later) == TodayCounts(2, 1, unscheduled=1)
    # The next study day starts from nothing; a review of "ring" is no new item.
    tomorrow = T0 + timedelta(days=1)
    answer(hire, "ring", {"verdict": True}, now=tomorrow)
    assert today_counts(db.session, hire, tomorrow) == TodayCounts(1, 0)


def test_present_with_the_role_items_read_once_matches_present_alone(hire):
    answer(hire, "three", {"self_rating": "good"})
    later = T0 + timedelta(days=5)
    items = role_items(db.session, hire)
    assert list(items.required) == [
        item(k).id for k in ("three", "paid", "weekly", "ring", "ring-cloze", "fire")
    ]
    alone = present(db.session, hire, item("three").id, later)
    shared = present(db.session, hire, item("three").id, later, items=items)
    assert (alone.ticket.revision, alone.is_new, alone.intervals) == (
        shared.ticket.revision,
        shared.is_new,
        shared.intervals,
    )
    assert shared.ticket.revision == 1 and not shared.is_new
    with pytest.raises(StudyError):
        present(db.session, hire, item("telecom-only").id, later, items=items)
