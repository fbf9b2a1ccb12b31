"""The staff's use cases on one person, called directly: each commits all of its change or,
refused, leaves the data as it was."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import AuditEntry, Employee, JobRole, Site
from quizapp.people import manage
from quizapp.people.manage import PersonDetails
from quizapp.people.service import PersonError
from tests.conftest import database_snapshot
from tests.factories import T0, make_person


@pytest.fixture
def hr(app):
    return make_person("H1", roles=("hr",))


def details(person: Employee, **changes) -> PersonDetails:
    """The person's details as the edit form shows them, with some changed."""
    values = {
        "name": person.name,
        "phone": person.phone,
        "email": person.email,
        "job_role_id": person.job_role_id,
        "site_id": person.site_id,
        "hire_date": person.hire_date,
        "go_live_date": person.go_live_date,
        "trainer_id": person.trainer_id,
    }
    values.update(changes)
    return PersonDetails(**values)


def actions(target: str) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.target == target).order_by(AuditEntry.id)
        )
    )


def test_an_update_is_saved_with_an_audit_entry_of_what_changed(hr):
    person = make_person("E1", job_role="客服前台")
    later = T0 + timedelta(days=1)
    manage.update_account(
        db.session,
        person.id,
        details(person, name=" 新名字 ", go_live_date=date(2026, 11, 16)),
        hr,
        later,
    )
    db.session.expire_all()
    person = db.session.get(Employee, person.id)
    assert (person.name, person.go_live_date, person.updated_at) == (
        "新名字",
        date(2026, 11, 16),
        later,
    )
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "person_update"))
    assert (entry.actor_id, entry.target) == (hr.id, "E1")
    assert entry.detail == {
        "name": ["测试E1", "新名字"],
        "go_live_date": ["None", "2026-11-16"],
    }


@pytest.mark.parametrize(
    "change, field",
    [
        ({"name": "  "}, "name"),
        ({"job_role_id": 999}, "job_role"),
        ({"site_id": 999}, "site"),
        ({"trainer_id": 999}, "trainer"),
        ({"trainer_id": "self"}, "trainer"),
        ({"trainer_id": "not a trainer"}, "trainer"),
    ],
)
def test_a_failed_update_leaves_the_row_unchanged(hr, change, field):
    person = make_person("T2", roles=("trainer",), job_role="客服前台", site="一号项目")
    if change.get("trainer_id") == "self":
        change = {"trainer_id": person.id}
    elif change.get("trainer_id") == "not a trainer":
        change = {"trainer_id": hr.id}
    # Other fields change too: none of them may be written.
    wanted = details(person, phone="13800138000", email="a@b.cn", **change)
    before = database_snapshot()
    with pytest.raises(PersonError) as raised:
        manage.update_account(db.session, person.id, wanted, hr, T0)
    assert raised.value.field == field
    assert database_snapshot() == before
    assert (person.phone, person.email) == ("", "")


def test_an_update_of_a_missing_person_writes_nothing(hr):
    before = database_snapshot()
    assert manage.update_account(db.session, 999, PersonDetails(name="谁"), hr, T0) is None
    assert database_snapshot() == before


def test_an_account_is_created_with_a_one_time_password(hr):
    trainer = make_person("T1", roles=("trainer",))
    role = JobRole(name="客服前台")
    site = Site(name="一号项目")
    db.session.add_all([role, site])
    db.session.commit()
    person, secret = manage.create_account(
        db.session,
        " ｐ００１",
        PersonDetails(name="孙新", job_role_id=role.id, site_id=site.id, trainer_id=trainer.id),
        hr,
        T0,
    )
    db.session.expire_all()
    created = db.session.scalar(select(Employee).where(Employee.employee_no == "P001"))
    assert created.id == person.id and created.must_change_password
    assert (created.job_role.name, created.site.name, created.trainer.employee_no) == (
        "客服前台",
        "一号项目",
        "T1",
    )
    assert created.check_password(secret)
    assert actions("P001") == ["person_create"]


