"""Assignments in what a person learns: the curriculum, today's session, answering,
readiness (certification) and completion."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from quizapp.assignments.completion import (
    DONE,
    IN_PROGRESS,
    NOT_STARTED,
    OVERDUE,
    assignment_progress,
    person_tasks,
)
from quizapp.assignments.service import NewAssignment, archive_assignment, create_assignment
from quizapp.extensions import db
from quizapp.facts.service import set_value
from quizapp.models import Exam, ExamAttempt, Item, JobRole, Section, SectionRole
from quizapp.study.curriculum import required_item, required_of_person, role_items
from quizapp.study.errors import StudyError
from quizapp.study.session import today_plan
from quizapp.study.standing import standings
from tests.factories import T0, load_bank
from tests.study.util import answer

from .conftest import TODAY, bank_id, days, item_id, remember

EXTRA = ["gauge", "corridor", "lamp"]


def assign(actor, **values):
    values.setdefault("title", "消防专项")
    values.setdefault("starts_on", TODAY)
    if "due_days" not in values:
        values.setdefault("due_on", days(14))
    if "exam_id" not in values and "tags" not in values:
        values.setdefault("bank_ids", [bank_id("extra")])
    return create_assignment(db.session, actor, NewAssignment(**values), T0)


def role_keys(role: str) -> list[str]:
    return list(
        db.session.scalars(
            select(Item.key)
            .join(Section, Section.id == Item.section_id)
            .join(SectionRole, SectionRole.section_id == Section.id)
            .join(JobRole, JobRole.id == SectionRole.job_role_id)
            .where(JobRole.name == role)
        )
    )


def keys(ids) -> list[str]:
    found = dict(db.session.execute(select(Item.id, Item.key)).all())
    return [found[i] for i in ids]


def test_assigned_items_join_the_role_items_with_their_deadline(world):
    e1 = world["E1"]
    before = role_items(db.session, e1, T0)
    assert before.deadlines == {}
    assign(world["H1"], audience="people", employee_nos=["E1"], due_on=days(5))
    assign(world["H1"], title="更早", audience="people", employee_nos=["E1"], due_on=days(3),
           bank_ids=[], tags=[(bank_id("extra"), "器材")])  # fmt: skip
    items = role_items(db.session, e1, T0)
    assert keys(items.required) == keys(before.required) + EXTRA
    assert {k: items.deadlines[item_id(k)] for k in EXTRA} == {
        "gauge": days(3),
        "corridor": days(5),
        "lamp": days(5),
    }
    assert keys(i.item_id for i in required_of_person(db.session, e1, T0)) == keys(items.required)


def test_a_tag_assigns_the_items_of_a_bank_carrying_it(world):
    assign(world["H1"], audience="people", employee_nos=["E3"], tags=[(bank_id("extra"), "消防")])
    items = role_items(db.session, world["E3"], T0)
    assert keys(items.required) == role_keys("营业厅营业员") + ["gauge", "corridor"]


def test_todays_session_introduces_items_due_soon_before_role_items(world):
    e1 = world["E1"]
    plain = today_plan(db.session, e1, T0)
    assert keys(plain.item_ids)[:1] == ["fire"]  # red-line first, as always
    assign(world["H1"], audience="people", employee_nos=["E1"], due_on=days(2))
    plan = today_plan(db.session, e1, T0)
    assert keys(plan.item_ids)[:3] == EXTRA
    assert set(role_keys("客服前台")) <= set(keys(plan.item_ids))


def test_an_answer_to_an_assigned_item_is_accepted_through_the_answer_path(world):
    e3 = world["E3"]
    with pytest.raises(StudyError):
        answer(e3, "lamp", {"verdict": True})
    assert required_item(db.session, e3, item_id("lamp"), T0) is None
    made = assign(world["T1"], audience="people", employee_nos=["E3"])
    assert required_item(db.session, e3, item_id("lamp"), T0) is False
    assert answer(e3, "lamp", {"verdict": True}).correct is True
    archive_assignment(db.session, world["T1"], made.id, T0)
    with pytest.raises(StudyError):
        answer(e3, "corridor", {"verdict": False})


def test_readiness_counts_assigned_items_and_follows_assignment_changes(world):
    e1 = world["E1"]

    def required() -> int:
        db.session.expire_all()
        [standing] = standings(db.session, T0, [e1.__class__.id == e1.id])
        return standing.required

    base = required()
    made = assign(world["H1"], audience="site", site_id=e1.site_id)
    assert required() == base + 3
    archive_assignment(db.session, world["H1"], made.id, T0)
    assert required() == base


def _attempt(exam, person, passed, number=1):
    # (Core insert: the ORM would fill open_slot's default in for None.)
    db.session.execute(
        insert(ExamAttempt.__table__).values(
            exam_id=exam.id,
            employee_id=person.id,
            number=number,
            status="submitted",
            open_slot=None,
            started_at=T0 - timedelta(hours=2),
            submitted_at=T0 - timedelta(hours=1),
            score=0.9 if passed else 0.3,
            passed=passed,
            review_pending=False,
        )
    )
    db.session.commit()


def test_a_ready_hire_with_the_exam_passed_is_certified(world):
    e1 = world["E1"]
    remember(e1, role_keys("客服前台"))

    def status() -> str:
        db.session.expire_all()
        [standing] = standings(db.session, T0, [e1.__class__.id == e1.id])
        return standing.status

    assert status() == "ready"
    exam = Exam(title="上岗考试", audience="role")
    db.session.add(exam)
    db.session.commit()
    assign(world["H1"], audience="people", employee_nos=["E1"], exam_id=exam.id)
    assert status() == "ready"  # required, not passed
    _attempt(exam, e1, passed=False)
    assert status() == "ready"
    _attempt(exam, e1, passed=True, number=2)
    assert status() == "certified"


def test_completion_statuses(world):
    e1, e2 = world["E1"], world["E2"]
    remember(e1, EXTRA)  # all known: done
    remember(e2, ["gauge"])  # some: in progress
    remember(e2, ["corridor"], rating=1)  # last answer wrong: not at target
    made = assign(world["H1"], audience="role", job_role_id=e1.job_role_id)
    assign(world["H1"], title="营业厅", audience="people", employee_nos=["E3"])
    _assignment, people = assignment_progress(db.session, world["H1"], made.id, T0)
    found = {p.person.employee_no: (p.status, round(p.share, 3)) for p in people}
    assert found == {"E1": (DONE, 1.0), "E2": (IN_PROGRESS, 0.333)}
    late = assign(
        world["H1"],
        title="逾期",
        audience="people",
        employee_nos=["E1", "E2", "E3"],
        starts_on=days(-10),
        due_on=days(-2),
    )
    _assignment, people = assignment_progress(db.session, world["H1"], late.id, T0)
    assert [(p.person.employee_no, p.status, p.overdue_days) for p in people] == [
        ("E2", OVERDUE, 2),
        ("E3", OVERDUE, 2),
        ("E1", DONE, 0),
    ]
    # Not started: no answer on any assigned item (and the due date still ahead).
    [task] = [
        t for t in person_tasks(db.session, world["E3"], T0) if t.assignment.title == "营业厅"
    ]
    assert task.progress.status == NOT_STARTED and task.progress.days_left == 14


def test_exam_assignment_completion(world):
    exam = Exam(title="上岗考试", audience="role")
    db.session.add(exam)
    db.session.commit()
    made = assign(world["H1"], audience="site", site_id=world["E1"].site_id, exam_id=exam.id)
    _attempt(exam, world["E1"], passed=True)
    _attempt(exam, world["E3"], passed=False)
    _assignment, people = assignment_progress(db.session, world["H1"], made.id, T0)
    assert {p.person.employee_no: p.status for p in people} == {"E1": DONE, "E3": IN_PROGRESS}


def _statements(run) -> int:
    from sqlalchemy import event

    seen = []

    def count(*_args, **_kwargs):
        seen.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        run()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)


def test_the_cohort_costs_the_same_however_many_hires_share_assignments(world):
    from tests.factories import make_person

    assign(world["H1"], audience="role", job_role_id=world["E1"].job_role_id)
    assign(world["H1"], title="一期", audience="site", site_id=world["E1"].site_id,
           bank_ids=[], tags=[(bank_id("extra"), "器材")])  # fmt: skip
    few = _statements(lambda: standings(db.session, T0, use_cache=False))
    for n in range(5):
        make_person(f"N{n}", job_role="客服前台", site="一期")
    many = _statements(lambda: standings(db.session, T0, use_cache=False))
    assert many == few
    found = {s.employee_no: s.required for s in standings(db.session, T0, use_cache=False)}
    assert found["N0"] == found["E1"] == len(role_keys("客服前台")) + 3
    assert found["E2"] == len(role_keys("客服前台")) + 3  # the role's, not the site's
    assert found["E3"] == len(role_keys("营业厅营业员")) + 1  # the site's tag


FACT_BANK = """---
id: facts
title: 公司信息
roles: 无此岗位
变量：服务热线
---

# 公司
岗位：无此岗位

## 灭火器放在哪里？
编号：where
答案：走廊

## 客服热线是多少？
编号：hotline
答案：{{服务热线}}
"""


def test_completion_leaves_out_items_hidden_for_lack_of_a_company_fact(world):
    load_bank(FACT_BANK)
    e1, e2 = world["E1"], world["E2"]
    remember(e1, ["where"])
    remember(e2, ["where"])
    made = assign(world["H1"], audience="role", job_role_id=e1.job_role_id,
                  bank_ids=[bank_id("facts")])  # fmt: skip
    _assignment, people = assignment_progress(db.session, world["H1"], made.id, T0)
    # No hotline anywhere: the item is hidden from both, who know all they are shown.
    assert {p.person.employee_no: (p.status, p.items) for p in people} == {
        "E1": (DONE, 1),
        "E2": (DONE, 1),
    }
    set_value(db.session, "服务热线", e2.site_id, "400-000-0000", world["H1"], T0)
    _assignment, people = assignment_progress(db.session, world["H1"], made.id, T0)
    assert {p.person.employee_no: (p.status, p.items) for p in people} == {
        "E1": (DONE, 1),
        "E2": (IN_PROGRESS, 2),
    }
