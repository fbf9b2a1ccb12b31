"""The readiness report pages: one hire's page for their trainer, HR and admins
(/people/<id>/readiness), the hire's own (/study/progress), and the one line on the study
page. The pages use the real clock (utcnow), so answers here are given at utcnow too."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from quizapp import srs
from quizapp.extensions import db
from quizapp.models import Employee, JobRole
from quizapp.models.types import utcnow
from quizapp.study.curriculum import role_settings
from quizapp.study.standing import standings
from tests.factories import load_bank, login, make_person
from tests.study.util import answer

# A wrong answer to every item of the study bank's section 基础 (six items, one red line).
WRONG = {
    "three": {"text": "不知道"},
    "paid": {"choices": [0]},
    "weekly": {"choices": [2]},
    "ring": {"verdict": False},
    "ring-cloze": {"blanks": ["五"]},
    "fire": {"verdict": False},
}
RIGHT = {"ring": {"verdict": True}, "paid": {"choices": [1]}}


def world():
    load_bank()
    make_person("A1", roles=("admin",))
    make_person("H1", roles=("hr",))
    make_person("T1", roles=("trainer",), job_role="客服前台", site="一号项目")
    # Sees E1 (same site and job role) but is not E1's trainer.
    make_person("T2", roles=("trainer",), job_role="客服前台", site="一号项目")
    hire = make_person("E1", job_role="客服前台", site="一号项目", trainer="T1", name="张学员")
    make_person("E2", job_role="客服前台", site="一号项目", trainer="T1", name="李同事")
    return hire


def client_of(app, number: str | None):
    client = app.test_client()
    if number:
        login(client, number)
    return client


def test_who_may_open_a_hires_readiness_page(app):
    hire = world()
    path = f"/people/{hire.id}/readiness"
    anonymous = client_of(app, None).get(path)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert client_of(app, "E2").get(path).status_code == 403  # the policy: staff only
    assert client_of(app, "T2").get(path).status_code == 404  # not their trainee
    assert client_of(app, "T2").get(f"/people/{hire.id}").status_code == 200  # yet visible
    for number in ("T1", "H1", "A1"):
        page = client_of(app, number).get(path)
        assert page.status_code == 200, number
        assert "张学员 的学习报告" in page.get_data(as_text=True)
    assert client_of(app, "H1").get("/people/999999/readiness").status_code == 404


def test_a_deactivated_hire_stays_readable_for_hr(app):
    hire = world()
    answer(hire, "ring", RIGHT["ring"], now=utcnow() - timedelta(seconds=30))
    hire.status = "left"
    hire.left_at = utcnow()
    db.session.commit()
    page = client_of(app, "H1").get(f"/people/{hire.id}/readiness").get_data(as_text=True)
    assert "此账号已停用" in page and "已掌握" in page


def test_a_person_without_a_job_role_gets_a_message(app):
    world()
    loose = make_person("E9", name="无岗位")
    page = client_of(app, "H1").get(f"/people/{loose.id}/readiness").get_data(as_text=True)
    assert "无岗位 还没有岗位，没有要学的内容。" in page


def test_a_section_failed_today_is_not_shown_as_mastered(app):
    hire = world()
    now = utcnow() - timedelta(seconds=30)
    for key, given in WRONG.items():
        answer(hire, key, given, now=now)
    for page in (
        client_of(app, "H1").get(f"/people/{hire.id}/readiness").get_data(as_text=True),
        client_of(app, "E1").get("/study/progress").get_data(as_text=True),
    ):
        assert "已掌握 0 / 6" in page  # the section
        assert re.search(r"<dt>已掌握</dt><dd>0 / 6</dd>", page)  # overall
        [recall] = re.findall(r'"bar-value">预计记得 (\d+)%', page)
        assert int(recall) < 100
        assert "w100" not in page.split("各部分掌握情况")[1].split("</section>")[0]
        assert "上次答错" in page  # the red line's last answer: ✗
        assert "学过 6 / 6 题" in page
        assert "有风险" in page or "学习中" in page


def test_the_report_shows_red_lines_weakest_calendar_and_print_version(app):
    hire = world()
    now = utcnow() - timedelta(seconds=30)
    for key, given in RIGHT.items():
        answer(hire, key, given, now=now)
    client = client_of(app, "T1")
    page = client.get(f"/people/{hire.id}/readiness").get_data(as_text=True)
    assert "发现火情先报警。" in page and "未学" in page  # the red line, not yet learned
    assert "最需要复习的题" in page and "电话铃响三声之内必须接听。" in page
    assert "上次答对" in page
    assert page.count('class="cal-day c') >= 84 and "cal-day c1 today" in page
    assert "共作答 2 题" in page and "连续学习" in page
    assert "style=" not in page and "<script>" not in page  # the CSP allows neither
    assert "report.css" in page and f"/people/{hire.id}/readiness?print=1" in page
    printable = client.get(f"/people/{hire.id}/readiness?print=1").get_data(as_text=True)
    assert 'class="report report-print"' in printable


def test_an_employee_sees_only_their_own_report(app):
    hire = world()
    other = db.session.scalar(select(Employee).where(Employee.employee_no == "E2"))
    now = utcnow() - timedelta(seconds=30)
    for key, given in RIGHT.items():
        answer(other, key, given, now=now)
    client = client_of(app, "E1")
    page = client.get("/study/progress").get_data(as_text=True)
    assert "张学员" in page and "李同事" not in page
    assert "学过 0 / 6 题" in page and "共作答 0 题" in page
    # No way to ask for someone else's.
    asked = client.get(f"/study/progress?person_id={other.id}").get_data(as_text=True)
    assert "李同事" not in asked and "学过 0 / 6 题" in asked
    assert client.get(f"/people/{other.id}/readiness").status_code == 403
    assert hire.id != other.id


def _study_day():
    role = db.session.scalar(select(JobRole).where(JobRole.name == "客服前台"))
    return srs.study_day(utcnow(), role_settings(role))


def _standing(person_id: int):
    [standing] = standings(db.session, utcnow(), [Employee.id == person_id], only_hires=False)
    return standing


def test_the_study_page_shows_one_line_of_readiness(app):
    hire = world()
    answer(hire, "ring", RIGHT["ring"], now=utcnow() - timedelta(seconds=30))
    client = client_of(app, "E1")
    page = client.get("/study/").get_data(as_text=True)
    percent = round(_standing(hire.id).readiness * 100)
    assert f"当前掌握 {percent}%" in page and 'class="readiness-banner"' in page

    hire = db.session.get(Employee, hire.id)
    hire.go_live_date = _study_day() + timedelta(days=10)
    db.session.commit()
    page = client.get("/study/").get_data(as_text=True)
    percent = round(_standing(hire.id).readiness_at_go_live * 100)
    assert f"距上岗还有 10 天，预计掌握 {percent}%" in page


def test_a_card_may_show_a_banner_minutes_old_the_done_page_never(app, monkeypatch):
    from quizapp.study import views
    from quizapp.study.readiness_cache import BANNER_REUSE

    asked = []
    real = views.standings
    monkeypatch.setattr(
        views, "standings", lambda *a, **k: asked.append(k["answered_within"]) or real(*a, **k)
    )
    world()
    client = client_of(app, "E1")
    assert 'name="ticket"' in client.get("/study/").get_data(as_text=True)
    assert asked == [BANNER_REUSE]
    db.session.scalar(select(JobRole).where(JobRole.name == "客服前台")).daily_new_cap = 0
    db.session.commit()
    asked.clear()
    assert "现在没有要学的题" in client.get("/study/").get_data(as_text=True)
    assert asked[-1] is None


def test_the_done_page_shows_the_line_too(app):
    hire = world()
    db.session.scalar(select(JobRole).where(JobRole.name == "客服前台")).daily_new_cap = 0
    db.session.commit()
    page = client_of(app, "E1").get("/study/").get_data(as_text=True)
    assert "现在没有要学的题" in page and "当前掌握 0%" in page
    assert hire.id


def test_no_line_without_a_job_role(app):
    load_bank()
    make_person("E1")
    page = client_of(app, "E1").get("/study/").get_data(as_text=True)
    assert "readiness-banner" not in page
    progress = client_of(app, "E1").get("/study/progress").get_data(as_text=True)
    assert "你的岗位还没有分配学习内容。" in progress
