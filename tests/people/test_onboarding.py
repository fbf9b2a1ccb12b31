"""Bulk onboarding's own transaction: every hire of a confirmed preview, or none."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import AuditEntry, Employee
from quizapp.people import onboarding
from quizapp.people.service import PersonError
from tests.conftest import database_snapshot
from tests.factories import T0, make_person

ROSTER = "工号,姓名,岗位,带教\nN001,王小明,客服前台,T1\nN002,李小红,客服前台,\n".encode()


@pytest.fixture
def hr(app):
    make_person("T1", roles=("trainer",), job_role="客服前台")
    return make_person("H1", roles=("hr",))


def test_import_hires_commits_every_hire(hr):
    preview = onboarding.preview_roster(db.session, ROSTER, "roster.csv")
    credentials = onboarding.import_hires(db.session, preview.hires, hr, T0, "roster.csv")
    assert [c.employee_no for c in credentials] == ["N001", "N002"]
    db.session.rollback()  # committed: a rollback now loses nothing
    assert db.session.scalar(select(func.count()).select_from(Employee)) == 4
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "bulk_import"))
    assert (entry.target, entry.detail["count"], entry.at) == ("roster.csv", 2, T0)


def test_import_hires_creates_nobody_when_the_database_changed_since_the_preview(hr):
    preview = onboarding.preview_roster(db.session, ROSTER, "roster.csv")
    make_person("N002")  # created meanwhile: the second row is now a duplicate
    before = database_snapshot()
    with pytest.raises(PersonError) as raised:
        onboarding.import_hires(db.session, preview.hires, hr, T0, "roster.csv")
    assert raised.value.field == "employee_no"
    assert database_snapshot() == before
