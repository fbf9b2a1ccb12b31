"""The admin use cases, called directly: what they write, what they refuse, and that a
refusal leaves the data as it was."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from quizapp.admin import service
from quizapp.admin.service import JOB_ROLES, SITES, NamedRow, StudySettings
from quizapp.extensions import db
from quizapp.models import AuditEntry, JobRole, LoginThrottle, Site
from quizapp.models.types import utcnow
from quizapp.people.service import PersonError
from tests.conftest import database_snapshot
from tests.factories import T0, make_person


@pytest.fixture
def admin(app):
    return make_person("A1", roles=("admin",))


def audit_entries(action: str) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
    )


def test_adding_a_job_role_trims_its_name_and_audits_it(admin):
    assert service.add_row(db.session, JOB_ROLES, "  工程维修 ", admin, T0) == "工程维修"
    db.session.expire_all()
    role = db.session.scalar(select(JobRole).where(JobRole.name == "工程维修"))
    assert role is not None
    [entry] = audit_entries("job_role_change")
    assert (entry.actor_id, entry.target, entry.detail, entry.at) == (
        admin.id,
        "工程维修",
        {"created": "工程维修"},
        T0,
    )


@pytest.mark.parametrize("kind", [JOB_ROLES, SITES], ids=["job role", "site"])
def test_adding_a_duplicate_name_changes_nothing_and_names_the_field(admin, kind):
    service.add_row(db.session, kind, "一号", admin, T0)
    before = database_snapshot()
    with pytest.raises(PersonError) as raised:
        service.add_row(db.session, kind, " 一号", admin, T0 + timedelta(minutes=1))
    assert raised.value.field == "name"
    assert raised.value.template == "已有同名的一项：%(name)s"
    assert raised.value.params == {"name": "一号"}
    assert database_snapshot() == before


def test_a_blank_name_is_refused(admin):
    before = database_snapshot()
    with pytest.raises(PersonError) as raised:
        service.add_row(db.session, SITES, "   ", admin, T0)
    assert (raised.value.field, raised.value.template) == ("name", "请输入名称")
    assert database_snapshot() == before


@pytest.mark.parametrize(
    "kind, model, action",
    [(JOB_ROLES, JobRole, "job_role_change"), (SITES, Site, "site_change")],
    ids=["job role", "site"],
)
def test_renaming_writes_the_audit_entry(admin, kind, model, action):
    service.add_row(db.session, kind, "旧名", admin, T0)
    row_id = db.session.scalar(select(model.id).where(model.name == "旧名"))
    later = T0 + timedelta(hours=1)
    renamed = service.rename_row(db.session, kind, row_id, " 新名 ", admin, later)
    assert (renamed.old, renamed.new) == ("旧名", "新名")
    db.session.expire_all()
    assert db.session.get(model, row_id).name == "新名"
    entry = audit_entries(action)[-1]
    assert (entry.actor_id, entry.target, entry.detail, entry.at) == (
        admin.id,
        "新名",
        {"renamed": ["旧名", "新名"]},
        later,
    )


def test_renaming_to_another_rows_name_changes_nothing(admin):
    service.add_row(db.session, JOB_ROLES, "客服前台", admin, T0)
    service.add_row(db.session, JOB_ROLES, "贴心管家", admin, T0)
    role_id = db.session.scalar(select(JobRole.id).where(JobRole.name == "贴心管家"))
    before = database_snapshot()
    with pytest.raises(PersonError) as raised:
        service.rename_row(db.session, JOB_ROLES, role_id, "客服前台", admin, T0)
    assert raised.value.field == "name" and raised.value.params == {"name": "客服前台"}
    assert database_snapshot() == before
    assert db.session.get(JobRole, role_id).name == "贴心管家"


def test_renaming_to_its_own_name_is_allowed(admin):
    service.add_row(db.session, SITES, "一号项目", admin, T0)
    site_id = db.session.scalar(select(Site.id))
    renamed = service.rename_row(db.session, SITES, site_id, "一号项目", admin, T0)
    assert (renamed.old, renamed.new) == ("一号项目", "一号项目")


def test_renaming_a_missing_row_writes_nothing(admin):
    before = database_snapshot()
    assert service.rename_row(db.session, SITES, 999, "新名", admin, T0) is None
    assert database_snapshot() == before


def test_rows_come_with_their_number_of_people(admin):
    make_person("E1", job_role="客服前台")
    make_person("E2", job_role="客服前台")
    db.session.add(JobRole(name="工程维修"))
    db.session.commit()
    rows = service.rows_with_counts(db.session, JOB_ROLES)
    assert all(isinstance(row, NamedRow) for row in rows)
    assert {row.name: row.people for row in rows} == {"客服前台": 2, "工程维修": 0}


def test_study_settings_are_saved_and_audited_only_when_changed(admin):
    role = JobRole(name="客服前台")
    db.session.add(role)
    db.session.commit()
    settings = StudySettings(
        desired_retention=0.95,
        daily_new_cap=10,
        session_minutes=8,
        day_boundary_hour=5,
        readiness_target=0.85,
    )
    service.save_study_settings(db.session, role.id, settings, admin, T0)
    db.session.expire_all()
    role = db.session.get(JobRole, role.id)
    assert (
        role.desired_retention,
        role.daily_new_cap,
        role.session_minutes,
        role.day_boundary_hour,
        role.readiness_target,
    ) == (0.95, 10, 8, 5, 0.85)
    [entry] = audit_entries("job_role_change")
    assert entry.target == "客服前台"
    assert entry.detail == {
        "settings": {
            "desired_retention": 0.95,
            "daily_new_cap": 10,
            "session_minutes": 8,
            "day_boundary_hour": 5,
            "readiness_target": 0.85,
        }
    }
    # The same settings again: nothing to record.
    service.save_study_settings(db.session, role.id, settings, admin, T0)
    assert len(audit_entries("job_role_change")) == 1


@pytest.mark.parametrize(
    "field, value",
    [
        ("desired_retention", 1.5),
        ("daily_new_cap", 501),
        ("session_minutes", 0),
        ("day_boundary_hour", 24),
        ("readiness_target", 1.0),
        ("readiness_target", 0.2),
    ],
)
def test_study_settings_out_of_range_change_nothing(admin, field, value):
    role = JobRole(name="客服前台")
    db.session.add(role)
    db.session.commit()
    values = {
        "desired_retention": 0.9,
        "daily_new_cap": 20,
        "session_minutes": 10,
        "day_boundary_hour": 4,
    }
    values[field] = value
    before = database_snapshot()
    with pytest.raises(PersonError) as raised:
        service.save_study_settings(db.session, role.id, StudySettings(**values), admin, T0)
    assert raised.value.field == field
    assert database_snapshot() == before


def test_access_roles_change_with_an_audit_entry(admin):
    person = make_person("E1")
    service.change_access_roles(db.session, person.id, {"employee", "trainer"}, admin, T0)
    db.session.expire_all()
    assert db.session.get(type(person), person.id).roles == {"employee", "trainer"}
    [entry] = audit_entries("role_change")
    assert (entry.target, entry.detail) == (
        "E1",
        {"before": ["employee"], "after": ["employee", "trainer"]},
    )


def test_an_admin_cannot_remove_their_own_admin_access(admin):
    before = database_snapshot()
    with pytest.raises(PersonError) as raised:
        service.change_access_roles(db.session, admin.id, {"hr"}, admin, T0)
    assert raised.value.field == "roles"
    assert database_snapshot() == before
    assert admin.roles == {"admin"}


def test_unlocking_removes_the_lock_and_audits_it(admin):
    lock = LoginThrottle(
        scope="account",
        key="X9",
        failures=9,
        last_failure_at=T0,
        locked_until=T0 + timedelta(minutes=5),
    )
    db.session.add(lock)
    db.session.commit()
    assert service.dashboard_counts(db.session, T0).locks == 1
    assert service.unlock(db.session, lock.id, admin, T0).key == "X9"
    assert db.session.scalar(select(LoginThrottle)) is None
    [entry] = audit_entries("unlock")
    assert (entry.actor_id, entry.target) == (admin.id, "account:X9")
    before = database_snapshot()
    assert service.unlock(db.session, lock.id, admin, T0) is None
    assert database_snapshot() == before


def test_dashboard_counts_people_and_locks_in_force(admin):
    make_person("E1")
    db.session.add(
        LoginThrottle(
            scope="address", key="10.0.0.1", failures=30, last_failure_at=T0, locked_until=T0
        )
    )
    db.session.commit()
    counts = service.dashboard_counts(db.session, T0 + timedelta(seconds=1))
    assert (counts.people, counts.locks) == (2, 0)  # the lock has ended


def test_the_audit_log_pages_newest_first(admin):
    # After the admin's own "person_create" entry, which make_person wrote just now.
    start = utcnow() + timedelta(hours=1)
    for minute in range(5):
        service.add_row(
            db.session, SITES, f"项目{minute}", admin, start + timedelta(minutes=minute)
        )
    first = service.audit_page(db.session, 1, per_page=2)
    assert [e.target for e in first.entries] == ["项目4", "项目3"] and first.has_more
    last = service.audit_page(db.session, 3, per_page=2)
    assert [e.target for e in last.entries] == ["项目0", "A1"] and not last.has_more
    assert service.audit_page(db.session, 0, per_page=2).page == 1
