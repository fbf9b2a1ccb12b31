"""Every route, for every kind of visitor, answers as policy.py declares.

A route added without a policy entry fails `test_every_endpoint_has_a_policy_entry`, and is
refused (403) in the meantime.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from quizapp.assignments.service import NewAssignment, create_assignment
from quizapp.exams.taking import start_attempt, submit_attempt
from quizapp.extensions import db
from quizapp.models import (
    Bank,
    BankDraft,
    BankRevision,
    Employee,
    Exam,
    ExamFixedItem,
    ExamSource,
    Item,
    JobRole,
    LoginThrottle,
    ReviewLog,
    Site,
)
from quizapp.models.types import utcnow
from quizapp.policy import POLICY, PUBLIC, allowed
from tests.conftest import DATA
from tests.factories import login, make_person

# Routes on one person's own objects (the world's review, exam and attempts are E1's):
# anyone else whom the policy lets through gets 404 from the object-level check.
OWN_OBJECT_ROUTES = {
    "study.review",
    "study.retry",
    "examroom.exam",
    "examroom.attempt",
    "examroom.summary",
    "examroom.result",
}

IDENTITIES = {
    "anonymous": None,
    "employee": ("E1", ("employee",)),
    "trainer": ("T1", ("trainer",)),
    "hr": ("H1", ("hr",)),
    "admin": ("A1", ("admin",)),
}


@pytest.fixture
def world(app, runner):
    runner.invoke(args=["bank", "import", str(DATA / "example.md")])
    make_person("A1", roles=("admin",))
    make_person("H1", roles=("hr",))
    make_person("T1", roles=("trainer",), job_role="客服前台", site="一号项目")
    employee = make_person("E1", job_role="客服前台", site="一号项目", trainer="T1")
    now = utcnow()
    lock = LoginThrottle(
        scope="account",
        key="X9",
        failures=9,
        last_failure_at=now,
        locked_until=now + timedelta(minutes=5),
    )
    db.session.add(lock)
    item = db.session.scalar(select(Item).order_by(Item.id))
    review = ReviewLog(
        employee_id=employee.id,
        item_id=item.id,
        item_version=1,
        rating=1,
        correct=False,
        server_time=now,
        answer={},
    )
    db.session.add(review)
    db.session.commit()
    trainer = db.session.scalar(select(Employee).where(Employee.employee_no == "T1"))
    exam = Exam(
        title="模拟考试",
        kind="mock",
        draw="fixed",
        attempts_allowed=2,
        audience="role",
        job_role_id=employee.job_role_id,
        trainer_id=trainer.id,
        created_by_id=trainer.id,
        sources=[ExamSource(bank_id=item.bank_id)],
        fixed_items=[ExamFixedItem(item_id=item.id, position=1)],
    )
    db.session.add(exam)
    db.session.commit()
    done = start_attempt(db.session, employee, exam.id, now)
    submit_attempt(db.session, employee, done.id, now)
    attempt = start_attempt(db.session, employee, exam.id, now)
    hr = db.session.scalar(select(Employee).where(Employee.employee_no == "H1"))
    assignment = create_assignment(
        db.session,
        hr,
        NewAssignment(
            title="岗位任务",
            bank_ids=[item.bank_id],
            audience="role",
            job_role_id=employee.job_role_id,
            starts_on=now.date(),
            due_on=now.date() + timedelta(days=7),
        ),
        now,
    )
    # Authoring: T1 owns the bank, has a draft of it, and the bank has a published revision.
    bank = db.session.get(Bank, item.bank_id)
    bank.owner_id = trainer.id
    draft = BankDraft(
        owner_id=trainer.id,
        bank_id=bank.id,
        kind="upload",
        source=(DATA / "example.md").read_text(encoding="utf-8"),
        base_hash=bank.content_hash,
    )
    db.session.add(draft)
    db.session.add(
        BankRevision(bank_id=bank.id, number=1, source=draft.source, content_hash=bank.content_hash)
    )
    db.session.commit()
    return {
        "draft_id": draft.id,
        "number": 1,
        "item_id": item.id,
        "exam_id": exam.id,
        "attempt_id": attempt.id,
        "done_attempt_id": done.id,
        "answer_id": 1,
        "assignment_id": assignment.id,
        "review_id": review.id,
        "person_id": employee.id,
        "row_id": db.session.query(JobRole.id).first()[0],
        "site_row_id": db.session.query(Site.id).first()[0],
        "lock_id": lock.id,
        "slug": "property-demo",
        "fmt": "csv",
        "filename": "app.css",
    }


def url_for_rule(rule, values: dict) -> str:
    arguments = {}
    for name in rule.arguments:
        if name == "row_id" and rule.endpoint == "admin.rename_site":
            arguments[name] = values["site_row_id"]
        elif name == "attempt_id" and rule.endpoint == "examroom.result":
            arguments[name] = values["done_attempt_id"]
        else:
            arguments[name] = values[name]
    path = rule.rule
    for name, value in arguments.items():
        path = path.replace(f"<int:{name}>", str(value)).replace(f"<{name}>", str(value))
        path = path.replace(f"<path:{name}>", str(value)).replace(
            f"<any(csv, xlsx):{name}>", str(value)
        )
    assert "<" not in path, path
    return path


def test_every_endpoint_has_a_policy_entry(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = endpoints - POLICY.keys()
    assert not missing, f"routes without a policy entry in quizapp/policy.py: {sorted(missing)}"
    assert not POLICY.keys() - endpoints, "policy entries for routes that no longer exist"


@pytest.mark.parametrize("identity", list(IDENTITIES))
def test_every_route_answers_as_the_policy_declares(app, world, identity):
    checked = 0
    # One login for all routes: the POSTs below carry no CSRF token, so none changes state.
    client = app.test_client()
    who = IDENTITIES[identity]
    if who is not None:
        response = login(client, who[0])
        assert response.status_code == 302, f"{who[0]} could not log in"
    roles = set(who[1]) if who else None
    for rule in app.url_map.iter_rules():
        method = "GET" if "GET" in rule.methods else "POST"
        path = url_for_rule(rule, world)
        response = client.open(path, method=method)
        response.close()  # static files are streamed from an open file
        where = f"{identity} {method} {path} ({rule.endpoint})"
        location = response.headers.get("Location", "")
        if POLICY[rule.endpoint] == PUBLIC:
            # (The login page sends someone already logged in on to the home page.)
            assert response.status_code in (200, 302, 400), where
            assert response.status_code != 403 and "/login?next=" not in location, where
        elif roles is None:
            assert response.status_code == 302 and location.startswith("/login?next="), where
        elif not allowed(rule.endpoint, roles):
            assert response.status_code == 403, where
        elif rule.endpoint in OWN_OBJECT_ROUTES and identity != "employee":
            assert response.status_code == 404, where
        elif method == "GET":
            # (A new hire's home page sends them on to today's study session.)
            redirected_home = rule.endpoint == "catalog.index" and location == "/study/"
            # (练错题 with no round started goes back to the 错题本.)
            redirected_home |= rule.endpoint == "study.practice" and location.endswith(
                "/study/mistakes"
            )
            assert response.status_code == 200 or redirected_home, where
        else:
            # Allowed through the policy; without a CSRF token the form is refused and the
            # person sent back — neither a 403 nor a trip to the login page.
            assert response.status_code in (302, 400), where
            assert "/login" not in location, where
        checked += 1
    assert checked == len(POLICY)
