"""One hire's report: the cohort's figures plus mastery per section, streak, activity."""

from __future__ import annotations

from datetime import timedelta

from quizapp.extensions import db
from quizapp.models import Employee
from quizapp.study.progress import report
from quizapp.study.standing import standings
from tests.factories import T0
from tests.study.util import answer


def test_report_counts_streak_and_sections(hire):
    for n in range(3):
        answer(hire, "ring", {"verdict": True}, now=T0 + timedelta(days=n))
    found = report(db.session, hire, T0 + timedelta(days=2, hours=1))
    assert found.standing.required == 6 and found.streak == 3
    assert found.per_day[-1][1] == 1
    [section] = found.sections
    assert section.title == "基础" and section.total == 6 and 0 < section.recall < 1
    assert found.standing.seen == 1 and found.standing.status in {"in_progress", "at_risk"}


def test_an_item_failed_today_is_neither_mastered_nor_counted_as_known(hire):
    for key in ("ring", "fire"):
        answer(hire, key, {"verdict": False}, now=T0)
    found = report(db.session, hire, T0 + timedelta(minutes=5))
    assert found.mastered == 0
    [section] = found.sections
    assert section.mastered == 0 and section.recall < 0.8
    assert found.standing.red_lines == 1 and found.standing.red_lines_at_risk == 1
    assert [entry.last_correct for entry in found.red_lines] == [False]


def test_a_right_answer_counts_as_mastered_the_next_day(hire):
    answer(hire, "ring", {"verdict": True}, now=T0)
    found = report(db.session, hire, T0 + timedelta(minutes=5))
    assert found.mastered == 1


def test_the_report_and_the_cohort_agree(hire):
    answer(hire, "ring", {"verdict": True}, now=T0)
    now = T0 + timedelta(hours=1)
    [cohort] = standings(db.session, now, [Employee.id == hire.id])
    assert report(db.session, hire, now).standing == cohort
