"""Creating, scoping, listing and archiving assignments; whom they reach."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from quizapp.assignments.completion import people_reached
from quizapp.assignments.service import (
    AssignmentError,
    NewAssignment,
    archive_assignment,
    assignment_for,
    assignments_for,
    create_assignment,
    split_employee_nos,
)
from quizapp.extensions import db
from quizapp.models import Assignment, AuditEntry, Exam, JobRole, Site
from quizapp.study.curriculum import assigned_to
from tests.conftest import database_snapshot
from tests.factories import T0, make_person

from .conftest import TODAY, bank_id, days


def role_id(name: str) -> int:
    return db.session.scalar(select(JobRole.id).where(JobRole.name == name))


def site_id(name: str) -> int:
    return db.session.scalar(select(Site.id).where(Site.name == name))


def assign(actor, **values) -> Assignment:
    values.setdefault("title", "消防专项")
    values.setdefault("bank_ids", [bank_id("extra")])
    values.setdefault("starts_on", TODAY)
    if "due_days" not in values:
        values.setdefault("due_on", days(14))
    return create_assignment(db.session, actor, NewAssignment(**values), T0)


def reached(assignment, actor) -> list[str]:
    return [p.employee_no for p in people_reached(db.session, actor, assignment)]


def test_targeting_a_role_a_site_a_role_at_a_site_and_people(world):
    hr = world["H1"]
    front = role_id("客服前台")
    assert reached(assign(hr, audience="role", job_role_id=front), hr) == ["E1", "E2"]
    at_one = assign(hr, audience="role", job_role_id=front, site_id=site_id("一期"))
    assert reached(at_one, hr) == ["E1"]
    assert reached(assign(hr, audience="site", site_id=site_id("一期")), hr) == ["E1", "E3"]
    named = assign(hr, audience="people", employee_nos=["e3"])
    assert reached(named, hr) == ["E3"]
    # The person's side says the same.
    assert [a.title for a in assigned_to(db.session, world["E3"], T0)] == ["消防专项"] * 2
    assert len(assigned_to(db.session, world["E2"], T0)) == 1


def test_a_trainer_names_only_their_own_trainees(world):
    before = database_snapshot()
    with pytest.raises(AssignmentError) as error:
        assign(world["T1"], audience="people", employee_nos=["E1", "E2"])
    assert error.value.field == "people" and "E2" in error.value.message
    assert database_snapshot() == before
    mine = assign(world["T1"], audience="people", employee_nos=["E1", "E3"])
    assert mine.trainer_id == world["T1"].id
    assert reached(mine, world["H1"]) == ["E1", "E3"]


def test_a_trainers_role_assignment_reaches_only_their_trainees(world):
    mine = assign(world["T1"], audience="role", job_role_id=role_id("客服前台"))
    assert reached(mine, world["H1"]) == ["E1"]
    assert assigned_to(db.session, world["E2"], T0) == []
    # HR's reaches both; each trainer sees only their own trainee on it.
    everyone = assign(world["H1"], audience="role", job_role_id=role_id("客服前台"))
    assert everyone.trainer_id is None
    assert reached(everyone, world["T2"]) == ["E2"]


def test_a_standing_assignment_reaches_a_hire_created_later(world):
    standing = assign(world["H1"], audience="role", job_role_id=role_id("客服前台"), due_days=10)
    later = make_person("E9", job_role="客服前台", site="三期")
    later.hire_date = date(2026, 12, 1)
    db.session.commit()
    [found] = assigned_to(db.session, later, T0)
    assert found.id == standing.id
    assert found.due_for(later.hire_date) == date(2026, 12, 11)
    assert found.due_for(None) == days(10)
    assert found.due_for(date(2020, 1, 1)) == days(10)  # hired before the start
    assert "E9" in reached(standing, world["H1"])


def test_an_assignment_starting_later_is_not_yet_learnt(world):
    assign(world["H1"], audience="people", employee_nos=["E1"], starts_on=days(3), due_on=days(9))
    assert assigned_to(db.session, world["E1"], T0) == []
    assert len(assigned_to(db.session, world["E1"], T0.replace(day=T0.day + 3))) == 1


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "坏\u202e字"}, "title"),
        ({"bank_ids": []}, "contents"),
        ({"bank_ids": [99999]}, "contents"),
        ({"section_ids": [99999], "bank_ids": []}, "contents"),
        ({"tags": [(99999, "消防")], "bank_ids": []}, "tags"),
        ({"audience": "everyone"}, "audience"),
        ({"audience": "role"}, "job_role_id"),
        ({"audience": "site"}, "site_id"),
        ({"audience": "people"}, "people"),
        ({"audience": "people", "employee_nos": ["NOPE1"]}, "people"),
        ({"audience": "site", "site_id": 1, "starts_on": None}, "starts_on"),
        ({"audience": "site", "site_id": 1, "due_on": days(-1)}, "due_on"),
        ({"audience": "site", "site_id": 1, "due_on": None}, "due_on"),
        ({"audience": "site", "site_id": 1, "due_on": None, "due_days": 0}, "due_days"),
        ({"audience": "site", "site_id": 1, "due_on": days(3), "due_days": 5}, "due_on"),
        ({"audience": "site", "site_id": 1, "exam_id": 99999, "bank_ids": []}, "exam_id"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(world, values, field):
    before = database_snapshot()
    with pytest.raises(AssignmentError) as error:
        assign(world["H1"], **values)
    assert error.value.field == field, error.value.message
    assert database_snapshot() == before


def test_unknown_employee_number_is_named(world):
    with pytest.raises(AssignmentError) as error:
        assign(world["H1"], audience="people", employee_nos=["E1", "ZZ77"])
    assert "ZZ77" in error.value.message


def test_exam_or_items_not_both_and_trainer_uses_only_shared_or_own_exams(world):
    others = Exam(title="二号的小测", trainer_id=world["T2"].id, audience="people")
    shared = Exam(title="统一考试", audience="role")
    db.session.add_all([others, shared])
    db.session.commit()
    with pytest.raises(AssignmentError) as error:
        assign(world["H1"], audience="site", site_id=site_id("一期"), exam_id=shared.id)
    assert error.value.field == "exam_id"
    with pytest.raises(AssignmentError):
        assign(
            world["T1"], audience="site", site_id=site_id("一期"), exam_id=others.id, bank_ids=[]
        )
    made = assign(
        world["T1"], audience="site", site_id=site_id("一期"), exam_id=shared.id, bank_ids=[]
    )
    assert made.exam_id == shared.id and made.contents == []


def test_lists_are_scoped_and_archiving_stops_an_assignment(world):
    t1 = assign(world["T1"], title="一号的", audience="people", employee_nos=["E1"])
    t2 = assign(world["T2"], title="二号的", audience="people", employee_nos=["E2"])
    hr_e3 = assign(
        world["H1"], title="营业厅的", audience="role", job_role_id=role_id("营业厅营业员")
    )
    hr_e2 = assign(world["H1"], title="二期的", audience="site", site_id=site_id("二期"))
    titles = lambda actor: {a.title for a in assignments_for(db.session, actor)}  # noqa: E731
    assert titles(world["H1"]) == {"一号的", "二号的", "营业厅的", "二期的"}
    assert titles(world["T1"]) == {"一号的", "营业厅的"}
    assert titles(world["T2"]) == {"二号的", "二期的"}
    with pytest.raises(AssignmentError) as error:
        assignment_for(db.session, world["T1"], t2.id)
    assert error.value.status == 404
    with pytest.raises(AssignmentError) as error:
        archive_assignment(db.session, world["T1"], hr_e3.id, T0)  # sees it, not theirs
    assert error.value.status == 403
    archive_assignment(db.session, world["T1"], t1.id, T0)
    assert assigned_to(db.session, world["E1"], T0) == []
    assert {a.title for a in assignments_for(db.session, world["T1"], archived=True)} == {"一号的"}
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "assignment_archive")
        )
        == 1
    )
    assert hr_e2.id


def test_employees_cannot_manage_assignments(world):
    with pytest.raises(AssignmentError) as error:
        assign(world["E1"], audience="people", employee_nos=["E1"])
    assert error.value.status == 403


def test_split_employee_nos():
    assert split_employee_nos("E1, E2，E3\nE4 e5、E1;") == ["E1", "E2", "E3", "E4", "e5"]
    assert split_employee_nos("") == []
