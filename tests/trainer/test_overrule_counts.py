"""Trainers see how often hires overruled the grader: per trainee on 我的学员 (their own
trainees only) and per item in the item analysis."""

from __future__ import annotations

import re
from datetime import timedelta

from quizapp.extensions import db
from quizapp.models import Employee
from quizapp.people import views as people_views
from quizapp.study.answers import overrule
from quizapp.trainer import views as trainer_views
from tests.factories import T0, load_bank, login, make_person
from tests.study.util import answer, item


def world_id(number: int) -> int:
    return db.session.query(Employee.id).filter_by(employee_no=f"E{number}").scalar()


def _overrule_to_right(hire, times: int, start):
    for n in range(times):
        now = start + timedelta(minutes=n)
        review = answer(hire, "three", {"text": "说话轻"}, now)
        overrule(db.session, hire, review.id, True, now + timedelta(seconds=10))


def test_the_trainee_list_shows_recent_overrules_of_own_trainees_only(app, client, monkeypatch):
    load_bank()
    make_person("T1", roles=("trainer",))
    make_person("T2", roles=("trainer",))
    mine = make_person("E1", job_role="客服前台", trainer="T1", name="张多改")
    make_person("E2", job_role="客服前台", trainer="T1", name="李没改")
    other = make_person("E3", job_role="客服前台", trainer="T2", name="王别人")
    _overrule_to_right(mine, 3, T0)  # within the last 30 days
    _overrule_to_right(mine, 2, T0 - timedelta(days=40))  # too long ago
    _overrule_to_right(other, 4, T0)
    # "我答错了" (admitting a mistake) is not a self-correction to watch.
    right = answer(mine, "three", {"text": "说话轻，走路轻，操作轻"}, T0 + timedelta(hours=1))
    assert not overrule(db.session, mine, right.id, False, T0 + timedelta(hours=1)).correct
    monkeypatch.setattr(trainer_views, "utcnow", lambda: T0 + timedelta(days=2))

    login(client, "T1")
    page = client.get("/trainer/").get_data(as_text=True)
    assert "张多改" in page and "李没改" in page and "王别人" not in page
    counts = re.findall(r"自行更正 (\d+) 次（近 30 天）", page)
    assert counts == ["3"]  # only 张多改; 李没改 has none, so no line at all
    assert "自行更正 4 次" not in page

    other_trainer = app.test_client()
    login(other_trainer, "T2")
    page = other_trainer.get("/trainer/").get_data(as_text=True)
    assert re.findall(r"自行更正 (\d+) 次（近 30 天）", page) == ["4"]

    # The hire's readiness report says it too, to those who may see the report.
    monkeypatch.setattr(people_views, "utcnow", lambda: T0 + timedelta(days=2))
    report = client.get(f"/people/{mine.id}/readiness").get_data(as_text=True)
    assert re.findall(r"自行更正 (\d+) 次（近 30 天）", report) == ["3"]
    assert "自行更正" not in client.get(f"/people/{world_id(2)}/readiness").get_data(as_text=True)
    assert other_trainer.get(f"/people/{mine.id}/readiness").status_code == 404


def test_the_item_analysis_lists_overrules_per_item(client):
    load_bank()
    make_person("T1", roles=("trainer",))
    hire = make_person("E1", job_role="客服前台", trainer="T1")
    _overrule_to_right(hire, 2, T0)

    login(client, "T1")
    page = client.get("/trainer/analysis").get_data(as_text=True)
    assert "<th" in page and "推翻评分" in page
    three = item("three").id
    row = re.search(
        rf'<tr[^>]*>\s*<td class="who"><a href="/trainer/analysis/item/{three}">.*?</tr>',
        page,
        re.S,
    ).group(0)
    assert re.search(r'<td class="num overruled">2</td>', row)
    detail = client.get(f"/trainer/analysis/item/{three}").get_data(as_text=True)
    assert "推翻评分" in detail
