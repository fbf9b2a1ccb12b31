"""Which live assignments reach one person (quizapp.assignments.reach.assignments_of):
its statement is built once per pattern of missing attributes (no role, site or
trainer) and must still say what audience.reaching says for each person."""

from __future__ import annotations

from sqlalchemy import select

from quizapp.assignments.audience import reaching
from quizapp.assignments.reach import assignments_of
from quizapp.assignments.service import NewAssignment, create_assignment
from quizapp.extensions import db
from quizapp.models import Assignment, JobRole
from tests.factories import T0, make_person

from .conftest import TODAY, bank_id, days


def assign(actor, title, **values):
    values = {"bank_ids": [bank_id("extra")], "starts_on": TODAY, "due_on": days(14), **values}
    return create_assignment(db.session, actor, NewAssignment(title=title, **values), T0).id


def test_each_person_gets_the_assignments_that_reach_them(world):
    people = {
        **world,
        "N0": make_person("N0"),  # no job role, site or trainer
        "N1": make_person("N1", site="一期"),  # a site only
        "N2": make_person("N2", job_role="客服前台"),  # a job role only
    }
    role = db.session.scalar(select(JobRole.id).where(JobRole.name == "客服前台"))
    site = world["E1"].site_id
    hr, trainer = world["H1"], world["T1"]
    titles = {
        assign(hr, "role", job_role_id=role): "role",
        assign(hr, "role at a site", job_role_id=role, site_id=site): "role at a site",
        assign(hr, "site", audience="site", site_id=site): "site",
        assign(hr, "named", audience="people", employee_nos=["E3", "N0"]): "named",
        assign(trainer, "T1's trainees", job_role_id=role): "T1's trainees",
    }
    expected = {
        "E1": {"role", "role at a site", "site", "T1's trainees"},
        "E2": {"role"},
        "E3": {"site", "named"},
        "N0": {"named"},
        "N1": {"site"},
        "N2": {"role"},
        "T1": set(),
        "H1": set(),
    }
    for number, wanted in expected.items():
        person = people[number]
        found = {titles[a.id] for a in assignments_of(db.session, person)}
        rule = db.session.scalars(select(Assignment.id).where(reaching(Assignment, person)))
        assert found == {titles[i] for i in rule} == wanted, number
