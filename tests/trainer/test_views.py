"""The trainer's home: their own trainees, nearest go-live first, with their readiness."""

from __future__ import annotations

import re
from datetime import date

from quizapp.extensions import db
from tests.factories import T0, load_bank, login, make_person, statements_for
from tests.study.util import answer


def test_a_trainer_sees_only_their_trainees_with_their_progress(app, client):
    load_bank()
    make_person("T1", roles=("trainer",), job_role="客服前台", site="一号项目")
    make_person("T2", roles=("trainer",))
    soon = make_person("E1", job_role="客服前台", trainer="T1", name="张近")
    later = make_person("E2", job_role="客服前台", trainer="T1", name="李远")
    make_person("E3", job_role="客服前台", trainer="T2", name="王别人")
    make_person(
        "E4", job_role="客服前台", site="一号项目", name="赵同项目"
    )  # in scope, not a trainee
    soon.go_live_date = date(2026, 11, 20)
    later.go_live_date = date(2026, 12, 20)
    db.session.commit()
    for key in ("ring", "paid"):
        answer(soon, key, {"verdict": True, "choices": [1]}, now=T0)

    login(client, "T1")
    page = client.get("/trainer/").get_data(as_text=True)
    assert "我的学员" in page and "共 2 人" in page
    assert page.index("张近") < page.index("李远")  # nearest go-live first
    assert "王别人" not in page and "赵同项目" not in page
    # Each trainee with their status, readiness, coverage and forecast.
    assert re.search(r'<span class="status status-\w+">(学习中|有风险)</span>', page)  # 张近
    assert '<span class="status status-not_started">未开始</span>' in page  # 李远
    assert "覆盖率 33%" in page and "覆盖率 0%" in page
    assert "掌握度" in page and ("无法预计" in page or "达标" in page)
    assert f"/people/{soon.id}/readiness" in page  # each trainee opens their report
    assert client.get(f"/people/{soon.id}/readiness").status_code == 200

    # Nobody but trainers (and admins) opens the page.
    client.post("/logout", data={"csrf_token": ""})
    make_person("H1", roles=("hr",))
    fresh = app.test_client()
    login(fresh, "H1")
    assert fresh.get("/trainer/").status_code == 403


def test_a_trainer_without_trainees_gets_a_plain_message(client):
    make_person("T1", roles=("trainer",))
    login(client, "T1")
    page = client.get("/trainer/").get_data(as_text=True)
    assert "还没有学员由你带教" in page
    assert "/trainer/" in client.get("/people/").get_data(as_text=True)  # in the nav


def test_the_page_reads_the_cohort_in_a_fixed_number_of_statements(app, client):
    load_bank()
    make_person("T1", roles=("trainer",))
    first = make_person("E0", job_role="客服前台", trainer="T1")
    answer(first, "ring", {"verdict": True}, now=T0)
    login(client, "T1")
    one = statements_for(client, "/trainer/")
    for n in range(1, 9):
        hire = make_person(f"E{n}", job_role="客服前台", trainer="T1")
        answer(hire, "ring", {"verdict": True}, now=T0)
    # No query per trainee: nine trainees cost what one did.
    assert statements_for(client, "/trainer/") == one
