"""HR and admin pages: people, bulk onboarding, exports, access roles, job roles, sites, audit;
and the `quizapp user` and `quizapp demo` commands."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from datetime import date, datetime

import openpyxl
import pytest
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import AuditEntry, Employee, JobRole, Site
from quizapp.models.types import utcnow
from quizapp.people import onboarding
from tests.conftest import database_snapshot
from tests.factories import PASSWORD, csrf_token, login, make_person

HEADER = "工号,姓名,手机,岗位,项目,入职日期,带教\n"
GOOD_ROWS = "N001,王小明,13800138000,客服前台,一号项目,2026-11-02,T1\nn002,李小红,,贴心管家,一号项目,2026/11/03,\n"


@pytest.fixture
def hr(app):
    make_person("T1", roles=("trainer",), job_role="客服前台")
    db.session.add(JobRole(name="贴心管家"))
    db.session.commit()
    return make_person("H1", roles=("hr",))


def upload(client, content: bytes, filename: str):
    token = csrf_token(client, "/hr/import")
    return client.post(
        "/hr/import",
        data={"csrf_token": token, "file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def people_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Employee))


@pytest.mark.parametrize(
    "encoding, prefix",
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gbk", b"")],
    ids=["utf-8", "utf-8-bom", "gbk"],
)
def test_bulk_import_csv_preview_confirm_and_handout(app, client, hr, encoding, prefix):
    login(client, "H1")
    before = people_count()
    preview = upload(client, prefix + (HEADER + GOOD_ROWS).encode(encoding), "roster.csv")
    page = preview.get_data(as_text=True)
    assert "预览：2 人，没有错误" in page
    assert people_count() == before  # nothing written before HR confirms
    payload = re.search(r'name="payload" type="hidden" value="([^"]+)"', page).group(1)
    token = csrf_token(client, "/hr/import")
    done = client.post("/hr/import/confirm", data={"csrf_token": token, "payload": payload})
    page = done.get_data(as_text=True)
    assert "已创建 2 个账号" in page
    assert people_count() == before + 2
    created = db.session.scalar(select(Employee).where(Employee.employee_no == "N002"))
    assert (created.name, created.job_role.name, created.must_change_password) == (
        "李小红",
        "贴心管家",
        True,
    )
    assert (
        db.session.scalar(
            select(Employee).where(Employee.employee_no == "N001")
        ).trainer.employee_no
        == "T1"
    )
    # The page shows each one-time password once, and can hand the list out as a CSV.
    passwords = dict(
        re.findall(
            r'name="employee_no" value="([^"]+)">\s*<input type="hidden" name="name" value="[^"]+">\s*<input type="hidden" name="password" value="([^"]+)"',
            page,
        )
    )
    assert set(passwords) == {"N001", "N002"}
    handout = client.post(
        "/hr/import/handout",
        data={
            "csrf_token": token,
            "employee_no": ["N001", "N002"],
            "name": ["王小明", "李小红"],
            "password": [passwords["N001"], passwords["N002"]],
        },
    )
    assert handout.headers["Content-Disposition"] == "attachment; filename=handout.csv"
    rows = list(csv.reader(io.StringIO(handout.get_data().decode("utf-8-sig"))))
    assert rows[0] == ["工号", "姓名", "一次性密码"] and rows[1][0] == "N001"
    # The new hire logs in with it and must choose their own password.
    newcomer = app.test_client()
    login(newcomer, "n001", passwords["N001"])
    assert newcomer.get("/").headers["Location"].startswith("/password")
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "bulk_import"))
    assert audit.detail["count"] == 2 and audit.actor_id == hr.id

    # The same file again: every row already exists, nothing is written.
    again = upload(client, prefix + (HEADER + GOOD_ROWS).encode(encoding), "roster.csv").get_data(
        as_text=True
    )
    assert again.count("已存在") >= 2 and "没有导入任何人" in again
    assert people_count() == before + 2


def test_bulk_import_xlsx(client, hr):
    login(client, "H1")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["工号", "姓名", "岗位", "入职日期"])
    sheet.append(["X001", "周一", "客服前台", "2026-11-02"])
    buffer = io.BytesIO()
    book.save(buffer)
    page = upload(client, buffer.getvalue(), "roster.xlsx").get_data(as_text=True)
    assert "预览：1 人，没有错误" in page


def test_bulk_import_sets_go_live_dates(client, hr):
    login(client, "H1")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["工号", "姓名", "岗位", "入职日期", "上岗日期"])
    sheet.append(["G001", "上岗一", "客服前台", "2026-11-02", datetime(2026, 11, 16)])
    sheet.append(["G002", "上岗二", "客服前台", "2026-11-02", None])
    buffer = io.BytesIO()
    book.save(buffer)
    page = upload(client, buffer.getvalue(), "roster.xlsx").get_data(as_text=True)
    assert "预览：2 人，没有错误" in page and "上岗日期" in page
    payload = re.search(r'name="payload" type="hidden" value="([^"]+)"', page).group(1)
    token = csrf_token(client, "/hr/import")
    client.post("/hr/import/confirm", data={"csrf_token": token, "payload": payload})
    dates = dict(
        db.session.execute(
            select(Employee.employee_no, Employee.go_live_date).where(
                Employee.employee_no.in_(["G001", "G002"])
            )
        ).all()
    )
    assert dates == {"G001": date(2026, 11, 16), "G002": None}


def test_bulk_import_assigns_a_trainer_hired_in_the_same_file(client, hr):
    login(client, "H1")
    body = "工号,姓名,岗位,带教,权限\nS001,新员工,客服前台,S900,\nS900,新带教,客服前台,,带教\n"
    page = upload(client, body.encode(), "roster.csv").get_data(as_text=True)
    assert "预览：2 人，没有错误" in page
    payload = re.search(r'name="payload" type="hidden" value="([^"]+)"', page).group(1)
    token = csrf_token(client, "/hr/import")
    client.post("/hr/import/confirm", data={"csrf_token": token, "payload": payload})
    hire = db.session.scalar(select(Employee).where(Employee.employee_no == "S001"))
    assert hire.trainer.employee_no == "S900" and hire.trainer.has_role("trainer")


def test_a_go_live_date_before_the_hire_date_is_refused(client, hr):
    login(client, "H1")
    before = people_count()
    body = "工号,姓名,岗位,入职日期,上岗日期\nG003,早上岗,客服前台,2026-11-20,2026-11-10\n"
    page = upload(client, body.encode(), "roster.csv").get_data(as_text=True)
    assert "第 2 行「上岗日期」：上岗日期 2026-11-10 早于入职日期 2026-11-20" in page
    assert people_count() == before


def test_roster_problems_are_shown_in_the_persons_language(client, hr):
    hr.locale = "en"
    db.session.commit()
    login(client, "H1")
    body = "工号,姓名,岗位,入职日期,上岗日期\nE 01,甲,客服前台,2026-02-30,\nE02,乙,保洁主管,,\n"
    page = html.unescape(upload(client, body.encode(), "roster.csv").get_data(as_text=True))
    assert "Row 2, column “Employee number”: The employee number “E 01” must not contain" in page
    assert "Row 2, column “Hire date”: “2026-02-30” is not a real date" in page
    assert "Row 3, column “Job role”: There is no job role “保洁主管”" in page
    assert "不是真实存在的日期" not in page
    assert "<th>Hire date</th>" in page  # the preview's column headings too


BAD_ROWS = [
    (",无工号,客服前台,,", "工号"),  # missing employee number
    ("B 002,空格工号,客服前台,,", "工号"),  # whitespace inside the number
    ("B003,,客服前台,,", "姓名"),  # missing name
    ("B004,未知岗位,保洁主管,,", "岗位"),  # unknown job role
    ("B005,日期错,客服前台,2026-02-30,", "入职日期"),  # impossible date
    ("B006,手机错,客服前台,,123", "手机"),  # bad phone
    ("B007,重复,客服前台,,", "工号"),  # duplicate in file (with the next row)
    ("b007,重复二,客服前台,,", "工号"),
    ("H1,已存在,客服前台,,", "工号"),  # already exists
    ("B009,控制字符\x07,客服前台,,", "姓名"),  # control character
    ("B010," + "长" * 200 + ",客服前台,,", "姓名"),  # too long
]


def test_bulk_import_reports_every_bad_row_at_its_row_and_column(client, hr):
    login(client, "H1")
    body = "工号,姓名,岗位,入职日期,手机\n" + "\n".join(row for row, _ in BAD_ROWS) + "\n"
    before = database_snapshot()
    page = upload(client, body.encode("utf-8"), "bad.csv").get_data(as_text=True)
    assert "没有导入任何人" in page
    for number, (_row, column) in enumerate(BAD_ROWS, start=2):
        assert f"第 {number} 行「{column}」" in page, (number, column)
    assert 'name="payload"' not in page  # no confirm button
    assert database_snapshot() == before


def test_file_level_problems_are_refused_with_a_message(client, hr):
    login(client, "H1")
    page = upload(client, "姓名,岗位\n张三,客服前台\n".encode(), "no-number.csv").get_data(
        as_text=True
    )
    assert "文件无法导入" in page and "工号" in page
    page = upload(client, b"\xff\xfe\x00garbage\x81\x82", "garbage.csv").get_data(as_text=True)
    assert "文件无法导入" in page


def test_a_tampered_confirmation_is_refused(client, hr):
    login(client, "H1")
    token = csrf_token(client, "/hr/import")
    response = client.post(
        "/hr/import/confirm", data={"csrf_token": token, "payload": "forged.payload"}
    )
    assert response.status_code == 400
    assert people_count() == 2


def test_naughty_strings_in_names_are_stored_exactly_or_refused(app, hr, blns):
    # Hundreds of accounts at once: one-time passwords take the fast hash.
    rows = [f"NS{i:04d}" for i in range(len(blns))]
    body = io.StringIO()
    writer = csv.writer(body)
    writer.writerow(["工号", "姓名", "岗位"])
    for number, value in zip(rows, blns, strict=True):
        writer.writerow([number, value, "客服前台"])
    preview = onboarding.preview_roster(db.session, body.getvalue().encode("utf-8"), "naughty.csv")
    accepted = [row for row in preview.rows if row.ok]
    assert accepted, "no naughty string accepted at all"
    hires = [row.hire for row in accepted]
    onboarding.create_hires(db.session, hires, hr, utcnow(), "naughty.csv")
    db.session.commit()
    stored = dict(db.session.execute(select(Employee.employee_no, Employee.name)).all())
    for hire in hires:
        assert stored[hire.employee_no] == hire.name
        assert hire.name == blns[int(hire.employee_no[2:])].strip()
    for row in preview.rows:
        if not row.ok:
            assert row.issues and all(issue.message for issue in row.issues)


def test_exports_never_start_a_formula(client, hr):
    make_person("F1", name='=HYPERLINK("http://evil","x")')
    make_person("F2", name="+cmd|' /C calc'!A0")
    login(client, "H1")
    text = client.get("/people/export.csv").get_data().decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert '\'=HYPERLINK("http://evil","x")' in cells
    assert "'+cmd|' /C calc'!A0" in cells
    assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for cell in cells)
    book = openpyxl.load_workbook(io.BytesIO(client.get("/people/export.xlsx").get_data()))
    values = [c.value for row in book.active.iter_rows() for c in row if isinstance(c.value, str)]
    assert not any(v[:1] in ("=", "+", "-", "@") for v in values)


def test_hr_creates_edits_deactivates_and_reactivates_a_person(app, client, hr):
    login(client, "H1")
    token = csrf_token(client, "/people/new")
    role_id = db.session.scalar(select(JobRole.id).where(JobRole.name == "客服前台"))
    response = client.post(
        "/people/new",
        data={
            "csrf_token": token,
            "employee_no": " ｐ００１",
            "name": "孙新",
            "job_role": role_id,
            "site": 0,
            "trainer": 0,
            "phone": "138 0013 8000",
        },
    )
    page = response.get_data(as_text=True)
    assert "已创建账号" in page
    person = db.session.scalar(select(Employee).where(Employee.employee_no == "P001"))
    assert person is not None and person.must_change_password
    # The same number again, in another spelling, is a field error.
    again = client.post(
        "/people/new",
        data={
            "csrf_token": token,
            "employee_no": "p001",
            "name": "重复",
            "job_role": 0,
            "site": 0,
            "trainer": 0,
        },
    )
    assert "工号 P001 已存在" in again.get_data(as_text=True)
    bad = client.post(
        "/people/new",
        data={
            "csrf_token": token,
            "employee_no": "P002",
            "name": "",
            "phone": "12",
            "job_role": 0,
            "site": 0,
            "trainer": 0,
        },
    )
    assert "请输入姓名" in bad.get_data(as_text=True) and "手机号应为 11 位数字" in bad.get_data(
        as_text=True
    )

    edit = client.post(
        f"/people/{person.id}/edit",
        data={
            "csrf_token": token,
            "employee_no": "ignored",
            "name": "孙新新",
            "job_role": role_id,
            "site": 0,
            "trainer": 0,
            "email": "a@b.cn",
        },
    )
    assert edit.status_code == 302
    db.session.refresh(person)
    assert (person.name, person.email, person.employee_no) == ("孙新新", "a@b.cn", "P001")

    client.post(f"/people/{person.id}/deactivate", data={"csrf_token": token})
    db.session.refresh(person)
    assert person.status == "left" and person.left_at is not None
    assert "已离职" in client.get("/people/?status=left").get_data(as_text=True)
    client.post(f"/people/{person.id}/reactivate", data={"csrf_token": token})
    db.session.refresh(person)
    assert person.status == "active"
    actions = list(
        db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.target == "P001").order_by(AuditEntry.id)
        )
    )
    assert actions == ["person_create", "person_update", "deactivate", "reactivate"]


def test_search_and_filter_people(client, hr):
    make_person("S1", name="张三", site="一号项目", job_role="客服前台")
    make_person("S2", name="李四", site="二号项目", job_role="贴心管家")
    login(client, "H1")
    assert "张三" in client.get("/people/?q=张").get_data(as_text=True)
    assert "李四" not in client.get("/people/?q=张").get_data(as_text=True)
    site = db.session.scalar(select(Site.id).where(Site.name == "二号项目"))
    page = client.get(f"/people/?site={site}").get_data(as_text=True)
    assert "李四" in page and "张三" not in page
    assert "没有找到员工" in client.get("/people/?q=%25_").get_data(as_text=True)


def test_hr_cannot_manage_admins_or_edit_banks(client, hr):
    admin = make_person("A1", roles=("admin",))
    login(client, "H1")
    token = csrf_token(client, "/people/")
    assert (
        client.post(f"/people/{admin.id}/reset-password", data={"csrf_token": token}).status_code
        == 403
    )
    assert (
        client.post(f"/people/{admin.id}/deactivate", data={"csrf_token": token}).status_code == 403
    )
    assert client.get(f"/admin/people/{admin.id}/roles").status_code == 403


def test_admin_changes_access_roles_and_manages_job_roles_and_sites(app, client):
    admin = make_person("A1", roles=("admin",))
    person = make_person("E1")
    login(client, "A1")
    token = csrf_token(client, f"/admin/people/{person.id}/roles")
    client.post(
        f"/admin/people/{person.id}/roles",
        data={"csrf_token": token, "roles": ["employee", "trainer"]},
    )
    db.session.refresh(person)
    assert person.roles == {"employee", "trainer"}
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "role_change"))
    assert entry.detail == {"before": ["employee"], "after": ["employee", "trainer"]}
    # An admin cannot lock themselves out.
    page = client.post(
        f"/admin/people/{admin.id}/roles", data={"csrf_token": token, "roles": ["hr"]}
    ).get_data(as_text=True)
    assert "不能取消自己的管理员权限" in page

    client.post("/admin/job-roles", data={"csrf_token": token, "name": "工程维修"})
    duplicate = client.post("/admin/job-roles", data={"csrf_token": token, "name": "工程维修"})
    assert "已有同名的一项" in duplicate.get_data(as_text=True)
    role = db.session.scalar(select(JobRole).where(JobRole.name == "工程维修"))
    client.post(f"/admin/job-roles/{role.id}", data={"csrf_token": token, "name": "工程维修员"})
    db.session.refresh(role)
    assert role.name == "工程维修员"
    client.post("/admin/sites", data={"csrf_token": token, "name": "三号项目"})
    assert db.session.scalar(select(Site.id).where(Site.name == "三号项目")) is not None
    audit_page = client.get("/admin/audit").get_data(as_text=True)
    assert "修改权限" in audit_page and "工程维修员" in audit_page


def test_user_create_and_import_commands(app, runner, tmp_path):
    result = runner.invoke(
        args=[
            "user",
            "create",
            "--employee-no",
            "root",
            "--name",
            "管理员",
            "--password",
            "a-strong-pass",
        ]
    )
    assert result.exit_code == 0, result.output
    root = db.session.scalar(select(Employee).where(Employee.employee_no == "ROOT"))
    assert root.roles == {"admin"} and not root.must_change_password
    weak = runner.invoke(
        args=["user", "create", "--employee-no", "x1", "--name", "x", "--password", "x1"]
    )
    assert weak.exit_code != 0 and "密码至少 8 个字符" in weak.output

    db.session.add(JobRole(name="客服前台"))
    db.session.commit()
    roster = tmp_path / "roster.csv"
    roster.write_text("工号,姓名,岗位\nC001,甲,客服前台\nC002,乙,客服前台\n", encoding="utf-8")
    dry = runner.invoke(args=["user", "import", str(roster), "--dry-run"])
    assert dry.exit_code == 0 and "2 people would be created" in dry.output
    assert people_count() == 1
    handout = tmp_path / "handout.csv"
    done = runner.invoke(args=["user", "import", str(roster), "--handout", str(handout)])
    assert done.exit_code == 0, done.output
    assert people_count() == 3
    assert handout.read_text(encoding="utf-8-sig").splitlines()[0] == "工号,姓名,一次性密码"
    before = database_snapshot()
    again = runner.invoke(args=["user", "import", str(roster)])
    assert again.exit_code == 1
    assert "roster.csv:2: 工号:" in again.stderr and "nothing was imported" in again.stderr
    assert database_snapshot() == before


def test_demo_is_created_once_and_its_logins_work(app, runner):
    first = runner.invoke(args=["demo", "--json"])
    logins = json.loads(first.output)
    assert {tuple(sorted(login)) for login in logins} == {
        ("employee_no", "job_role", "password", "roles")
    }
    roles = {role for login in logins for role in login["roles"]}
    assert roles == {"admin", "trainer", "hr", "employee"}
    assert {login["job_role"] for login in logins} >= {"客服前台", "营业厅营业员"}
    before = database_snapshot()
    assert json.loads(runner.invoke(args=["demo", "--json"]).output) == logins
    assert database_snapshot() == before
    for entry in logins:
        client = app.test_client()
        assert login(client, entry["employee_no"], entry["password"]).headers["Location"] == "/"
        home = client.get("/", follow_redirects=True)
        assert home.status_code == 200 and "/password" not in home.request.path  # no forced change


def test_trainer_resets_a_trainees_password(app, client):
    make_person("T1", roles=("trainer",), site="一号项目")
    trainee = make_person("E1", site="一号项目", trainer="T1")
    login(client, "T1")
    token = csrf_token(client, f"/people/{trainee.id}")
    page = client.post(f"/people/{trainee.id}/reset-password", data={"csrf_token": token}).get_data(
        as_text=True
    )
    secret = re.search(r'<p class="secret">([^<]+)</p>', page).group(1)
    assert PASSWORD not in page
    assert login(app.test_client(), "E1", secret).status_code == 302


def test_admin_sets_a_job_roles_study_settings(client):
    make_person("A1", roles=("admin",))
    role = JobRole(name="客服前台")
    db.session.add(role)
    db.session.commit()
    login(client, "A1")
    token = csrf_token(client, f"/admin/job-roles/{role.id}/settings")
    bad = client.post(
        f"/admin/job-roles/{role.id}/settings",
        data={
            "csrf_token": token,
            "desired_retention": "1.5",
            "daily_new_cap": "20",
            "session_minutes": "10",
            "day_boundary_hour": "4",
        },
    )
    assert "请输入 0.70 到 0.99 之间的数" in bad.get_data(as_text=True)
    client.post(
        f"/admin/job-roles/{role.id}/settings",
        data={
            "csrf_token": token,
            "desired_retention": "0.95",
            "daily_new_cap": "10",
            "session_minutes": "8",
            "day_boundary_hour": "5",
            "readiness_target": "0.85",
        },
    )
    db.session.refresh(role)
    assert (
        role.desired_retention,
        role.daily_new_cap,
        role.session_minutes,
        role.day_boundary_hour,
        role.readiness_target,
    ) == (0.95, 10, 8, 5, 0.85)
    from quizapp.study.curriculum import role_settings

    assert role_settings(role).desired_retention == 0.95


def test_staff_see_a_persons_readiness_summary(app, client):
    from tests.factories import load_bank

    load_bank()
    make_person("H1", roles=("hr",))
    make_person("T1", roles=("trainer",), job_role="客服前台", site="一号项目")
    make_person("T2", roles=("trainer",), job_role="客服前台", site="一号项目")
    hire = make_person("E1", job_role="客服前台", site="一号项目", trainer="T1")
    login(client, "H1")
    page = client.get(f"/people/{hire.id}").get_data(as_text=True)
    assert "学习进度" in page and "未开始" in page and "掌握度" in page and "覆盖率" in page
    assert "预计达标" in page and f"/people/{hire.id}/readiness" in page
    # HR looking at a colleague who does not study: no readiness section.
    hr = db.session.scalar(select(Employee).where(Employee.employee_no == "H1"))
    assert "学习进度" not in client.get(f"/people/{hr.id}").get_data(as_text=True)
    # The hire's own trainer sees it; a trainer of the same site who is not theirs does not.
    own = app.test_client()
    login(own, "T1")
    assert f"/people/{hire.id}/readiness" in own.get(f"/people/{hire.id}").get_data(as_text=True)
    other = app.test_client()
    login(other, "T2")
    page = other.get(f"/people/{hire.id}").get_data(as_text=True)
    assert "学习进度" not in page and "/readiness" not in page


def test_the_people_export_has_readiness_columns(client, hr):
    from datetime import timedelta

    from tests.factories import load_bank
    from tests.study.util import answer

    load_bank()
    hire = make_person("E1", job_role="客服前台", name="张三")
    answer(hire, "ring", {"verdict": True}, now=utcnow() - timedelta(seconds=30))
    login(client, "H1")
    book = openpyxl.load_workbook(io.BytesIO(client.get("/people/export.xlsx").get_data()))
    rows = [[cell.value for cell in row] for row in book.active.iter_rows()]
    header = rows[0]
    assert header[-4:] == ["掌握度（%）", "覆盖率（%）", "学习状态", "预计达标日期"]
    found = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    e1 = found["E1"]
    assert isinstance(e1["掌握度（%）"], int) and 0 < e1["掌握度（%）"] <= 100
    assert e1["覆盖率（%）"] == 17  # 1 of 6 items
    assert e1["学习状态"] in ("学习中", "有风险", "已达标")
    # Not hires (HR, a trainer): empty cells.
    assert not any(found["H1"][title] for title in header[-4:])
    assert not any(found["T1"][title] for title in header[-4:])
    text = client.get("/people/export.csv").get_data().decode("utf-8-sig")
    assert "掌握度（%）,覆盖率（%）,学习状态,预计达标日期" in text.splitlines()[0]
