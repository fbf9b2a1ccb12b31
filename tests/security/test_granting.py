"""A role can grant only what it holds: HR adds employees and trainers, never HR or admins,
whether one person at a time, by changing roles, or through a roster; checked at the
preview and again when the accounts are written; every role granted in bulk is audited."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import AuditEntry, Employee
from quizapp.models.types import utcnow
from quizapp.people import onboarding
from quizapp.people.service import NewPerson, PersonError, change_roles, create_person
from quizapp.roster import Hire
from tests.conftest import database_snapshot
from tests.factories import csrf_token, login, make_person

ADMIN_ROW = "工号,姓名,岗位,权限\nPWN1,新来的管理员,客服前台,管理员\n".encode()


@pytest.fixture
def hr(app):
    make_person("T0", roles=("trainer",), job_role="客服前台")
    return make_person("H1", roles=("hr",))


def upload(client, content: bytes):
    token = csrf_token(client, "/hr/import")
    return client.post(
        "/hr/import",
        data={"csrf_token": token, "file": (io.BytesIO(content), "roster.csv")},
        content_type="multipart/form-data",
    )


def test_hr_cannot_create_an_admin_through_a_roster(client, hr):
    login(client, "H1")
    page = upload(client, ADMIN_ROW).get_data(as_text=True)
    assert "你不能授予「管理员」权限" in page and "第 2 行「权限」" in page
    assert "确认导入" not in page  # nothing to confirm
    assert db.session.scalar(select(Employee.id).where(Employee.employee_no == "PWN1")) is None


def test_the_confirm_step_checks_again(hr):
    # A preview made before HR lost a right, or a forged one: the write itself refuses.
    hire = Hire(employee_no="PWN1", name="新来的管理员", job_role="客服前台", roles=("admin",))
    before = database_snapshot()
    with pytest.raises(PersonError) as raised:
        onboarding.import_hires(db.session, [hire], hr, utcnow(), "roster.csv")
    assert raised.value.field == "roles"
    db.session.rollback()
    assert database_snapshot() == before


def test_hr_grants_trainer_and_every_role_is_audited(client, hr):
    login(client, "H1")
    rows = "工号,姓名,岗位,权限\nN1,王带教,客服前台,带教\nN2,李员工,客服前台,\n".encode()
    page = upload(client, rows).get_data(as_text=True)
    token = page.split('name="payload" type="hidden" value="')[1].split('"')[0]
    confirmed = client.post(
        "/hr/import/confirm",
        data={"csrf_token": csrf_token(client, "/hr/import"), "payload": token},
    )
    assert confirmed.status_code == 200
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "bulk_import"))
    assert entry.detail["roles"] == {"N1": ["trainer"], "N2": ["employee"]}


def test_an_admin_may_import_admins_and_the_command_line_anything(app):
    admin = make_person("A1", roles=("admin",))
    make_person("T0", roles=("trainer",), job_role="客服前台")
    preview = onboarding.preview_roster(db.session, ADMIN_ROW, "roster.csv", admin)
    assert preview.ok
    assert onboarding.preview_roster(db.session, ADMIN_ROW, "roster.csv").ok  # CLI: no actor


@pytest.mark.parametrize("roles", [{"admin"}, {"hr"}, {"employee", "admin"}])
def test_hr_cannot_create_or_promote_beyond_employee_and_trainer(hr, roles):
    with pytest.raises(PersonError):
        create_person(
            db.session,
            NewPerson(employee_no="X1", name="某人", roles=frozenset(roles)),
            hr,
            utcnow(),
        )
    db.session.rollback()
    target = make_person("E9")
    with pytest.raises(PersonError):
        change_roles(db.session, target, roles | {"employee"}, hr, utcnow())
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Employee)) == 3


def test_hr_may_make_a_trainer(hr):
    target = make_person("E9")
    change_roles(db.session, target, {"employee", "trainer"}, hr, utcnow())
    assert target.roles == {"employee", "trainer"}
