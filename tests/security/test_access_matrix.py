"""Every route on a person's or an answer's object, for every kind of visitor and every kind
of target, with a valid CSRF token: only what docs/security.md allows succeeds.

tests/test_policy.py checks each route against its role table; this checks the objects:
own against someone else's answer, a trainer's own trainee against a hire of the same site
who is not theirs and against a hire elsewhere, HR against an admin's account. Success is
a 2xx, or a redirect that is not to the login page; anything else must be 403 or 404.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Employee, Item, ReviewLog
from quizapp.models.types import utcnow
from tests.conftest import DATA
from tests.factories import csrf_token, login, make_person

IDENTITIES = ["anonymous", "employee", "trainer", "hr", "admin", "deactivated"]
LOGINS = {"employee": "E1", "trainer": "T1", "hr": "H1", "admin": "A1", "deactivated": "D1"}


@pytest.fixture
def world(app, runner):
    runner.invoke(args=["bank", "import", str(DATA / "example.md")])
    make_person("A1", roles=("admin",))
    make_person("A2", roles=("admin",))
    make_person("H1", roles=("hr",))
    make_person("H2", roles=("hr",))
    make_person("T1", roles=("trainer",), job_role="客服前台", site="一号项目")
    make_person("T2", roles=("trainer",), job_role="客服前台", site="二号项目")
    make_person("E1", job_role="客服前台", site="一号项目", trainer="T1")
    # Same site and job role as T1 (T1 sees them), but T2's trainee.
    make_person("E2", job_role="客服前台", site="一号项目", trainer="T2")
    # Another site: outside T1's view altogether.
    make_person("E3", site="二号项目", trainer="T2")
    deactivated = make_person("D1", job_role="客服前台", site="一号项目", trainer="T1")
    deactivated.status = "left"
    item = db.session.scalar(select(Item).order_by(Item.id))
    reviews = {}
    for number in ("E1", "E2"):
        person = db.session.scalar(select(Employee).where(Employee.employee_no == number))
        review = ReviewLog(
            employee_id=person.id,
            item_id=item.id,
            item_version=1,
            rating=1,
            correct=False,
            server_time=utcnow() - timedelta(minutes=1),
            answer={},
        )
        db.session.add(review)
        db.session.flush()
        reviews[number] = review.id
    db.session.commit()
    people = dict(db.session.execute(select(Employee.employee_no, Employee.id)).all())
    return {"people": people, "reviews": reviews}


def may(identity: str, endpoint: str, target: str) -> bool:
    """What docs/security.md allows: `target` is an employee number (people routes) or the
    owner of an answer (study routes)."""
    if identity in ("anonymous", "deactivated"):
        return False
    if endpoint.startswith("study."):
        return identity == "employee" and target == "E1"
    if identity == "admin":
        return True
    if endpoint == "admin.person_roles":
        return False
    if identity == "hr":  # sees everyone; manages everyone but admins
        return endpoint in ("people.detail", "people.readiness") or not target.startswith("A")
    if identity == "trainer":
        if endpoint == "people.detail":  # sees their trainees, their site, their job role
            return target in ("E1", "E2", "T1", "T2", "D1")
        if endpoint == "people.reset_password":  # acts only for their own trainees
            return target in ("E1", "D1")
        if endpoint == "people.readiness":  # reads only their own trainees' reports
            return target in ("E1", "D1")
    return False


# (endpoint, method, path, what the target is): every route on one person or one answer.
PERSON_ROUTES = [
    ("people.detail", "GET", "/people/{id}"),
    ("people.readiness", "GET", "/people/{id}/readiness"),
    ("people.edit", "GET", "/people/{id}/edit"),
    ("admin.person_roles", "GET", "/admin/people/{id}/roles"),
    ("people.reset_password", "POST", "/people/{id}/reset-password"),
    ("people.edit", "POST", "/people/{id}/edit"),
    ("admin.person_roles", "POST", "/admin/people/{id}/roles"),
    ("people.reactivate", "POST", "/people/{id}/reactivate"),
]
REVIEW_ROUTES = [
    ("study.review", "GET", "/study/review/{id}"),
    ("study.retry", "GET", "/study/retry/{id}"),
    ("study.overrule_review", "POST", "/study/overrule/{id}"),
]
TARGETS = ["A2", "H2", "T1", "T2", "E1", "E2", "E3", "D1"]


def succeeded(response) -> bool:
    location = response.headers.get("Location", "")
    if response.status_code == 302:
        return "/login" not in location
    return 200 <= response.status_code < 300


@pytest.mark.parametrize("identity", IDENTITIES)
def test_only_allowed_object_routes_succeed(app, world, identity):
    client = app.test_client()
    if identity in LOGINS:
        response = login(client, LOGINS[identity])
        logged_in = response.status_code == 302 and "/login" not in response.headers["Location"]
        assert logged_in == (identity != "deactivated"), identity
    token = csrf_token(
        client, "/login" if identity in ("anonymous", "deactivated") else "/password"
    )
    checked = []
    cases = [
        (route, number, world["people"][number]) for route in PERSON_ROUTES for number in TARGETS
    ]
    cases += [
        (route, owner, world["reviews"][owner]) for route in REVIEW_ROUTES for owner in ("E1", "E2")
    ]
    for (endpoint, method, pattern), target, object_id in cases:
        path = pattern.format(id=object_id)
        data = {"csrf_token": token}
        if endpoint == "study.overrule_review":
            data["verdict"] = "right"
        response = client.open(path, method=method, data=data if method == "POST" else None)
        where = f"{identity} {method} {path} ({endpoint} on {target}): {response.status_code}"
        if may(identity, endpoint, target):
            # Overruling a multiple-choice answer is refused by the service (nothing to
            # overrule): 409, on the employee's own answer only.
            assert succeeded(response) or response.status_code == 409, where
        else:
            assert not succeeded(response), where
            if identity not in ("anonymous", "deactivated"):
                assert response.status_code in (403, 404), where
        checked.append(where)
    assert len(checked) == len(PERSON_ROUTES) * len(TARGETS) + len(REVIEW_ROUTES) * 2


def test_deactivating_follows_the_same_rules(app, world):
    # Last, apart: deactivating changes the world the other cases depend on.
    people = world["people"]
    hr = app.test_client()
    login(hr, "H1")
    token = csrf_token(hr, "/password")
    assert (
        hr.post(f"/people/{people['A2']}/deactivate", data={"csrf_token": token}).status_code == 403
    )
    assert succeeded(hr.post(f"/people/{people['E3']}/deactivate", data={"csrf_token": token}))
    trainer = app.test_client()
    login(trainer, "T1")
    token = csrf_token(trainer, "/password")
    assert (
        trainer.post(f"/people/{people['E1']}/deactivate", data={"csrf_token": token}).status_code
        == 403
    )
    db.session.expire_all()
    statuses = dict(db.session.execute(select(Employee.employee_no, Employee.status)).all())
    assert (statuses["A2"], statuses["E3"], statuses["E1"]) == ("active", "left", "active")
