"""The study service: session composition, grading per type, idempotency, undo, overrule,
replay, content changes."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from quizapp import srs
from quizapp.extensions import db
from quizapp.models import IdempotencyRecord, Item, JobRole, MemoryState, ReviewLog
from quizapp.study import service
from quizapp.study.progress import progress as study_progress
from quizapp.study.service import StudyError, Ticket
from tests.factories import STUDY_BANK as BANK
from tests.factories import T0, load_bank, make_person


@pytest.fixture
def hire(app):
    load_bank()
    return make_person("E1", job_role="客服前台")


def item(key: str) -> Item:
    return db.session.scalar(select(Item).where(Item.key == key))


def ticket_for(employee, key: str, now: datetime = T0, retry: bool = False) -> Ticket:
    return service.present(db.session, employee, item(key).id, now, retry=retry).ticket


def answer(
    employee, key: str, given: dict, now: datetime = T0, idem: str | None = None
) -> ReviewLog:
    ticket = ticket_for(employee, key, now - timedelta(seconds=5))
    return service.submit_answer(
        db.session, employee, ticket, given, idem or f"{key}-{now.timestamp()}", now
    )


def test_session_only_has_the_roles_items_red_line_new_first(hire):
    plan = service.today_plan(db.session, hire, T0)
    keys = [db.session.get(Item, card.item_id).key for card in plan.cards]
    assert "telecom-only" not in keys
    assert set(keys) == {"three", "paid", "weekly", "ring", "ring-cloze", "fire"}
    assert keys[0] == "fire"  # red-line items come first among new items


def test_daily_cap_on_new_items(hire):
    role = db.session.scalar(select(JobRole).where(JobRole.name == "客服前台"))
    role.daily_new_cap = 2
    db.session.commit()
    plan = service.today_plan(db.session, hire, T0)
    assert len(plan.cards) == 2
    for card in plan.cards:
        answer(
            hire,
            db.session.get(Item, card.item_id).key,
            {"verdict": True, "choices": [1], "blanks": ["三"], "text": "说话轻"},
        )
    assert service.today_plan(db.session, hire, T0 + timedelta(minutes=5)).cards == ()
    more = service.today_plan(db.session, hire, T0 + timedelta(minutes=5), more=True)
    assert len(more.cards) >= 1  # "study more" goes past the cap


def test_due_reviews_come_before_new_items(hire):
    answer(hire, "ring", {"verdict": True})
    answer(hire, "paid", {"choices": [1]})
    later = T0 + timedelta(days=30)
    plan = service.today_plan(db.session, hire, later)
    first = [db.session.get(Item, c.item_id).key for c in plan.cards if not c.is_new]
    assert first and plan.cards[0].is_new is False
    assert set(first) == {"ring", "paid"}


def test_grading_of_each_type(hire):
    assert answer(hire, "paid", {"choices": [1]}).correct is True
    assert answer(hire, "weekly", {"choices": [0]}).correct is False
    assert answer(hire, "ring", {"verdict": False}).correct is False
    assert answer(hire, "ring-cloze", {"blanks": ["３"]}).correct is True
    typed = answer(hire, "three", {"text": "说话要轻，走路也轻"})
    assert typed.key_points_hit == [True, True, False]
    assert typed.proposed_rating == typed.rating
    assert typed.correct is False
    assert answer(hire, "fire", {"verdict": True}).rating in (srs.GOOD, srs.EASY)


def test_self_rating_without_typing(hire):
    review = answer(hire, "three", {"self_rating": "hard"})
    assert review.rating == srs.HARD and review.proposed_rating is None


def test_a_repeated_request_returns_the_stored_result(hire):
    ticket = ticket_for(hire, "paid")
    first = service.submit_answer(db.session, hire, ticket, {"choices": [1]}, "k1", T0)
    again = service.submit_answer(
        db.session, hire, ticket, {"choices": [1]}, "k1", T0 + timedelta(seconds=3)
    )
    assert again.id == first.id
    assert db.session.scalar(select(func.count()).select_from(ReviewLog)) == 1


def test_same_key_with_another_answer_is_422(hire):
    ticket = ticket_for(hire, "paid")
    service.submit_answer(db.session, hire, ticket, {"choices": [1]}, "k1", T0)
    with pytest.raises(StudyError) as error:
        service.submit_answer(db.session, hire, ticket, {"choices": [0]}, "k1", T0)
    assert error.value.status == 422


def test_a_repeat_while_the_first_is_running_is_409(hire):
    ticket = ticket_for(hire, "paid")
    given = {"choices": [1]}
    db.session.add(
        IdempotencyRecord(
            employee_id=hire.id,
            key="k1",
            request_hash=service._request_hash(ticket, given),
            status="running",
        )
    )
    db.session.commit()
    with pytest.raises(StudyError) as error:
        service.submit_answer(db.session, hire, ticket, given, "k1", T0)
    assert error.value.status == 409
    assert db.session.scalar(select(func.count()).select_from(ReviewLog)) == 0


def test_a_missing_key_is_400(hire):
    with pytest.raises(StudyError) as error:
        service.submit_answer(db.session, hire, ticket_for(hire, "paid"), {"choices": [1]}, "", T0)
    assert error.value.status == 400


def test_two_tabs_record_one_review(hire):
    first_tab = ticket_for(hire, "paid")
    second_tab = ticket_for(hire, "paid")
    service.submit_answer(db.session, hire, first_tab, {"choices": [1]}, "tab-1", T0)
    with pytest.raises(StudyError) as error:
        service.submit_answer(db.session, hire, second_tab, {"choices": [1]}, "tab-2", T0)
    assert error.value.status == 409
    assert db.session.scalar(select(func.count()).select_from(ReviewLog)) == 1
    # The refused key is released: nothing half-done is left behind.
    assert db.session.scalar(select(func.count()).select_from(IdempotencyRecord)) == 1


def test_items_that_are_not_the_employees_are_refused(hire):
    other = make_person("E2", job_role="客服前台")
    with pytest.raises(StudyError) as error:
        service.present(db.session, hire, item("telecom-only").id, T0)
    assert error.value.status == 404
    with pytest.raises(StudyError) as error:
        service.submit_answer(
            db.session, other, ticket_for(hire, "paid"), {"choices": [1]}, "x", T0
        )
    assert error.value.status == 403
    forged = Ticket(hire.id, item("telecom-only").id, 0, 1, T0.timestamp())
    with pytest.raises(StudyError) as error:
        service.submit_answer(db.session, hire, forged, {"verdict": True}, "y", T0)
    assert error.value.status == 404


def state_of(employee, key: str) -> MemoryState | None:
    db.session.expire_all()
    return db.session.scalar(
        select(MemoryState).where(
            MemoryState.employee_id == employee.id, MemoryState.item_id == item(key).id
        )
    )


def snapshot(row: MemoryState) -> dict:
    return service.to_srs(row).to_dict()


def test_undo_restores_the_previous_state_exactly(hire):
    answer(hire, "ring", {"verdict": True})
    before = snapshot(state_of(hire, "ring"))
    answer(hire, "ring", {"verdict": False}, now=T0 + timedelta(days=3))
    assert snapshot(state_of(hire, "ring")) != before
    undone = service.undo_last(db.session, hire, T0 + timedelta(days=3, minutes=1))
    assert undone.undone_at is not None
    assert snapshot(state_of(hire, "ring")) == before
    # Undo of a first answer makes the item new again.
    service.undo_last(db.session, hire, T0 + timedelta(days=3, minutes=2))
    assert state_of(hire, "ring") is None


def test_overrule_is_logged_and_rerates(hire):
    typed = answer(hire, "three", {"text": "说话轻"})
    assert typed.rating == srs.AGAIN
    replacement = service.overrule(db.session, hire, typed.id, True, T0 + timedelta(minutes=1))
    assert (
        replacement.overruled
        and replacement.rating == srs.GOOD
        and replacement.proposed_rating == srs.AGAIN
    )
    db.session.refresh(typed)
    assert typed.undone_at is not None and typed.replaced_by_id == replacement.id
    expected, _ = srs.apply_answer(
        srs.MemoryState.new(item("three").id, T0),
        srs.GOOD,
        T0,
        service.role_settings(hire.job_role),
    )
    assert service.to_srs(state_of(hire, "three")) == expected


def test_one_retry_after_a_wrong_answer_changes_no_schedule(hire):
    answer(hire, "ring", {"verdict": False})
    before = snapshot(state_of(hire, "ring"))
    ticket = ticket_for(hire, "ring", T0 + timedelta(seconds=10), retry=True)
    retry = service.submit_answer(
        db.session, hire, ticket, {"verdict": True}, "retry-1", T0 + timedelta(seconds=20)
    )
    assert retry.kind == "retry" and retry.correct is True
    assert snapshot(state_of(hire, "ring")) == before


def test_replaying_the_log_reproduces_every_memory_state(hire):
    day = timedelta(days=1)
    answer(hire, "ring", {"verdict": True})
    answer(hire, "ring", {"verdict": False}, now=T0 + 2 * day)
    answer(hire, "ring", {"verdict": True}, now=T0 + 2 * day + timedelta(minutes=1))
    answer(hire, "three", {"text": "说话轻"}, now=T0 + day)
    typed = answer(hire, "three", {"text": "走路轻"}, now=T0 + 3 * day)
    service.overrule(db.session, hire, typed.id, True, T0 + 3 * day)
    answer(hire, "paid", {"choices": [0]}, now=T0 + day)
    service.undo_last(db.session, hire, T0 + 4 * day)
    for key in ("ring", "three", "paid"):
        row = state_of(hire, key)
        replayed = service.replay_state(db.session, hire, item(key).id)
        assert (service.to_srs(row) if row else None) == replayed, key


def test_changed_content_sends_learners_back_to_relearning(app, hire):
    answer(hire, "three", {"self_rating": "good"})
    answer(hire, "ring", {"verdict": True})
    ring_before = snapshot(state_of(hire, "ring"))
    edited = BANK.replace("- 操作轻", "- 操作轻\n- 表情轻")
    report = load_bank(edited, now=T0 + timedelta(days=2))
    assert report.answer_changed == [item("three").id]
    row = state_of(hire, "three")
    assert (
        row.state == srs.RELEARNING
        and row.due == T0 + timedelta(days=2)
        and row.changed_from_version == 1
    )
    assert snapshot(state_of(hire, "ring")) == ring_before  # unchanged items keep their schedule
    card = service.present(db.session, hire, item("three").id, T0 + timedelta(days=2))
    assert card.changes == {"added": ["表情轻"], "removed": []}
    answer(hire, "three", {"self_rating": "good"}, now=T0 + timedelta(days=2, minutes=1))
    assert state_of(hire, "three").changed_from_version is None  # shown once with the note
    replayed = service.replay_state(db.session, hire, item("three").id)
    assert service.to_srs(state_of(hire, "three")) == replayed


def test_progress_counts_streak_and_sections(hire):
    for n in range(3):
        answer(hire, "ring", {"verdict": True}, now=T0 + timedelta(days=n))
    progress = study_progress(db.session, hire, T0 + timedelta(days=2, hours=1))
    assert progress.total == 6 and progress.streak == 3
    assert progress.per_day[-1][1] == 1 and len(progress.per_day) == 14
    [section] = progress.sections
    assert section.title == "基础" and section.learned == 1 and 0 < section.recall < 1


def test_today_counts_answers_and_new_items_once(hire):
    later = T0 + timedelta(minutes=10)
    assert service.today_counts(db.session, hire, later) == service.TodayCounts(0, 0)
    answer(hire, "ring", {"verdict": False})
    retry_ticket = ticket_for(hire, "ring", T0 + timedelta(seconds=10), retry=True)
    service.submit_answer(
        db.session, hire, retry_ticket, {"verdict": True}, "retry", T0 + timedelta(seconds=20)
    )
    answer(hire, "ring", {"verdict": True}, now=T0 + timedelta(minutes=1))
    answer(hire, "paid", {"choices": [1]}, now=T0 + timedelta(minutes=2))
    # Three answers (the retry is not one), two new items ("ring" counts once).
    assert service.today_counts(db.session, hire, later) == service.TodayCounts(3, 2)
    service.undo_last(db.session, hire, later)  # "paid" is new again
    assert service.today_counts(db.session, hire, later) == service.TodayCounts(2, 1)
    # The next study day starts from nothing; a review of "ring" is no new item.
    tomorrow = T0 + timedelta(days=1)
    answer(hire, "ring", {"verdict": True}, now=tomorrow)
    assert service.today_counts(db.session, hire, tomorrow) == service.TodayCounts(1, 0)


def test_present_with_the_role_items_read_once_matches_present_alone(hire):
    answer(hire, "three", {"self_rating": "good"})
    later = T0 + timedelta(days=5)
    items = service.role_items(db.session, hire)
    assert list(items.required) == [
        item(k).id for k in ("three", "paid", "weekly", "ring", "ring-cloze", "fire")
    ]
    alone = service.present(db.session, hire, item("three").id, later)
    shared = service.present(db.session, hire, item("three").id, later, items=items)
    assert (alone.ticket.revision, alone.is_new, alone.intervals) == (
        shared.ticket.revision,
        shared.is_new,
        shared.intervals,
    )
    assert shared.ticket.revision == 1 and not shared.is_new
    with pytest.raises(StudyError):
        service.present(db.session, hire, item("telecom-only").id, later, items=items)
