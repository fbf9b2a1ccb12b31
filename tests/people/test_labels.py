"""Access roles, account status and counted days are shown as words of the page's
language, never as codes (employee, active) or as "1 days"."""

from __future__ import annotations

import csv
import gettext
import io

import openpyxl
import pytest

from quizapp import templating
from quizapp.extensions import db
from tests.factories import T0, login, make_person

ENGLISH = {"Accept-Language": "en-US,en;q=0.9"}


@pytest.fixture
def people(app):
    make_person("H1", roles=("hr",))
    make_person("A1", roles=("admin", "trainer"))
    make_person("E1", job_role="客服前台", name="张三")
    gone = make_person("E2", job_role="客服前台", name="李四")
    gone.status, gone.left_at = "left", T0
    db.session.commit()
    return gone


def _detail(client, person_no: str, headers=None) -> str:
    from quizapp.models import Employee

    person = db.session.query(Employee).filter_by(employee_no=person_no).one()
    return client.get(f"/people/{person.id}", headers=headers or {}).get_data(as_text=True)


def test_the_person_page_names_access_roles(client, people):
    login(client, "H1")
    page = _detail(client, "E1")
    assert '<span class="tag">员工（学习）</span>' in page
    assert '<span class="tag">employee</span>' not in page
    both = _detail(client, "A1")
    assert '<span class="tag">培训师</span><span class="tag">管理员</span>' in both
    english = _detail(client, "E1", ENGLISH)
    assert '<span class="tag">Employee (studies)</span>' in english


def _csv(client, headers=None) -> dict[str, list[str]]:
    text = client.get("/people/export.csv", headers=headers or {}).get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    return {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}


def test_the_people_export_names_roles_and_status(client, people):
    login(client, "H1")
    rows = _csv(client)
    assert (rows["E1"]["权限"], rows["E1"]["状态"]) == ("员工（学习）", "在职")
    assert (rows["E2"]["状态"], rows["H1"]["权限"]) == ("已离职", "人事（HR）")
    assert rows["A1"]["权限"] == "培训师、管理员"
    book = openpyxl.load_workbook(io.BytesIO(client.get("/people/export.xlsx").get_data()))
    values = {c.value for row in book.active.iter_rows() for c in row}
    assert {"在职", "已离职", "员工（学习）"} <= values
    assert not values & {"active", "left", "employee", "hr", "admin", "trainer"}

    english = _csv(client, ENGLISH)
    status = next(title for title in english["E1"] if english["E1"][title] == "Active")
    assert english["E2"][status] == "Left"
    assert "Employee (studies)" in english["E1"].values()


class _English(gettext.NullTranslations):
    """English plural forms for the counted-days messages (as the catalogue will have)."""

    def ungettext(self, singular, plural, n):
        words = {
            "距上岗还有 %(num)s 天": ("%(num)s day to go-live", "%(num)s days to go-live"),
            "已上岗 %(num)s 天": ("Live for %(num)s day", "Live for %(num)s days"),
        }
        one, many = words.get(singular, (singular, plural))
        return one if n == 1 else many


def test_counted_days_use_plural_forms(app, monkeypatch):
    monkeypatch.setattr(templating, "_translations", lambda: _English())
    with app.test_request_context("/"):
        macros = app.jinja_env.get_template("people/_readiness_macros.html").module
        assert str(macros.days_to_go_live(1)).strip() == "1 day to go-live"
        assert str(macros.days_to_go_live(3)).strip() == "3 days to go-live"
        assert str(macros.days_to_go_live(-1)).strip() == "Live for 1 day"
