"""History: replaying the log rebuilds every state; changed answers send learners back."""

from __future__ import annotations

from datetime import timedelta

from quizapp import srs
from quizapp.extensions import db
from quizapp.study.answers import overrule, undo_last
from quizapp.study.history import replay_state
from quizapp.study.memory import to_srs
from quizapp.study.session import present
from tests.factories import STUDY_BANK as BANK
from tests.factories import T0, load_bank
from tests.study.util import answer, item, snapshot, state_of


def test_replaying_the_log_reproduces_every_memory_state(hire):
    day = timedelta(days=1)
    answer(hire, "ring", {"verdict": True})
    answer(hire, "ring", {"verdict": False}, now=T0 + 2 * day)
    answer(hire, "ring", {"verdict": True}, now=T0 + 2 * day + timedelta(minutes=1))
    answer(hire, "three", {"text": "说话轻"}, now=T0 + day)
    typed = answer(hire, "three", {"text": "走路轻"}, now=T0 + 3 * day)
    overrule(db.session, hire, typed.id, True, T0 + 3 * day)
    answer(hire, "paid", {"choices": [0]}, now=T0 + day)
    undo_last(db.session, hire, T0 + 4 * day)
    for key in ("ring", "three", "paid"):
        row = state_of(hire, key)
        replayed = replay_state(db.session, hire, item(key).id)
        assert (to_srs(row) if row else None) == replayed, key


def test_an_answer_that_reaches_the_row_late_still_replays(hire):
    # A hand-in stamped at T0 + 1 min waited for the row behind an answer stamped at
    # T0 + 2 min: it is applied second, so it must replay second.
    first = answer(hire, "ring", {"verdict": True}, now=T0 + timedelta(minutes=2))
    late = answer(hire, "ring", {"verdict": False}, now=T0 + timedelta(minutes=1))
    assert late.server_time == first.server_time and late.id > first.id
    replayed = replay_state(db.session, hire, item("ring").id)
    assert to_srs(state_of(hire, "ring")) == replayed
    assert replayed.lapses == 1


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
    card = present(db.session, hire, item("three").id, T0 + timedelta(days=2))
    assert card.changes == {"added": ["表情轻"], "removed": []}
    answer(hire, "three", {"self_rating": "good"}, now=T0 + timedelta(days=2, minutes=1))
    assert state_of(hire, "three").changed_from_version is None  # shown once with the note
    replayed = replay_state(db.session, hire, item("three").id)
    assert to_srs(state_of(hire, "three")) == replayed