@pytest.mark.parametrize(
    "number, wanted, field",
    [
        ("h1", PersonDetails(name="重复"), "employee_no"),
        ("P002", PersonDetails(name=""), "name"),
        ("P003", PersonDetails(name="甲", job_role_id=999), "job_role"),
        ("P004", PersonDetails(name="乙", trainer_id=-1), "trainer"),
    ],
)
def test_a_refused_account_creates_nothing(hr, number, wanted, field):
    before = database_snapshot()
    with pytest.raises(PersonError) as raised:
        manage.create_account(db.session, number, wanted, hr, T0)
    assert raised.value.field == field
    assert database_snapshot() == before


def test_nobody_deactivates_their_own_account(hr):
    before = database_snapshot()
    with pytest.raises(PersonError) as raised:
        manage.deactivate_account(db.session, hr.id, hr, T0)
    assert raised.value.template == "不能停用自己的账号。"
    assert database_snapshot() == before


def test_deactivate_and_reactivate(hr):
    person = make_person("E1")
    version = person.session_version
    manage.deactivate_account(db.session, person.id, hr, T0)
    db.session.expire_all()
    person = db.session.get(Employee, person.id)
    assert (person.status, person.left_at, person.session_version) == ("left", T0, version + 1)
    manage.reactivate_account(db.session, person.id, hr, T0 + timedelta(days=1))
    db.session.expire_all()
    person = db.session.get(Employee, person.id)
    assert (person.status, person.left_at) == ("active", None)
    assert actions("E1") == ["person_create", "deactivate", "reactivate"]


def test_a_password_reset_returns_a_working_one_time_password(hr):
    person = make_person("E1")
    secret = manage.reset_account_password(db.session, person.id, hr, T0)
    db.session.expire_all()
    person = db.session.get(Employee, person.id)
    assert person.check_password(secret) and person.must_change_password
    assert actions("E1") == ["person_create", "password_reset"]
    assert manage.reset_account_password(db.session, 999, hr, T0) is None


def test_choices_offer_rows_by_name_and_active_trainers_only(hr):
    make_person("T2", roles=("trainer",), job_role="客服前台", site="一号项目", name="乙")
    make_person("T1", roles=("trainer",), name="甲")
    gone = make_person("T3", roles=("trainer",), name="丙")
    gone.status = "left"
    db.session.commit()
    assert [name for _id, name in manage.trainer_choices(db.session)] == ["T1 甲", "T2 乙"]
    assert [name for _id, name in manage.job_role_choices(db.session)] == ["客服前台"]
    assert [name for _id, name in manage.site_choices(db.session)] == ["一号项目"]


def test_export_rows_follow_the_header(hr):
    make_person("T1", roles=("trainer",))
    make_person("E1", job_role="客服前台", site="一号项目", trainer="T1", name="张三")
    rows = {row[0]: row for row in manage.export_rows(db.session, hr, T0)}
    assert len(manage.EXPORT_HEADER) == len(rows["E1"])
    assert rows["E1"] == [
        "E1",
        "张三",
        "",
        "",
        "客服前台",
        "一号项目",
        "",
        "",
        "T1",
        "员工（学习）",  # labels, not the codes employee / active
        "在职",
        "",  # no bank: nothing to learn, no readiness figures
        "",
        "",
        "",
    ]
    assert set(rows) == {"H1", "T1", "E1"}


def test_export_rows_carry_a_hires_readiness(hr):
    from tests.factories import load_bank
    from tests.study.util import answer

    load_bank()
    hire = make_person("E1", job_role="客服前台")
    hire.go_live_date = date(2026, 11, 30)
    db.session.commit()
    answer(hire, "ring", {"verdict": True}, now=T0)
    rows = {row[0]: row for row in manage.export_rows(db.session, hr, T0 + timedelta(hours=1))}
    readiness, coverage, status, forecast = rows["E1"][-4:]
    assert 0 < readiness <= 100 and coverage == 17  # one of six items
    assert status in ("学习中", "有风险")  # the source-language label by default
    assert forecast == "" or date.fromisoformat(forecast) >= date(2026, 11, 2)
    assert rows["H1"][-4:] == ["", "", "", ""]  # not a hire
