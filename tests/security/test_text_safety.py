"""One stored character must not break a page or an export (finding 8): every form that
takes free text refuses what the roster import refuses, and exports write whatever was
stored before the rule existed."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from sqlalchemy import select, update

from quizapp.extensions import db
from quizapp.models import Employee, JobRole, Site
from quizapp.textsafety import REPLACEMENT, bad_character
from tests.conftest import database_snapshot
from tests.factories import PASSWORD, csrf_token, login, make_person

REFUSED = ["\x00", "\x1b", "\n", "\x85", "\ufffe", "\uffff", "\ufdd0", "\u202e", "\u2066", "\u200f"]


@pytest.fixture
def staff(app):
    make_person("A1", roles=("admin",))
    make_person("H1", roles=("hr",))
    return make_person("E1", job_role="客服前台", site="一号项目")


def code(ch: str) -> str:
    return f"U+{ord(ch):04X}"


@pytest.mark.parametrize("field", ["name", "email", "employee_no", "phone"])
def test_the_new_person_form_refuses_the_characters(client, staff, field):
    login(client, "H1")
    token = csrf_token(client, "/people/new")
    before = database_snapshot()
    for ch in REFUSED:
        data = {"employee_no": "N1", "name": "张三", "email": "a@b.cn", "phone": ""}
        data[field] = {
            "name": f"张{ch}三",
            "email": f"a{ch}@b.cn",
            "employee_no": f"N{ch}1",
            "phone": f"1380013800{ch}0",
        }[field]
        response = client.post(
            "/people/new",
            data={"csrf_token": token, "job_role": 0, "site": 0, "trainer": 0, **data},
        )
        assert response.status_code == 200, ch
        assert code(ch) in response.get_data(as_text=True), ch
    assert database_snapshot() == before


def test_the_edit_form_refuses_the_characters(client, staff):
    login(client, "H1")
    token = csrf_token(client, "/people/new")
    before = database_snapshot()
    for ch in REFUSED:
        response = client.post(
            f"/people/{staff.id}/edit",
            data={"csrf_token": token, "name": f"张{ch}三", "job_role": 0, "site": 0, "trainer": 0},
        )
        assert response.status_code == 200, ch
        assert code(ch) in response.get_data(as_text=True), ch
    assert database_snapshot() == before


@pytest.mark.parametrize("kind", ["sites", "job-roles"])
def test_the_admin_name_forms_refuse_the_characters(client, staff, kind):
    login(client, "A1")
    token = csrf_token(client, f"/admin/{kind}")
    row = db.session.scalar(select(Site.id if kind == "sites" else JobRole.id))
    before = database_snapshot()
    for ch in REFUSED:
        added = client.post(f"/admin/{kind}", data={"csrf_token": token, "name": f"新{ch}项"})
        assert added.status_code == 200 and code(ch) in added.get_data(as_text=True), ch
        renamed = client.post(f"/admin/{kind}/{row}", data={"csrf_token": token, "name": f"新{ch}"})
        assert renamed.status_code == 302, ch
    assert database_snapshot() == before


def test_a_new_password_with_a_control_character_is_refused(client, staff):
    login(client, "E1")
    token = csrf_token(client, "/password")
    before = database_snapshot()
    response = client.post(
        "/password",
        data={
            "csrf_token": token,
            "current_password": PASSWORD,
            "new_password": "new\x00secret-42",
            "confirm": "new\x00secret-42",
        },
    )
    assert response.status_code == 200 and "U+0000" in response.get_data(as_text=True)
    assert database_snapshot() == before


def test_a_search_with_a_refused_character_is_answered(client, staff):
    login(client, "H1")
    response = client.get("/people/", query_string={"q": "张\x00"})
    assert response.status_code == 200
    assert "U+0000" in response.get_data(as_text=True)


def test_the_roster_import_refuses_the_same_characters(client, staff):
    login(client, "H1")
    body = "工号,姓名,岗位\n" + "".join(
        f"R{i},张{ch}三,客服前台\n" for i, ch in enumerate(REFUSED) if ch != "\n"
    )
    token = csrf_token(client, "/hr/import")
    response = client.post(
        "/hr/import",
        data={"csrf_token": token, "file": (io.BytesIO(body.encode("utf-8")), "r.csv")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert 'name="payload"' not in page  # nothing to confirm
    for ch in REFUSED:
        if ch != "\n":
            assert code(ch) in page, ch


@pytest.mark.parametrize("typed", ["ADMİN", "АDMIN", "张01"])
def test_look_alike_employee_numbers_are_not_new_accounts(client, staff, typed):
    make_person("ADMIN", roles=("admin",))
    login(client, "H1")
    token = csrf_token(client, "/people/new")
    before = database_snapshot()
    response = client.post(
        "/people/new",
        data={
            "csrf_token": token,
            "employee_no": typed,
            "name": "冒充",
            "job_role": 0,
            "site": 0,
            "trainer": 0,
        },
    )
    assert "英文字母" in response.get_data(as_text=True)
    assert database_snapshot() == before


def _store_directly(**names: str) -> None:
    """Text stored before the rule existed (or by a path that did not check it)."""
    if db.engine.dialect.name == "postgresql":  # PostgreSQL cannot hold NUL at all
        names = {key: value.replace("\x00", "\x01") for key, value in names.items()}
    db.session.execute(
        update(Employee).where(Employee.employee_no == "E1").values(name=names["person"])
    )
    db.session.execute(update(Site).values(name=names["site"]))
    db.session.execute(update(JobRole).values(name=names["role"]))
    db.session.commit()


def _exported(client) -> tuple[list[list[str]], list[list[object]]]:
    csv_response = client.get("/people/export.csv")
    xlsx_response = client.get("/people/export.xlsx")
    assert csv_response.status_code == 200 and xlsx_response.status_code == 200
    text = csv_response.get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    book = openpyxl.load_workbook(io.BytesIO(xlsx_response.get_data()))
    sheet = [[cell.value for cell in row] for row in book.active.iter_rows()]
    return rows, sheet


def test_exports_write_stored_bad_characters_safely(client, staff):
    login(client, "H1")
    for ch in REFUSED:
        _store_directly(person=f"张{ch}三", site=f"{ch}", role=f"={ch}岗")
        rows, sheet = _exported(client)
        for table in (rows, sheet):
            cells = [c for row in table for c in row if isinstance(c, str)]
            assert all(bad_character(c, multiline=True) is None for c in cells), table
        if ch != "\n":  # a line break is kept: a cell may hold several lines
            assert f"张{REPLACEMENT}三" in [c for row in rows for c in row], ch
            assert f"'={REPLACEMENT}岗" in [c for row in sheet for c in row], ch


def test_exports_survive_every_naughty_string(client, staff, blns):
    # Everything the database can hold (no lone surrogates; PostgreSQL holds no NUL), cut
    # to the columns' lengths (PostgreSQL refuses longer; SQLite would keep them).
    postgres = db.engine.dialect.name == "postgresql"
    storable = [
        s
        for s in blns
        if not any(0xD800 <= ord(c) <= 0xDFFF for c in s) and not (postgres and "\x00" in s)
    ]
    db.session.add_all(
        Employee(employee_no=f"B{i}", name=text[:100], email=text[:254], password_hash="x")
        for i, text in enumerate(storable)
    )
    db.session.commit()
    login(client, "H1")
    rows, sheet = _exported(client)
    assert len(rows) == len(sheet) == len(storable) + 4  # the header, A1, H1 and E1


def test_the_forms_and_the_roster_refuse_the_same_naughty_strings(app, blns):
    from types import SimpleNamespace

    from wtforms.validators import ValidationError

    from quizapp.forms import SafeText
    from quizapp.roster.text import bad_character as roster_refuses
    from quizapp.roster.text import clean_text

    validate = SafeText()
    refused = 0
    with app.test_request_context():
        for text in map(clean_text, blns):  # the roster trims a cell's edges first
            try:
                validate(None, SimpleNamespace(data=text))
            except ValidationError:
                assert roster_refuses(text) is not None, text
                refused += 1
            else:
                assert roster_refuses(text) is None, text
    assert 0 < refused < len(blns) // 4
