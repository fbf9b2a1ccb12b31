"""The assignment pages and the employee's 我的任务."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from quizapp import srs
from quizapp.assignments.service import NewAssignment, create_assignment
from quizapp.extensions import db
from quizapp.models import Assignment, Exam, JobRole
from quizapp.models.types import utcnow
from tests.factories import csrf_token, login, make_person, statements_for

from .conftest import bank_id


def study_today():
    """Today's study day (Shanghai, the default settings): what due dates count from."""
    return srs.study_day(utcnow(), srs.DEFAULT_SETTINGS)


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Assignment))


def form(client, **values) -> dict:
    today = study_today()
    data = {
        "csrf_token": csrf_token(client, "/assignments/new"),
        "title": "消防专项",
        "contents": [f"b{bank_id('extra')}"],
        "exam": "0",
        "audience": "role",
        "job_role": str(db.session.scalar(select(JobRole.id).where(JobRole.name == "客服前台"))),
        "site": "0",
        "people": "",
        "starts_on": today.isoformat(),
        "due_kind": "date",
        "due_on": (today + timedelta(days=7)).isoformat(),
        "due_days": "",
        "note": "",
    }
    data.update(values)
    return data


def make(actor, **values) -> Assignment:
    today = study_today()
    values.setdefault("bank_ids", [bank_id("extra")])
    values.setdefault("starts_on", today)
    values.setdefault("due_on", today + timedelta(days=7))
    return create_assignment(db.session, actor, NewAssignment(**values), utcnow())


def test_employees_get_403(world, client):
    login(client, "E1")
    assert client.get("/assignments/").status_code == 403
    assert client.get("/assignments/new").status_code == 403


def test_hr_creates_an_assignment_through_the_form(world, client):
    login(client, "H1")
    page = client.get("/assignments/new").get_data(as_text=True)
    assert "整个题库：消防专项" in page and "消防专项：器材" in page  # a bank, a tag
    response = client.post("/assignments/new", data=form(client))
    assert response.status_code == 302
    [made] = db.session.scalars(select(Assignment)).all()
    assert response.headers["Location"].endswith(f"/assignments/{made.id}")
    assert made.trainer_id is None and made.created_by_id == world["H1"].id
    detail = client.get(f"/assignments/{made.id}").get_data(as_text=True)
    # Matched as the page shows a number: a CSRF token may hold any two characters (E3 …).
    shown = {n for n in ("E1", "E2", "E3") if f"<strong>{n}</strong>" in detail}
    assert shown == {"E1", "E2"}
    listing = client.get("/assignments/").get_data(as_text=True)
    assert "消防专项" in listing and "完成 0 / 2 人" in listing


def test_the_form_needs_its_csrf_token(world, client):
    login(client, "H1")
    data = form(client)
    data.pop("csrf_token")
    client.post("/assignments/new", data=data)
    assert count() == 0


def test_a_standing_assignment_from_the_form(world, client):
    login(client, "H1")
    response = client.post(
        "/assignments/new", data=form(client, due_kind="days", due_on="", due_days="30")
    )
    assert response.status_code == 302
    made = db.session.scalar(select(Assignment))
    assert made.due_days == 30 and made.due_on is None


def errors_of(page: str) -> list[str]:
    return re.findall(r'<p class="error">([^<]*)</p>', page)


def test_errors_are_shown_under_their_field(world, client):
    login(client, "H1")
    cases = [
        ({"title": ""}, "请填写此项"),
        ({"contents": []}, "请选择要学习的题库、章节或标签，或者一场考试"),
        ({"contents": ["x1"]}, "请从列表中选择"),
        ({"job_role": "0"}, "请选择岗位"),
        ({"audience": "people", "people": "E1\nZZ77"}, "工号 ZZ77 不存在或已停用"),
        ({"due_on": "2000-01-01"}, "截止日期不能早于开始日期"),
        ({"due_kind": "days", "due_on": "", "due_days": "0"}, "天数须在 1 到 730 之间"),
    ]
    for values, message in cases:
        response = client.post("/assignments/new", data=form(client, **values))
        assert response.status_code == 200, values
        assert message in errors_of(response.get_data(as_text=True)), values
    assert count() == 0


def test_a_trainer_sees_only_their_own(world, client):
    theirs = make(world["T1"], title="一号的任务", audience="people", employee_nos=["E1"])
    login(client, "T2")
    assert "一号的任务" not in client.get("/assignments/").get_data(as_text=True)
    assert client.get(f"/assignments/{theirs.id}").status_code == 404
    token = csrf_token(client, "/assignments/")
    response = client.post(f"/assignments/{theirs.id}/archive", data={"csrf_token": token})
    assert response.status_code == 404
    # A trainer naming someone else's trainee in the form is told which number.
    response = client.post(
        "/assignments/new", data=form(client, audience="people", people="E2, E1")
    )
    assert "工号 E1 不是你带教的学员" in errors_of(response.get_data(as_text=True))


def test_archiving(world, client):
    made = make(world["T1"], title="一号的任务", audience="people", employee_nos=["E1"])
    login(client, "T1")
    token = csrf_token(client, f"/assignments/{made.id}")
    response = client.post(f"/assignments/{made.id}/archive", data={"csrf_token": token})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Assignment, made.id).archived
    assert "一号的任务" in client.get("/assignments/?archived=1").get_data(as_text=True)
    assert "一号的任务" not in client.get("/assignments/").get_data(as_text=True)


def test_the_employee_home_shows_tasks_overdue_marked(world, client):
    today = study_today()
    make(world["H1"], title="本周任务", audience="people", employee_nos=["E1"])
    make(
        world["H1"],
        title="上月任务",
        audience="people",
        employee_nos=["E1"],
        starts_on=today - timedelta(days=30),
        due_on=today - timedelta(days=3),
    )
    login(client, "E1")
    page = client.get("/study/").get_data(as_text=True)
    assert "我的任务" in page
    assert page.index("上月任务") < page.index("本周任务")  # overdue first
    assert "已逾期 3 天" in page and "还剩 7 天" in page


def test_the_study_page_costs_the_same_with_more_tasks(world, client):
    exams = [Exam(title="上岗考试", audience="role"), Exam(title="复训考试", audience="role")]
    db.session.add_all(exams)
    db.session.commit()
    make(world["H1"], title="一", audience="people", employee_nos=["E1"])
    make(world["H1"], title="二", audience="people", employee_nos=["E1"], exam_id=exams[0].id,
         bank_ids=[])  # fmt: skip
    login(client, "E1")
    client.get("/study/")  # the day's readiness figures cached
    one = statements_for(client, "/study/")
    make(world["H1"], title="三", audience="site", site_id=world["E1"].site_id)
    make(world["H1"], title="四", audience="people", employee_nos=["E1"], exam_id=exams[1].id,
         bank_ids=[])  # fmt: skip
    page = client.get("/study/").get_data(as_text=True)
    assert f"/exam/{exams[1].id}" in page  # links to the exam (not followed here)
    assert statements_for(client, "/study/") == one


def test_the_study_page_shows_an_assignments_task_and_its_cards(world, client):
    # Someone without a job role learns only what is assigned: the page reads the
    # assignments once, for the tasks and for the cards.
    make_person("N0")
    make(world["H1"], title="消防专项", audience="people", employee_nos=["N0"])
    login(client, "N0")
    page = client.get("/study/").get_data(as_text=True)
    assert "我的任务" in page and "消防专项" in page
    assert "灭火器压力表指针应在哪个区？" in page  # the assigned bank's first item
